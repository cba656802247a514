"""Throttles and lockouts key on the real client address, which a client cannot choose."""

import pytest
from axes.models import AccessAttempt

from core.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def token_for(api_client, email, password, **extra):
    return api_client.post(
        TOKEN_URL, {"email": email, "password": password}, format="json", **extra
    )


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(api_client, customer):
    statuses = [
        token_for(
            api_client, f"x{i}@example.com", "guess", HTTP_X_FORWARDED_FOR=f"10.9.0.{i}"
        ).status_code
        for i in range(21)
    ]

    assert statuses == [400] * 20 + [429]


def test_without_proxies_the_lockout_keys_on_the_connecting_address(api_client, customer):
    token_for(api_client, customer.user.email, "guess", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


def test_behind_one_proxy_the_lockout_keys_on_the_address_the_proxy_saw(
    api_client, customer, settings
):
    settings.PROXY_COUNT = 1
    # The client wrote 6.6.6.6 itself; the proxy appended the address it really came from.
    forwarded = "6.6.6.6, 203.0.113.9"

    for _ in range(5):
        token_for(api_client, customer.user.email, "guess", HTTP_X_FORWARDED_FOR=forwarded)
    locked = token_for(
        api_client, customer.user.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR=forwarded
    )
    elsewhere = token_for(
        api_client, customer.user.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4"
    )

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
    assert locked.status_code == 429
    assert elsewhere.status_code == 200


@pytest.mark.parametrize(
    ("url", "field"),
    [("/accounts/login/", "login"), ("/admin/login/", "username"), (TOKEN_URL, "email")],
)
def test_an_overlong_login_is_refused_without_an_error(client, url, field):
    email = "a" * 250 + "@example.com"

    response = client.post(url, {field: email, "password": "guess"})

    assert response.status_code in (200, 400)
    assert AccessAttempt.objects.filter(username=email[:255]).count() <= 1
