"""Therapists' own exercises, and the photos on them: checked, cleaned, served to whoever may see
the exercise, deleted with it."""

import html
import io
import os
import re
import stat

import pytest
from flask_migrate import downgrade, upgrade
from PIL import Image
from sqlalchemy import inspect, text

from selfcare import create_app
from selfcare.account.service import delete_account
from selfcare.auth.service import create_user
from selfcare.extensions import db
from selfcare.models import THERAPIST, Exercise, Routine, RoutineLog, User
from selfcare.routines.exercises import (
    exercise_visible_to,
    sync_exercise_library,
    visible_exercises,
)
from selfcare.routines.logs import log_routine
from selfcare.routines.service import create_routine

from .helpers import (
    PASSWORD,
    count_rows,
    fetch_all,
    log_in,
    logged_in_therapist,
    make_user,
    settings_for,
    submit,
)

BEFORE_PHOTOS = "d5a7c9e1f3b2"

GPS_IFD = 0x8825
GPS_LATITUDE_REF, GPS_LATITUDE = 1, 2
EXIF_ORIENTATION = 0x0112
MAKE = 0x010F


@pytest.fixture
def photo_dir(app, tmp_path):
    folder = tmp_path / "photos"
    app.config["PHOTO_DIR"] = str(folder)
    return folder


def jpeg_with_gps(width=120, height=80, orientation=None) -> bytes:
    """A photo as a phone makes it: EXIF with the camera and where it was taken."""
    image = Image.new("RGB", (width, height), (200, 60, 40))
    exif = Image.Exif()
    exif[MAKE] = "PhoneCo"
    exif.get_ifd(GPS_IFD).update({GPS_LATITUDE_REF: "N", GPS_LATITUDE: (51.0, 30.0, 12.5)})
    if orientation:
        exif[EXIF_ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def encoded(fmt: str, size=(60, 40), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, fmt)
    return out.getvalue()


def exercise_fields(**changes) -> dict:
    return {
        "name": "Banded row",
        "kind": "mobility",
        "regions": ["upper_back"],
        "how_to": "Pull the band to the ribs, squeeze the shoulder blades, return slowly.",
        "sets": "2",
        "reps": "10",
    } | changes


def add_exercise(browser, photo: bytes | None = None, filename="photo.jpg", **changes):
    data = exercise_fields(**changes)
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), filename)
    return submit(browser, "/therapist/exercises/new", data, content_type="multipart/form-data")


def only_exercise(app, owner_id) -> Exercise:
    (exercise,) = fetch_all(app, Exercise, owner_id=owner_id)
    return exercise


def test_a_therapist_adds_an_exercise_with_a_phone_photo_and_its_metadata_is_gone(app, photo_dir):
    browser, therapist = logged_in_therapist(app)
    response = add_exercise(browser, jpeg_with_gps())
    assert response.status_code == 302
    exercise = only_exercise(app, therapist.id)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", exercise.photo)
    stored = photo_dir / exercise.photo
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(photo_dir).st_mode) == 0o700
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (120, 80)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info
    assert b"PhoneCo" not in stored.read_bytes()

    page = browser.get("/therapist/exercises").text
    assert "Banded row" in page
    assert f'/photos/{exercise.id}/{exercise.photo}"' in page
    served = browser.get(f"/photos/{exercise.id}/{exercise.photo}")
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Cache-Control"] == "private, max-age=604800"
    assert served.data == stored.read_bytes()


def test_a_photo_taken_sideways_is_stored_upright_and_large_ones_are_shrunk(app, photo_dir):
    app.config["PHOTO_MAX_SIDE"] = 100
    browser, therapist = logged_in_therapist(app)
    # Orientation 6: the camera was turned; the picture is shown rotated a quarter turn.
    assert add_exercise(browser, jpeg_with_gps(300, 200, orientation=6)).status_code == 302
    with Image.open(photo_dir / only_exercise(app, therapist.id).photo) as image:
        assert image.size == (67, 100)


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "scan.jpg", "isn't a picture"),
        (b"just some words, renamed", "notes.jpg", "isn't a picture"),
        (encoded("GIF"), "moving.gif", "Please choose a JPEG, PNG or WebP photo."),
        (encoded("BMP"), "old.bmp", "Please choose a JPEG, PNG or WebP photo."),
        (jpeg_with_gps()[:300], "cut.jpg", "seems damaged"),
        (b"", "empty.jpg", "empty"),
    ],
)
def test_files_that_are_not_usable_photos_are_refused_next_to_the_field(
    app, photo_dir, content, filename, message
):
    browser, therapist = logged_in_therapist(app)
    response = add_exercise(browser, content, filename)
    assert response.status_code == 422
    errors = re.search(r'id="photo-errors">(.*?)</ul>', response.text, re.S)
    assert errors and message in html.unescape(errors.group(1))
    assert count_rows(app, Exercise, owner_id=therapist.id) == 0
    assert not photo_dir.exists() or not any(photo_dir.iterdir())


def test_a_photo_over_the_size_limit_is_refused(app, photo_dir):
    app.config["PHOTO_MAX_BYTES"] = 2000
    browser, therapist = logged_in_therapist(app)
    response = add_exercise(browser, jpeg_with_gps() + b"\0" * 2000)
    assert response.status_code == 422
    assert "larger than" in response.text
    assert count_rows(app, Exercise, owner_id=therapist.id) == 0


def test_an_upload_far_over_the_limit_is_stopped_before_it_is_read(app, photo_dir):
    app.config["PHOTO_MAX_BYTES"] = 2000
    browser, therapist = logged_in_therapist(app)
    response = add_exercise(browser, b"\xff" * (400 * 1024))
    assert response.status_code == 413
    assert count_rows(app, Exercise, owner_id=therapist.id) == 0


def test_photo_sized_requests_are_allowed_only_where_a_photo_goes(app, photo_dir):
    """The site's 1 MB limit stays for every other form; the exercise forms take a phone photo."""
    browser, therapist = logged_in_therapist(app)
    noise = Image.effect_noise((1000, 1000), 100).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > app.config["MAX_CONTENT_LENGTH"]
    assert add_exercise(browser, out.getvalue(), "big.png").status_code == 302
    page = browser.get("/therapist/link")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    response = browser.post(
        "/therapist/link", data={"csrf_token": token, "code": "x" * (1100 * 1024)}
    )
    assert response.status_code == 413


def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded(app, photo_dir):
    app.config["PHOTO_MAX_PIXELS"] = 10_000
    browser, therapist = logged_in_therapist(app)
    # 20000 x 20000 pixels of one colour compress to 48 KB: a decompression bomb.
    for size in ((200, 200), (20000, 20000)):
        response = add_exercise(browser, encoded("PNG", size, "1"), "big.png")
        assert response.status_code == 422
        assert "too large to use" in response.text
    assert count_rows(app, Exercise, owner_id=therapist.id) == 0


def test_pictures_decoded_in_full_have_a_lower_pixel_limit_than_jpeg(app, photo_dir):
    """A JPEG is decoded at a reduced scale, so it may have more pixels than a PNG, which is
    decoded whole: the same size is refused as a PNG and taken as a JPEG."""
    app.config["PHOTO_MAX_DECODED_PIXELS"] = 10_000
    browser, therapist = logged_in_therapist(app)
    refused = add_exercise(browser, encoded("PNG", (200, 200)), "screen.png")
    assert refused.status_code == 422 and "too large to use" in refused.text
    assert add_exercise(browser, encoded("JPEG", (200, 200))).status_code == 302
    assert count_rows(app, Exercise, owner_id=therapist.id) == 1


def test_a_multi_picture_jpeg_from_a_phone_camera_is_accepted(app, photo_dir):
    out = io.BytesIO()
    first, second = Image.new("RGB", (80, 60), "red"), Image.new("RGB", (80, 60), "blue")
    first.save(out, "MPO", save_all=True, append_images=[second])
    browser, therapist = logged_in_therapist(app)
    assert add_exercise(browser, out.getvalue(), "IMG_0001.JPG").status_code == 302
    with Image.open(photo_dir / only_exercise(app, therapist.id).photo) as stored:
        assert (stored.format, stored.size) == ("JPEG", (80, 60))


def test_photo_forms_have_a_rate_limit_per_account(app, photo_dir):
    app.config["PHOTO_RATE_LIMIT"] = "2 per hour"
    browser, therapist = logged_in_therapist(app)
    statuses = [add_exercise(browser, name=f"Row {n}").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert count_rows(app, Exercise, owner_id=therapist.id) == 2


def test_png_and_webp_are_accepted_and_stored_as_jpeg(app, photo_dir):
    browser, therapist = logged_in_therapist(app)
    assert add_exercise(browser, encoded("PNG", mode="RGBA"), "a.png").status_code == 302
    assert add_exercise(browser, encoded("WEBP"), "b.webp", name="Other").status_code == 302
    for exercise in fetch_all(app, Exercise, owner_id=therapist.id):
        with Image.open(photo_dir / exercise.photo) as image:
            assert image.format == "JPEG"


def therapist_exercise_in_a_clients_routine(app, photo_dir):
    """A therapist's exercise with a photo, in a client's home programme; and that client."""
    browser, therapist = logged_in_therapist(app)
    add_exercise(browser, jpeg_with_gps())
    exercise = only_exercise(app, therapist.id)
    client = make_user(app)
    with app.app_context():
        create_routine(
            client.id, "From Theo", [db.session.get(Exercise, exercise.id)], therapist.id
        )
    return browser, therapist, exercise, client


def test_a_client_with_the_exercise_in_a_routine_sees_it_and_its_photo(app, photo_dir):
    _, therapist, exercise, client = therapist_exercise_in_a_clients_routine(app, photo_dir)
    browser = app.test_client()
    log_in(browser, client)
    library = browser.get("/exercises").text
    assert "Banded row" in library and "From your therapist" in library
    assert "Pull the band to the ribs" in library
    photo_url = f"/photos/{exercise.id}/{exercise.photo}"
    assert photo_url in library
    assert browser.get(photo_url).status_code == 200
    routine_page = browser.get("/routines").text
    routine_id = re.search(r'href="/routines/(\d+)"', routine_page).group(1)
    assert photo_url in browser.get(f"/routines/{routine_id}").text
    assert photo_url in browser.get(f"/routines/{routine_id}/log").text


def test_nobody_else_gets_the_exercise_or_its_photo(app, photo_dir):
    _, therapist, exercise, _ = therapist_exercise_in_a_clients_routine(app, photo_dir)
    photo_url = f"/photos/{exercise.id}/{exercise.photo}"
    other_therapist, _ = logged_in_therapist(app, "Other Therapist")
    other_client = app.test_client()
    log_in(other_client, make_user(app))
    for browser in (other_therapist, other_client):
        assert browser.get(photo_url).status_code == 404
        assert "Banded row" not in browser.get("/exercises").text
    assert other_therapist.get(f"/therapist/exercises/{exercise.id}").status_code == 404
    anonymous = app.test_client().get(photo_url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    with app.app_context():
        assert exercise_visible_to(therapist.id, exercise.id) is not None
        others = [e.id for e in visible_exercises(make_user(app, THERAPIST).id)]
        assert exercise.id not in others


def test_a_wrong_photo_name_is_not_found(app, photo_dir):
    browser, therapist = logged_in_therapist(app)
    add_exercise(browser, jpeg_with_gps())
    exercise = only_exercise(app, therapist.id)
    assert browser.get(f"/photos/{exercise.id}/{'0' * 32}.jpg").status_code == 404
    assert browser.get(f"/photos/{exercise.id}/..%2Fsecret_key").status_code == 404


def test_a_therapist_changes_the_exercise_and_replaces_then_removes_the_photo(app, photo_dir):
    browser, therapist = logged_in_therapist(app)
    add_exercise(browser, jpeg_with_gps())
    exercise = only_exercise(app, therapist.id)
    first = photo_dir / exercise.photo
    url = f"/therapist/exercises/{exercise.id}"
    page = browser.get(url).text
    assert 'value="Banded row"' in page and "Remove the photo" in page

    data = exercise_fields(name="Banded row, slow") | {
        "photo": (io.BytesIO(encoded("PNG")), "n.png")
    }
    assert submit(browser, url, data, content_type="multipart/form-data").status_code == 302
    changed = only_exercise(app, therapist.id)
    assert changed.name == "Banded row, slow" and changed.reps == 10
    assert changed.photo != exercise.photo and not first.exists()
    assert (photo_dir / changed.photo).exists()

    # Saving without a new file keeps the photo.
    assert submit(browser, url, exercise_fields()).status_code == 302
    assert only_exercise(app, therapist.id).photo == changed.photo

    assert submit(browser, url, exercise_fields(remove_photo="y")).status_code == 302
    assert only_exercise(app, therapist.id).photo is None
    assert not any(photo_dir.iterdir())


def test_deleting_the_exercise_deletes_its_photo(app, photo_dir):
    browser, therapist = logged_in_therapist(app)
    add_exercise(browser, jpeg_with_gps())
    exercise = only_exercise(app, therapist.id)
    url = f"/therapist/exercises/{exercise.id}/delete"
    assert "Delete “Banded row”?" in browser.get(url).text
    assert submit(browser, url).status_code == 302
    assert count_rows(app, Exercise, owner_id=therapist.id) == 0
    assert not (photo_dir / exercise.photo).exists()


def test_an_exercise_in_a_clients_routine_is_kept(app, photo_dir):
    browser, therapist, exercise, _ = therapist_exercise_in_a_clients_routine(app, photo_dir)
    url = f"/therapist/exercises/{exercise.id}/delete"
    response = submit(browser, url, page="/therapist/exercises", follow_redirects=True)
    assert "so it stays" in response.text
    assert count_rows(app, Exercise, owner_id=therapist.id) == 1
    assert (photo_dir / exercise.photo).exists()


def test_a_therapists_exercise_form_refuses_a_missing_name(app, photo_dir):
    browser, therapist = logged_in_therapist(app)
    response = add_exercise(browser, jpeg_with_gps(), name="")
    assert response.status_code == 422
    assert "Please give it a name." in response.text
    assert count_rows(app, Exercise, owner_id=therapist.id) == 0
    assert not photo_dir.exists() or not any(photo_dir.iterdir())


def test_a_client_adds_their_own_exercise_with_a_photo(app, photo_dir, logged_in_client):
    data = exercise_fields() | {"photo": (io.BytesIO(jpeg_with_gps()), "me.jpg")}
    response = submit(logged_in_client, "/exercises/new", data, content_type="multipart/form-data")
    assert response.status_code == 302
    (exercise,) = fetch_all(app, Exercise, name="Banded row")
    assert logged_in_client.get(f"/photos/{exercise.id}/{exercise.photo}").status_code == 200


def test_clients_do_not_get_the_therapists_exercise_pages(app, logged_in_client):
    assert logged_in_client.get("/therapist/exercises").status_code == 403
    assert logged_in_client.get("/therapist/exercises/new").status_code == 403


def test_the_photo_migration_goes_down_and_up_keeping_exercises_and_routines(
    empty_database_url,
):
    app = create_app(settings_for(empty_database_url))
    with app.app_context():
        upgrade()
        sync_exercise_library()
        user = create_user(email="a@example.com", name="A", password=PASSWORD, role="client")
        own = Exercise(owner_id=user.id, name="Mine", kind="stretch", photo="a" * 32 + ".jpg")
        create_routine(user.id, "Evening", [own, *visible_exercises(user.id)[:2]])
        db.session.remove()
        downgrade(revision=BEFORE_PHOTOS)
        assert "photo" not in {c["name"] for c in inspect(db.engine).get_columns("exercises")}
        assert db.session.execute(text("SELECT count(*) FROM routine_items")).scalar() == 3
        assert db.session.execute(text("SELECT count(*) FROM exercises")).scalar() == 23
        db.session.remove()
        upgrade()
        assert db.session.scalar(db.select(db.func.count(Exercise.id))) == 23
        assert db.session.scalar(db.select(Exercise.photo).filter_by(name="Mine")) is None
        db.session.remove()
        db.engine.dispose()


def test_a_therapist_leaving_leaves_their_exercises_with_the_clients_who_use_them(app, photo_dir):
    _, therapist, exercise, client = therapist_exercise_in_a_clients_routine(app, photo_dir)
    browser, unused_owner = logged_in_therapist(app, "Another")
    add_exercise(browser, encoded("PNG"), "unused.png", name="Never used")
    unused = only_exercise(app, unused_owner.id)
    with app.app_context():
        (routine,) = db.session.scalars(db.select(Routine).filter_by(user_id=client.id))
        log_routine(client.id, routine, routine.created_at.date(), "s1")
        delete_account(db.session.get(User, therapist.id))
        delete_account(db.session.get(User, unused_owner.id))
    (kept,) = fetch_all(app, Exercise, name="Banded row")
    assert kept.owner_id == client.id and kept.photo == exercise.photo
    assert (photo_dir / kept.photo).exists()
    assert not (photo_dir / unused.photo).exists()
    with app.app_context():
        (routine,) = db.session.scalars(db.select(Routine).filter_by(user_id=client.id))
        assert [item.exercise_id for item in routine.items] == [kept.id]
        (log,) = db.session.scalars(db.select(RoutineLog).filter_by(user_id=client.id))
        assert [item.exercise_id for item in log.items] == [kept.id]
    browser = app.test_client()
    log_in(browser, client)
    assert browser.get(f"/photos/{kept.id}/{kept.photo}").status_code == 200


def test_two_clients_keep_one_photo_until_neither_needs_it(app, photo_dir):
    _, therapist, exercise, first = therapist_exercise_in_a_clients_routine(app, photo_dir)
    second = make_user(app)
    with app.app_context():
        create_routine(second.id, "Also", [db.session.get(Exercise, exercise.id)], therapist.id)
        delete_account(db.session.get(User, therapist.id))
    copies = fetch_all(app, Exercise, name="Banded row")
    assert {copy.owner_id for copy in copies} == {first.id, second.id}
    with app.app_context():
        delete_account(db.session.get(User, first.id))
        assert (photo_dir / exercise.photo).exists()
        delete_account(db.session.get(User, second.id))
        assert not (photo_dir / exercise.photo).exists()
