import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from PIL import Image, ImageCms, ImageOps, PngImagePlugin

import core.images as images_module
from core.exceptions import ApplicationError
from core.images import (
    ImageRejected,
    ProcessedImage,
    files_cleanup_on_error,
    files_delete_on_commit,
    image_process,
)

NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image."
DAMAGED = "This image is damaged or incomplete."
TOO_MANY_PIXELS = "This image is too large (too many pixels)."

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def photo(size=(64, 32), mode="RGB") -> Image.Image:
    """A photo-like image with real detail (noise compresses poorly, so truncation bites)."""
    noise = Image.effect_noise(size, 64).convert("L")
    if mode == "L":
        return noise
    return Image.merge("RGB", (noise, noise.rotate(180), noise.transpose(0))).convert(mode)


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def reopen(content: ContentFile) -> Image.Image:
    content.seek(0)
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


def refused(data: bytes, name: str = "photo.jpg") -> str:
    with pytest.raises(ImageRejected) as caught:
        image_process(upload(data, name))
    return caught.value.message


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# Accepted images


def jpeg_with_gps_and_orientation() -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the camera was turned: rotate 90° clockwise to show upright
    exif[0x010F] = "SnoopCam"  # Make
    exif[0x0131] = "SnoopCam firmware"  # Software
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)})
    data = encode(photo((800, 600)), "JPEG", exif=exif, quality=90)
    # The fixture really carries what we strip.
    source = Image.open(io.BytesIO(data)).getexif()
    assert source[ORIENTATION] == 6
    assert source.get_ifd(GPS_IFD)[1] == "N"
    return data


def test_jpeg_exif_and_gps_are_stripped_and_photo_is_upright():
    result = image_process(upload(jpeg_with_gps_and_orientation()))

    assert isinstance(result, ProcessedImage)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", result.name)
    assert result.thumbnail_name == result.name.removesuffix(".jpg") + "-thumb.jpg"
    assert result.content.name == result.name
    assert result.thumbnail.name == result.thumbnail_name
    assert (result.width, result.height) == (600, 800)

    for content in (result.content, result.thumbnail):
        raw = content.read()
        assert b"Exif" not in raw
        assert b"SnoopCam" not in raw
        image = reopen(content)
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
        assert "xmp" not in image.info

    image = reopen(result.content)
    assert image.size == (600, 800)
    assert image.mode == "RGB"
    assert image.info.get("progressive") == 1
    thumb = reopen(result.thumbnail)
    assert thumb.size == (360, 480)


def test_orientation_is_applied_to_the_pixels():
    # Left half red, right half blue; Orientation 6 means the top of the scene is on the left.
    source = Image.new("RGB", (200, 100), (255, 0, 0))
    source.paste((0, 0, 255), (100, 0, 200, 100))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    result = image_process(upload(encode(source, "JPEG", exif=exif, quality=95)))

    image = reopen(result.content)
    assert image.size == (100, 200)
    top = image.getpixel((50, 20))
    bottom = image.getpixel((50, 180))
    assert top[0] > 200 and top[2] < 60  # red on top
    assert bottom[2] > 200 and bottom[0] < 60  # blue at the bottom


def test_png_with_transparency_stays_png_without_metadata():
    source = Image.new("RGBA", (40, 30), (10, 20, 30, 255))
    source.paste((200, 100, 50, 0), (0, 0, 20, 30))
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "home address 12 Secret Street")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(source, "PNG", pnginfo=text, icc_profile=icc)
    assert Image.open(io.BytesIO(data)).info["Comment"].startswith("home")

    result = image_process(upload(data, "logo.png"))

    assert re.fullmatch(r"[0-9a-f]{32}\.png", result.name)
    assert result.thumbnail_name.endswith("-thumb.png")
    assert b"Secret Street" not in result.content.read()
    image = reopen(result.content)
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.size == (40, 30)
    assert image.getpixel((5, 5))[3] == 0
    assert image.getpixel((30, 5)) == (10, 20, 30, 255)
    assert image.info == {}
    assert reopen(result.thumbnail).format == "PNG"


def test_opaque_png_is_stored_as_jpeg():
    result = image_process(upload(encode(photo(), "PNG"), "scan.png"))
    assert result.name.endswith(".jpg")
    assert reopen(result.content).format == "JPEG"


def test_webp_is_accepted():
    result = image_process(upload(encode(photo((300, 200)), "WEBP"), "photo.webp"))
    assert result.name.endswith(".jpg")
    assert (result.width, result.height) == (300, 200)
    assert reopen(result.content).format == "JPEG"


def test_jpeg_icc_profile_is_dropped():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(photo(), "JPEG", icc_profile=icc)
    assert "icc_profile" in Image.open(io.BytesIO(data)).info
    result = image_process(upload(data))
    assert "icc_profile" not in reopen(result.content).info


@pytest.mark.parametrize(
    ("source", "name", "stored_ext"),
    [
        # The stored name comes from what was decoded and re-encoded, never from the upload.
        (lambda: encode(Image.new("RGBA", (8, 8), (0, 0, 0, 0)), "PNG"), "holiday.jpg", ".png"),
        (lambda: encode(photo(), "JPEG"), "holiday.png", ".jpg"),
        (lambda: encode(photo(), "JPEG"), "holiday.svg", ".jpg"),
        (lambda: encode(photo(), "JPEG"), "holiday", ".jpg"),
    ],
)
def test_lying_extension_that_decodes_is_accepted_under_its_real_format(source, name, stored_ext):
    result = image_process(upload(source(), name))
    assert result.name.endswith(stored_ext)
    assert "holiday" not in result.name


def test_large_image_is_downscaled_and_thumbnail_is_bounded():
    with override_settings(IMAGE_MAX_SIDE=100, IMAGE_THUMB_SIDE=40):
        result = image_process(upload(encode(photo((300, 150)), "JPEG")))
    assert (result.width, result.height) == (100, 50)
    assert reopen(result.content).size == (100, 50)
    assert reopen(result.thumbnail).size == (40, 20)


def test_small_image_is_not_upscaled():
    result = image_process(upload(encode(photo((20, 10)), "JPEG")))
    assert reopen(result.content).size == (20, 10)
    assert reopen(result.thumbnail).size == (20, 10)


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped():
    source = Image.new("I;16", (10, 10), 40000)
    result = image_process(upload(encode(source, "PNG"), "scan.png"))
    assert reopen(result.content).getpixel((5, 5)) == (156, 156, 156)


def test_upload_read_before_is_rewound():
    file = upload(encode(photo(), "JPEG"))
    file.read()  # a form's ImageField validates by reading the file
    assert image_process(file).width == 64


def test_plain_file_object_without_size():
    assert image_process(io.BytesIO(encode(photo(), "PNG"))).width == 64


# A camera's EXIF block with Orientation 6 whose GPS IFD holds entries pointing past the end
# (from a real upload that crashed ImageOps.exif_transpose with a TypeError): big-endian TIFF
# header, IFD0 with Orientation and the GPS IFD pointer, then a broken GPS IFD.
MALFORMED_EXIF = (
    b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x02\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06"
    b"\xdd\x00\x88%\x00\x04\x00\x00\x00\x01\x00\x00\x00&\x00\x00\x00\x002\x02\x00\x01f\x02"
    b"\x00\x00\x00\x02N\x00\x00\x00\x00\x02\x00\x05\x00\x00\x00\x03\x00\x00\x00D\x00\x00"
    b"\x00\x00\x00c\x00\x01\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00"
    b"\x03\x00\x00\x00\x01"
)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_malformed_exif_does_not_crash_and_is_dropped():
    source = Image.new("RGB", (64, 48), (255, 0, 0))
    source.paste((0, 0, 255), (32, 0, 64, 48))
    data = encode(source, "JPEG", exif=MALFORMED_EXIF, quality=95)
    # The fixture really is one that ImageOps cannot handle.
    with pytest.raises(TypeError):
        broken = Image.open(io.BytesIO(data))
        ImageOps.exif_transpose(broken)

    result = image_process(upload(data))

    image = reopen(result.content)
    assert image.size == (48, 64)  # Orientation 6 could still be read and was applied
    assert dict(image.getexif()) == {}
    assert b"Exif" not in result.content.open().read()
    top, bottom = image.getpixel((24, 5)), image.getpixel((24, 58))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


# IFD0 with one entry: Orientation as ASCII "6" (type 2) instead of a SHORT.
ORIENTATION_AS_TEXT = (
    b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01"
    b"\x01\x12\x00\x02\x00\x00\x00\x02"
    b"6\x00\x00\x00"
    b"\x00\x00\x00\x00"
)


# Orientation 99 (a SHORT, but no such orientation).
ORIENTATION_99 = (
    b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01"
    b"\x01\x12\x00\x03\x00\x00\x00\x01"
    b"\x00c\x00\x00"
    b"\x00\x00\x00\x00"
)


@pytest.mark.parametrize("exif", [ORIENTATION_AS_TEXT, ORIENTATION_99])
def test_orientation_of_the_wrong_type_or_value_is_ignored(exif):
    data = encode(photo((40, 20)), "JPEG", exif=exif)
    assert Image.open(io.BytesIO(data)).getexif()[ORIENTATION] in ("6", 99)
    result = image_process(upload(data))
    assert reopen(result.content).size == (40, 20)


@pytest.fixture
def warnings_logged(monkeypatch):
    """What core.images logs at warning level. (Not caplog: a Celery worker started by an
    earlier test in the same run disables existing loggers, and caplog then sees nothing.)"""
    logged: list[str] = []

    class Logger:
        def warning(self, message, *args, **kwargs):
            logged.append(message % args if args else message)

    monkeypatch.setattr(images_module, "logger", Logger())
    return logged


def test_unreadable_orientation_keeps_the_image_as_decoded(monkeypatch, warnings_logged):
    def broken_getexif(self):
        raise KeyError("IFD")

    monkeypatch.setattr(Image.Image, "getexif", broken_getexif)
    result = image_process(upload(encode(photo((40, 20)), "JPEG")))
    assert (result.width, result.height) == (40, 20)
    assert len(warnings_logged) == 1
    assert "orientation" in warnings_logged[0]


def test_unexpected_error_while_decoding_is_damaged_not_a_crash(monkeypatch, warnings_logged):
    def broken_load(self):
        raise KeyError("decoder state")

    data = encode(photo((40, 20)), "PNG")
    monkeypatch.setattr(Image.Image, "load", broken_load)
    assert refused(data, "photo.png") == DAMAGED
    assert len(warnings_logged) == 1


def test_unexpected_error_while_re_encoding_is_damaged_not_a_crash(monkeypatch, warnings_logged):
    def broken_save(self, *args, **kwargs):
        raise TypeError("encoder state")

    data = encode(photo((40, 20)), "JPEG")
    monkeypatch.setattr(Image.Image, "save", broken_save)
    assert refused(data) == DAMAGED
    assert len(warnings_logged) == 1


def test_phone_jpeg_with_mpf_segment_is_accepted_as_jpeg():
    first = Image.new("RGB", (64, 48), (255, 0, 0))
    second = Image.new("RGB", (32, 24), (0, 0, 255))
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    result = image_process(upload(data))

    assert result.name.endswith(".jpg")
    image = reopen(result.content)
    assert image.format == "JPEG"
    assert getattr(image, "n_frames", 1) == 1
    assert image.size == (64, 48)
    red = image.getpixel((10, 10))
    assert red[0] > 200 and red[2] < 60


# Refused uploads


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PPM"])
def test_other_image_formats_are_refused(fmt):
    assert refused(encode(photo((16, 16)), fmt)) == NOT_AN_IMAGE


SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">
<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>"""
HTML = b"<!doctype html><html><body><script>alert(1)</script><img src=x onerror=alert(2)></body>"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (SVG, "photo.jpg"),
        (SVG, "photo.svg"),
        (HTML, "photo.png"),
        (b"GIF89a" + HTML, "photo.gif"),
        (bytes(range(256)) * 40, "photo.jpg"),
        (b"", "photo.jpg"),
        (b"%PDF-1.7\n", "photo.webp"),
    ],
)
def test_non_images_are_refused(data, name):
    assert refused(data, name) == NOT_AN_IMAGE


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_image_is_refused(fmt):
    data = encode(photo((400, 300)), fmt)
    assert refused(data[: len(data) // 2]) == DAMAGED


def test_header_only_jpeg_is_refused_as_damaged():
    data = encode(photo(), "JPEG")
    assert refused(data[:20]) == DAMAGED


def test_png_with_bad_checksum_is_refused():
    # Decoding skips the checksums; verify() checks them.
    data = bytearray(encode(photo(), "PNG"))
    idat = data.index(b"IDAT")
    (length,) = struct.unpack_from(">I", data, idat - 4)
    data[idat + 4 + length] ^= 0xFF  # the first byte of IDAT's CRC
    assert refused(bytes(data)) == DAMAGED


def test_corrupt_png_chunk_is_refused():
    data = bytearray(encode(photo(), "PNG"))
    idat = data.index(b"IDAT")
    data[idat + 10] ^= 0xFF  # the chunk's CRC no longer matches
    assert refused(bytes(data)) == DAMAGED


class NeverRead:
    """An upload that declares its size and must not be read."""

    name = "huge.jpg"

    def __init__(self, size: int) -> None:
        self.size = size

    def read(self, *args):
        raise AssertionError("an oversized upload was read")

    def seek(self, *args):
        raise AssertionError("an oversized upload was touched")


def test_file_over_the_byte_limit_is_refused_without_reading_it():
    with pytest.raises(ImageRejected) as caught:
        image_process(NeverRead(5 * 1024 * 1024 + 1))
    assert caught.value.message == "This file is too large: an image may be at most 5.0\xa0MB."
    assert caught.value.extra == {"image": [caught.value.message]}


def test_exactly_the_byte_limit_is_allowed():
    data = encode(Image.new("RGB", (8, 8), (1, 2, 3)), "JPEG")
    assert len(data) < 1024  # shown in bytes below
    with override_settings(IMAGE_MAX_BYTES=len(data)):
        assert image_process(upload(data)).width == 8
    with override_settings(IMAGE_MAX_BYTES=len(data) - 1):
        message = refused(data)
    assert message == f"This file is too large: an image may be at most {len(data) - 1}\xa0bytes."


class LyingSize(io.BytesIO):
    """Declares a small size but holds more; records how much was asked for."""

    size = 10

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.requested: list[int] = []

    def read(self, n=-1):
        self.requested.append(n)
        return super().read(n)


def test_read_is_bounded_even_when_size_lies():
    file = LyingSize(b"\xff\xd8\xff" + b"\0" * 5000)
    with override_settings(IMAGE_MAX_BYTES=1000), pytest.raises(ImageRejected) as caught:
        image_process(file)
    assert caught.value.message == "This file is too large: an image may be at most 1000\xa0bytes."
    assert file.requested == [1001]


def png_declaring(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header claims width x height (a decompression bomb's header)."""
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    ihdr = data.index(b"IHDR")
    struct.pack_into(">II", data, ihdr + 4, width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    struct.pack_into(">I", data, ihdr + 17, crc)
    return bytes(data)


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (100_000, 100_000),  # far over: Pillow's own guard raises
        (7_000, 7_000),  # 49 Mpx: over our 40 Mpx, under twice Pillow's limit
        (40_000_001, 1),
    ],
)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_decompression_bomb_header_is_refused(width, height):
    assert refused(png_declaring(width, height), "bomb.png") == TOO_MANY_PIXELS


def test_pixel_limit_comes_from_settings():
    data = encode(photo((20, 20)), "PNG")
    with override_settings(IMAGE_MAX_PIXELS=399):
        assert refused(data) == TOO_MANY_PIXELS
    with override_settings(IMAGE_MAX_PIXELS=400):
        assert image_process(upload(data)).width == 20


def test_rejection_is_an_application_error_under_the_given_field():
    with pytest.raises(ApplicationError) as caught:
        image_process(upload(SVG), field="photo")
    assert isinstance(caught.value, ImageRejected)
    assert caught.value.extra == {"photo": [NOT_AN_IMAGE]}


def test_refused_upload_stores_nothing(media):
    for data in (SVG, png_declaring(100_000, 100_000), encode(photo(), "GIF")):
        with pytest.raises(ImageRejected):
            image_process(upload(data))
    assert stored_files(media) == []


# Storage helpers


def save_processed(prefix: str = "reviews") -> tuple[str, str]:
    result = image_process(upload(encode(photo(), "JPEG")))
    name = default_storage.save(f"{prefix}/{result.name}", result.content)
    thumb = default_storage.save(f"{prefix}/{result.thumbnail_name}", result.thumbnail)
    return name, thumb


def test_cleanup_on_error_deletes_saved_files_and_reraises(media):
    with pytest.raises(RuntimeError, match="row failed"), files_cleanup_on_error() as saved:
        saved.extend(save_processed())
        assert len(stored_files(media)) == 2
        raise RuntimeError("row failed")
    assert stored_files(media) == []


@pytest.mark.django_db
def test_cleanup_on_error_deletes_files_when_the_transaction_rolls_back(media):
    with pytest.raises(ImageRejected), files_cleanup_on_error() as saved, transaction.atomic():
        saved.extend(save_processed())
        image_process(upload(SVG))  # the second image of the review is refused
    assert stored_files(media) == []


def test_cleanup_on_error_keeps_files_on_success(media):
    with files_cleanup_on_error() as saved:
        saved.extend(save_processed())
    assert stored_files(media) == sorted(saved)
    assert len(saved) == 2


def test_cleanup_on_error_survives_a_file_already_gone(media):
    with pytest.raises(KeyError), files_cleanup_on_error() as saved:
        saved.extend(save_processed())
        saved.append("reviews/never-stored.jpg")
        saved.append("")
        raise KeyError("boom")
    assert stored_files(media) == []


def test_cleanup_on_error_uses_the_given_storage(media, tmp_path_factory):
    other_root = tmp_path_factory.mktemp("other")
    other = FileSystemStorage(location=other_root)
    with pytest.raises(RuntimeError), files_cleanup_on_error(other) as saved:
        saved.append(other.save("a.jpg", ContentFile(b"x")))
        raise RuntimeError
    assert stored_files(other_root) == []


@pytest.mark.django_db
def test_delete_on_commit_deletes_after_commit(media, django_capture_on_commit_callbacks):
    names = save_processed()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        files_delete_on_commit(names)
        assert len(stored_files(media)) == 2  # still there until the commit
    assert len(callbacks) == 1
    assert stored_files(media) == []


@pytest.mark.django_db
def test_delete_on_commit_keeps_files_on_rollback(media, django_capture_on_commit_callbacks):
    names = save_processed()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        files_delete_on_commit(names)
        raise RuntimeError
    assert callbacks == []
    assert stored_files(media) == sorted(names)


@pytest.mark.django_db
def test_delete_on_commit_ignores_empty_names(media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        files_delete_on_commit(["", ""])
    assert callbacks == []
