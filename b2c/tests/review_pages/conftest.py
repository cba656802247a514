import pytest


@pytest.fixture(autouse=True)
def _review_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REVIEW_EDIT_DAYS = 30
    settings.REVIEW_MIN_LENGTH = 30
    settings.REVIEW_BLOCKED_WORDS = ["casino"]


@pytest.fixture
def nadia(db):
    from core.testing.factories import CustomerFactory

    return CustomerFactory(first_name="Nadia", last_name="Karim")


@pytest.fixture
def omar(db):
    from core.testing.factories import CustomerFactory

    return CustomerFactory(first_name="Omar", last_name="Haddad")


@pytest.fixture
def staff(db):
    from core.testing.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)
