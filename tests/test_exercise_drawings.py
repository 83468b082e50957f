"""The library's drawings: one per exercise, up to date with the script that draws them, shown
wherever the exercise's how-to is."""

import xml.etree.ElementTree as ElementTree

from scripts.draw_exercises import OUT_DIR, drawings_by_slug, reach
from selfcare.clinical import EXERCISE_LIBRARY

SVG = "{http://www.w3.org/2000/svg}"


def test_every_library_exercise_has_its_drawing_and_it_is_up_to_date():
    drawn = drawings_by_slug()
    assert set(drawn) == {item.slug for item in EXERCISE_LIBRARY}
    for slug, text in drawn.items():
        path = OUT_DIR / f"{slug}.svg"
        assert path.exists(), f"{path} missing: run python -m scripts.draw_exercises"
        assert path.read_text() == text, f"{path} is stale: run python -m scripts.draw_exercises"
    assert {path.stem for path in OUT_DIR.glob("*.svg")} == set(drawn)


def test_each_drawing_is_titled_scalable_and_drawn_in_the_text_colour():
    names = {item.slug: item.name for item in EXERCISE_LIBRARY}
    for slug, text in drawings_by_slug().items():
        root = ElementTree.fromstring(text)  # noqa: S314 (our own drawing, not an upload)
        assert root.get("viewBox", "").startswith("0 0 ")
        assert root.find(f"{SVG}title").text.startswith(names[slug] + ": ")
        strokes = {element.get("stroke") for element in root.iter() if element.get("stroke")}
        assert strokes == {"currentColor"}
        labels = [element.text for element in root.iter(f"{SVG}text")]
        assert labels == ["Start", "End"]


def test_a_limb_reaches_its_target_when_it_can():
    joint, end = reach((0, 0), (30, 20), 26, 24, 1)
    assert round(end[0], 6) == 30 and round(end[1], 6) == 20
    elbow_other_way, _ = reach((0, 0), (30, 20), 26, 24, -1)
    assert joint != elbow_other_way
    # Out of reach: the limb points straight at the target.
    _, end = reach((0, 0), (100, 0), 26, 24, 1)
    assert round(end[0]) == 50 and round(end[1]) == 0


def test_the_library_page_shows_each_drawing_from_a_fingerprinted_url(logged_in_client):
    page = logged_in_client.get("/exercises").text
    assert page.count('<figure class="exercise-picture">') == len(EXERCISE_LIBRARY)
    assert 'alt="Drawing of Chin tuck (neck retraction): the start and end positions"' in page
    start = page.index('src="/assets/', page.index("chin_tuck") - 200)
    url = page[start + 5 : page.index('"', start + 5)]
    assert url.endswith("/exercises/chin_tuck.svg")
    response = logged_in_client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "immutable" in response.headers["Cache-Control"]
