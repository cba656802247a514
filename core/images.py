"""The image pipeline for user uploads (review images, story photos).

Every upload is decoded with Pillow (the name and content type the browser sends are ignored),
bounded in bytes and in pixels before any pixel data is decoded, and re-encoded from the pixels
alone, so EXIF (GPS position, camera serial), XMP and ICC data never reach storage. The stored
name is random and its extension is the format we wrote.

Storage is not transactional: `files_cleanup_on_error` and `files_delete_on_commit` keep stored
files in step with the rows that point at them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import secrets
import struct
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError

from core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_SIDE = 2560
DEFAULT_THUMB_SIDE = 480

# Only these decoders ever see an upload: fewer parsers, smaller attack surface.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# Phones add an MPF segment (depth map, preview) to their JPEGs and Pillow's JPEG decoder then
# answers "MPO": it is a JPEG whose first frame is the photo, and we store only that frame.
OPENED_FORMATS = (*ACCEPTED_FORMATS, "MPO")
JPEG_OPTIONS: dict[str, Any] = {"quality": 85, "optimize": True, "progressive": True}

# Pillow's own bomb guard (a warning above the limit, an error above twice the limit) also
# protects every other use of Pillow in the process. Ours, in _open(), is exact, per call and
# runs before any pixel is decoded, so no warnings filter (process-wide, not thread-safe) is
# changed: the warning is still caught as an error in case a filter turns it into one.
Image.MAX_IMAGE_PIXELS = min(
    Image.MAX_IMAGE_PIXELS or DEFAULT_MAX_PIXELS,
    getattr(settings, "IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS),
)

# Errors Pillow raises on malformed data (struct.error and EOFError leak from several plugins).
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError)


class ImageRejected(ApplicationError):
    """An upload that is not an image we accept; the message is shown to the customer."""

    def __init__(self, message: str, *, field: str = "image") -> None:
        super().__init__(message, {field: [message]})
        self.field = field


@dataclass(frozen=True)
class ProcessedImage:
    """A re-encoded image and its thumbnail, ready to be saved to storage."""

    name: str
    content: ContentFile
    thumbnail_name: str
    thumbnail: ContentFile
    width: int
    height: int


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _not_an_image(field: str) -> ImageRejected:
    return ImageRejected(_("This file is not a JPEG, PNG or WebP image."), field=field)


def _damaged(field: str) -> ImageRejected:
    return ImageRejected(_("This image is damaged or incomplete."), field=field)


def _too_many_pixels(field: str) -> ImageRejected:
    return ImageRejected(_("This image is too large (too many pixels)."), field=field)


def _too_many_bytes(field: str, max_bytes: int) -> ImageRejected:
    return ImageRejected(
        _("This file is too large: an image may be at most %(limit)s.")
        % {"limit": filesizeformat(max_bytes)},
        field=field,
    )


def _looks_like_accepted_format(data: bytes) -> bool:
    return (
        data.startswith(b"\xff\xd8\xff")
        or data.startswith(b"\x89PNG\r\n\x1a\n")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


def _read_bounded(upload: Any, max_bytes: int, field: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_many_bytes(field, max_bytes)
    # A form's ImageField may already have read the file to validate it.
    with contextlib.suppress(AttributeError, OSError, ValueError):
        upload.seek(0)
    # `size` may be missing or wrong: never read more than the limit plus one byte.
    data = upload.read(max_bytes + 1)
    if isinstance(data, str):
        raise _not_an_image(field)
    if len(data) > max_bytes:
        raise _too_many_bytes(field, max_bytes)
    if not data:
        raise _not_an_image(field)
    return bytes(data)


def _open(data: bytes, field: str, max_pixels: int) -> Image.Image:
    """Open the image and check its header; no pixel data is decoded yet."""
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(field) from None
    except UnidentifiedImageError:
        if _looks_like_accepted_format(data):
            raise _damaged(field) from None
        raise _not_an_image(field) from None
    except DECODE_ERRORS:
        raise _damaged(field) from None
    if image.format not in OPENED_FORMATS:
        raise _not_an_image(field)
    width, height = image.size
    if width <= 0 or height <= 0:
        raise _damaged(field)
    if width * height > max_pixels:
        raise _too_many_pixels(field)
    return image


def _decode(data: bytes, field: str, max_pixels: int) -> Image.Image:
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Truncated uploads would be padded with grey and accepted as if they were whole.
        raise ImproperlyConfigured("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False.")
    try:
        # verify() checks the structure (chunk CRCs for PNG) and leaves the image unusable.
        _open(data, field, max_pixels).verify()
        image = _open(data, field, max_pixels)
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(field) from None
    except DECODE_ERRORS:
        raise _damaged(field) from None
    except ImageRejected:
        raise
    except Exception:
        # A decoder bug on hostile input is still the upload's fault, not a server error.
        logger.warning("Unexpected error while decoding an uploaded image", exc_info=True)
        raise _damaged(field) from None
    return image


# EXIF Orientation value -> the transposition that shows the photo upright (as ImageOps does).
_ORIENTATION_TAG = 0x0112
_TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(image: Image.Image) -> Image.Image:
    """The pixels turned the way the EXIF Orientation says, or as decoded if it cannot be read.

    ImageOps.exif_transpose also rewrites the EXIF block, which raises (TypeError, KeyError,
    ...) on malformed EXIF; we drop the metadata anyway, so only the orientation is read.
    """
    try:
        orientation = image.getexif().get(_ORIENTATION_TAG)
        method = (
            _TRANSPOSE_FOR_ORIENTATION.get(orientation) if isinstance(orientation, int) else None
        )
        if method is None:
            return image
        return image.transpose(method)
    except Exception:
        logger.warning("Ignoring an unreadable EXIF orientation", exc_info=True)
        return image


def _to_output_mode(image: Image.Image) -> tuple[Image.Image, str]:
    """RGB for JPEG, or RGBA for PNG when some pixel is actually transparent."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit greyscale PNG: scale to 8 bits instead of clipping everything to white.
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        alpha_min, _alpha_max = cast(tuple[int, int], rgba.getchannel("A").getextrema())
        if alpha_min < 255:
            return rgba, "PNG"
        return rgba.convert("RGB"), "JPEG"
    return image.convert("RGB"), "JPEG"


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, format="JPEG", **JPEG_OPTIONS)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def image_process(upload: Any, *, field: str = "image") -> ProcessedImage:
    """Check an uploaded image and re-encode it without metadata, with a thumbnail.

    `upload` is a Django UploadedFile or any file-like object with `.read()` (and ideally
    `.size`). Raises ImageRejected, with the message under `field`, for anything that is not
    a whole JPEG, PNG or WebP image within IMAGE_MAX_BYTES and IMAGE_MAX_PIXELS. Nothing is
    written to storage here.
    """
    max_bytes = _setting("IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES)
    max_pixels = _setting("IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    max_side = _setting("IMAGE_MAX_SIDE", DEFAULT_MAX_SIDE)
    thumb_side = _setting("IMAGE_THUMB_SIDE", DEFAULT_THUMB_SIDE)

    data = _read_bounded(upload, max_bytes, field)
    decoded = _decode(data, field, max_pixels)
    try:
        # Phones store the sensor's orientation in EXIF; we drop EXIF, so apply it first.
        upright = _upright(decoded)
        image, fmt = _to_output_mode(upright)
        # Keep nothing from the upload but pixels: convert() copies info (exif, icc, xmp, text).
        image.info = {}
        if max(image.size) > max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        thumb = image.copy()
        thumb.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
        thumb.info = {}
        content = _encode(image, fmt)
        thumb_content = _encode(thumb, fmt)
    except DECODE_ERRORS:
        raise _damaged(field) from None
    except Exception:
        logger.warning("Unexpected error while re-encoding an uploaded image", exc_info=True)
        raise _damaged(field) from None
    finally:
        decoded.close()

    stem = secrets.token_hex(16)
    ext = "jpg" if fmt == "JPEG" else "png"
    name = f"{stem}.{ext}"
    thumbnail_name = f"{stem}-thumb.{ext}"
    return ProcessedImage(
        name=name,
        content=ContentFile(content, name=name),
        thumbnail_name=thumbnail_name,
        thumbnail=ContentFile(thumb_content, name=thumbnail_name),
        width=image.width,
        height=image.height,
    )


def _delete_files(names: Iterable[str], storage: Storage) -> None:
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except Exception:
            # A leftover file is a nuisance; hiding the original error would be worse.
            logger.exception("Could not delete stored file %s", name)


@contextmanager
def files_cleanup_on_error(storage: Storage | None = None) -> Iterator[list[str]]:
    """Delete the files stored inside the block if the block raises.

    Append each stored name as soon as it is stored (save the FieldFile with `save=False`,
    then append `field.name`, then save the row). Put the `transaction.atomic()` block inside
    this one: a rollback raises through here and the files go too. A rollback of an outer
    transaction after this block has exited cannot be seen here.
    """
    target = storage if storage is not None else default_storage
    names: list[str] = []
    try:
        yield names
    except BaseException:
        _delete_files(names, target)
        raise


def files_delete_on_commit(names: Iterable[str], storage: Storage | None = None) -> None:
    """Delete stored files once the current transaction commits (at once outside one).

    Deleting before the commit would leave rows pointing at missing files if it rolled back.
    """
    target = storage if storage is not None else default_storage
    pending = [name for name in names if name]
    if pending:
        transaction.on_commit(lambda: _delete_files(pending, target))
