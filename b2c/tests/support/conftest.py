"""Shared set-up for the help desk: private storage in a temporary folder, a clock, staff."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from PIL import Image

from core.testing.factories import UserFactory

NOW = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)
STAFF_DESK = "desk@safar.test"


@pytest.fixture(autouse=True)
def storage_dirs(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ADMINS = [("Safar staff", STAFF_DESK)]
    return tmp_path


@pytest.fixture
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, email="agent@safar.test", first_name="Layla")


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """Run a service and deliver what it put in the outbox, as the relay does after commit."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def stored_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def png_upload(name="photo.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_bytes(padding: int = 0) -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"0" * padding + b"\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="ticket.pdf", padding: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(padding), content_type="application/pdf")
