"""Fixtures shared by every test: fast hashing, personas, API clients."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 costs ~0.15 s a hash here; tests/accounts/test_password_hashing.py checks it for real.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def customer(db):
    from core.testing.factories import CustomerFactory

    return CustomerFactory()


@pytest.fixture
def other_customer(db):
    from core.testing.factories import CustomerFactory

    return CustomerFactory()


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer.user)
    return client


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def customer_api(api_client, customer):
    api_client.force_authenticate(customer.user)
    return api_client


@pytest.fixture
def airline(db):
    from flights.models import Airline

    return Airline.objects.get_or_create(
        iata_code="EK", defaults={"icao_code": "UAE", "name": "Emirates", "country": "AE"}
    )[0]
