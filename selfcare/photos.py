"""Photos of exercises: checked by what the file holds (never its name or stated type), turned
upright, shrunk, re-encoded as a JPEG without any metadata (no GPS, no camera, no date), and
stored under PHOTO_DIR by a random name, readable by the app's user only."""

import io
import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app, request, send_from_directory
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .extensions import limiter
from .limits import configured, signed_in_account

if TYPE_CHECKING:
    from PIL import Image

# MPO: the JPEG with extra frames that many phone cameras write.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
SCALED_WHILE_DECODED = {"JPEG", "MPO"}
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")
PHOTO_CACHE_CONTROL = "private, max-age=604800"
JPEG_QUALITY = 85
TOO_MANY_PIXELS = _l("That picture is too large to use. A phone photo is fine.")


class PhotoRefused(ValueError):
    """An upload that is not stored; the message is for the person who sent it."""


def accepts_photo(view):
    """Marks a view whose form may carry a photo: its requests may be larger than the site's
    MAX_CONTENT_LENGTH, up to PHOTO_MAX_BYTES and some room for the other fields, and each
    account may send PHOTO_RATE_LIMIT of them (decoding a picture is the costly part)."""
    limited = limiter.limit(
        configured("PHOTO_RATE_LIMIT"), key_func=signed_in_account, methods=["POST"]
    )(view)
    limited.accepts_photo = True
    return limited


def _allow_photo_sized_requests(endpoint, values):
    # A URL value preprocessor runs before every before_request function, the CSRF check
    # included, and that check is what first reads the body.
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "accepts_photo", False):
        request.max_content_length = current_app.config["PHOTO_MAX_BYTES"] + 256 * 1024


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_allow_photo_sized_requests)


def _folder() -> Path:
    folder = Path(current_app.config["PHOTO_DIR"])
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def clean_photo(upload) -> "Image.Image":
    """The picture in an uploaded file (a werkzeug FileStorage) alone: upright and at most
    PHOTO_MAX_SIDE pixels a side. Raises PhotoRefused when it is not a usable photo."""
    # Imported by the first upload, not at start-up: few requests carry a photo.
    from PIL import Image, ImageOps, UnidentifiedImageError

    config = current_app.config
    limit = config["PHOTO_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        megabytes = format_decimal(limit / (1024 * 1024))
        raise PhotoRefused(_("That photo is larger than %(size)s MB.", size=megabytes))
    if not data:
        raise PhotoRefused(_("That file is empty. Please choose a photo."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoRefused(_("Please choose a JPEG, PNG or WebP photo."))
            # The size is in the header: a small file that unpacks to a huge picture (a
            # decompression bomb) is refused before any pixel is decoded.
            pixels = image.width * image.height
            if image.format in SCALED_WHILE_DECODED:
                # Decoded at the smallest scale that still gives the stored size: a fraction
                # of the memory of the full picture.
                image.draft("RGB", (config["PHOTO_MAX_SIDE"], config["PHOTO_MAX_SIDE"]))
            elif pixels > config["PHOTO_MAX_DECODED_PIXELS"]:
                raise PhotoRefused(TOO_MANY_PIXELS)
            if pixels > config["PHOTO_MAX_PIXELS"]:
                raise PhotoRefused(TOO_MANY_PIXELS)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except PhotoRefused:
        raise
    except Image.DecompressionBombError as error:  # Pillow's own limit, far above ours
        raise PhotoRefused(TOO_MANY_PIXELS) from error
    except UnidentifiedImageError as error:
        raise PhotoRefused(
            _("That file isn't a picture. Please choose a JPEG, PNG or WebP.")
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise PhotoRefused(_("That picture seems damaged. Please try another one.")) from error
    upright.thumbnail((config["PHOTO_MAX_SIDE"], config["PHOTO_MAX_SIDE"]))
    # A new image holds the pixels only: no EXIF, XMP, ICC profile or comments come along.
    clean = Image.new("RGB", upright.size, "white")
    if upright.mode in ("RGBA", "LA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        clean.paste(rgba, mask=rgba.getchannel("A"))
    else:
        clean.paste(upright.convert("RGB"))
    return clean


def store_photo(clean: "Image.Image") -> str:
    """Write a clean_photo result as a JPEG without metadata; returns the stored name."""
    name = f"{secrets.token_hex(16)}.jpg"
    folder = _folder()
    partial = folder / f".{name}.part"
    # Written under a temporary name, then renamed: a reader never sees half a file.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        clean.save(file, "JPEG", quality=JPEG_QUALITY, optimize=True)
    os.replace(partial, folder / name)
    return name


def delete_photo(name: str | None) -> None:
    if name and STORED_NAME.match(name):
        (Path(current_app.config["PHOTO_DIR"]) / name).unlink(missing_ok=True)


def send_photo(name: str):
    response = send_from_directory(
        current_app.config["PHOTO_DIR"], name, mimetype="image/jpeg", max_age=604800
    )
    response.headers["Cache-Control"] = PHOTO_CACHE_CONTROL
    return response
