"""The help desk's staff side: private storage in a temporary folder, a clock, staff."""

import pytest
from freezegun import freeze_time

from b2c.tests.support.conftest import NOW, storage_dirs  # noqa: F401 - fixture
from core.testing.factories import UserFactory


@pytest.fixture
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def agent(db):
    """A member of the desk: staff with every permission (as the demo's staff account)."""
    return UserFactory(is_staff=True, is_superuser=True, email="agent@safar.test")


@pytest.fixture
def desk_client(frozen, client, agent):
    # Signed in on the frozen clock: a session from the real one would have expired by NOW.
    client.force_login(agent)
    return client
