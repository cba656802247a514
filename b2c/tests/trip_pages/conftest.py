import pytest

from b2c.services.trips import trip_create
from b2c.tests.trips.helpers import days_ahead
from core.testing.factories import CustomerFactory
from core.testing.inventory import airport


@pytest.fixture
def dubai(db):
    return airport("DXB")


@pytest.fixture
def owner_client(client, customer):
    client.force_login(customer.user)
    return client


@pytest.fixture
def trip(customer, dubai):
    """Five days from ten days ahead, in Dubai, budget in AED."""
    return trip_create(
        customer=customer,
        name="Dubai in winter",
        start_date=days_ahead(10),
        end_date=days_ahead(14),
        destination_codes=["DXB"],
        currency="AED",
    )


@pytest.fixture
def stranger(db):
    return CustomerFactory()


@pytest.fixture
def visitor():
    """Someone not signed in, beside the signed-in `client`."""
    from django.test import Client

    return Client()
