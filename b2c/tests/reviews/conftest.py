import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REVIEW_EDIT_DAYS = 30
    settings.REVIEW_MIN_LENGTH = 30
    settings.REVIEW_BLOCKED_WORDS = ["casino", "viagra", "buy followers"]


@pytest.fixture
def staff(db):
    from b2c.tests.reviews.helpers import staff_user

    return staff_user()
