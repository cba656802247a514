import re

import pytest
from django.urls import reverse

from core.testing.factories import TEST_PASSWORD, UserFactory


def without_csrf(html: bytes) -> bytes:
    return re.sub(rb"[A-Za-z0-9]{64}", b"", html)


def login(client, email, password, address="192.0.2.10"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.django_db
def test_wrong_password_and_unknown_email_look_the_same(client):
    UserFactory(email="known@example.com")

    wrong_password = login(client, "known@example.com", "not-the-password")
    unknown_email = login(client, "nobody@example.com", "not-the-password")

    assert wrong_password.status_code == unknown_email.status_code == 200
    assert wrong_password.context["form"].errors == unknown_email.context["form"].errors
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_account_and_address_and_cools_off(client, settings):
    from datetime import timedelta

    from freezegun import freeze_time

    UserFactory(email="target@example.com")
    limit = settings.AXES_FAILURE_LIMIT

    with freeze_time("2026-11-25 10:00:00") as clock:
        for _ in range(limit):
            login(client, "target@example.com", "guess")
        locked = login(client, "target@example.com", TEST_PASSWORD)
        assert locked.status_code == 429
        assert b"Too many failed sign-in attempts" in locked.content
        assert "_auth_user_id" not in client.session

        # The customer, from their own address, is not locked out by the attacker.
        ok = login(client, "target@example.com", TEST_PASSWORD, address="198.51.100.7")
        assert ok.status_code == 302
        client.logout()

        # An unknown email gets the same lockout page as a known one.
        for _ in range(limit):
            login(client, "ghost@example.com", "guess", address="203.0.113.5")
        ghost = login(client, "ghost@example.com", "guess", address="203.0.113.5")
        assert ghost.status_code == 429
        assert without_csrf(ghost.content) == without_csrf(locked.content)

        clock.tick(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
        after_cool_off = login(client, "target@example.com", TEST_PASSWORD)
        assert after_cool_off.status_code == 302
        assert after_cool_off.url == reverse("b2c:dashboard")


@pytest.mark.django_db
def test_password_is_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory(password="Travel-safely-2026!")
    user.refresh_from_db()

    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Travel-safely-2026!")
