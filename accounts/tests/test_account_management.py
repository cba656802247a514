import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from b2c.models import CustomerActivity
from core.testing.factories import TEST_PASSWORD, UserFactory


def link_in(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


@pytest.mark.django_db
def test_change_email_takes_effect_only_after_confirmation(
    client, customer, django_capture_on_commit_callbacks
):
    user = customer.user
    old_email = user.email
    EmailAddress.objects.create(user=user, email=old_email, verified=True, primary=True)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/email/", {"action_add": "", "email": "new@example.com"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == old_email
    assert mail.outbox[-1].to == ["new@example.com"]

    confirm_url = link_in(mail.outbox[-1])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url)

    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "new@example.com"
    ]
    kinds = set(customer.activities.values_list("kind", flat=True))
    assert {CustomerActivity.Kind.EMAIL_CONFIRMED, CustomerActivity.Kind.EMAIL_CHANGED} <= kinds


@pytest.mark.django_db
def test_password_reset_by_email_is_logged(client, customer, django_capture_on_commit_callbacks):
    EmailAddress.objects.create(
        user=customer.user, email=customer.user.email, verified=True, primary=True
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": customer.user.email})
    reset_url = link_in(mail.outbox[-1])
    form_url = client.get(reset_url).url  # allauth moves the key into the session
    response = client.post(
        form_url, {"password1": "A-new-journey-2027", "password2": "A-new-journey-2027"}
    )

    assert response.status_code == 302
    customer.user.refresh_from_db()
    assert customer.user.check_password("A-new-journey-2027")
    assert customer.activities.filter(kind=CustomerActivity.Kind.PASSWORD_RESET).count() == 1


@pytest.mark.django_db
def test_password_reset_for_unknown_email_looks_the_same(client):
    known = UserFactory(email="known@example.com")
    EmailAddress.objects.create(user=known, email=known.email, verified=True, primary=True)

    a = client.post("/accounts/password/reset/", {"email": "known@example.com"})
    b = client.post("/accounts/password/reset/", {"email": "unknown@example.com"})

    assert (a.status_code, a.url) == (b.status_code, b.url)


@pytest.mark.django_db
def test_password_change_is_logged(client, customer):
    client.force_login(customer.user)

    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "A-new-journey-2027",
            "password2": "A-new-journey-2027",
        },
    )

    assert response.status_code == 302
    assert customer.activities.filter(kind=CustomerActivity.Kind.PASSWORD_CHANGED).count() == 1


@pytest.mark.django_db
def test_sessions_expire_when_idle(client, customer, settings):
    from datetime import timedelta

    from freezegun import freeze_time

    # The database backend checks expiry against the (frozen) clock; with Redis the same
    # policy is enforced by the key's TTL, which freezegun cannot move.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    with freeze_time("2026-11-25 09:00:00") as clock:
        client.post("/accounts/login/", {"login": customer.user.email, "password": TEST_PASSWORD})
        assert client.get("/dashboard/").status_code == 200

        # Activity keeps the session alive...
        clock.tick(timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert client.get("/dashboard/").status_code == 200
        clock.tick(timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert client.get("/dashboard/").status_code == 200

        # ...idleness ends it.
        clock.tick(timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        assert client.get("/dashboard/").status_code == 302
