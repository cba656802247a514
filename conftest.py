"""Fixtures shared by every test: fast hashing, personas, API clients."""

import os

import pytest
from rest_framework.test import APIClient


def pytest_collection_modifyitems(config, items):
    """Skip, with a reason, what this machine cannot run; .ci/run's second pass runs it all."""
    from django.db import connection

    skips = {
        "postgres": (
            connection.vendor != "postgresql",
            "needs PostgreSQL (row locks): set DATABASE_URL, as the second pass of .ci/run does",
        ),
        "redis": (not os.environ.get("REDIS_URL"), "needs Redis: set REDIS_URL"),
    }
    for item in items:
        for marker, (skip, reason) in skips.items():
            if skip and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 costs ~0.15 s a hash here; tests/accounts/test_password_hashing.py checks it for real.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language, whatever the one before it activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _isolated_cache():
    from django.core.cache import cache

    from payments.fx import rates_cache_clear

    cache.clear()
    rates_cache_clear()
    yield
    cache.clear()
    rates_cache_clear()


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
