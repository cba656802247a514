"""/api/v1/auth/token/: mobile apps trade email and password for a token and revoke it."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from core.testing.factories import TEST_PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"
NOT_CORRECT = {
    "error": {
        "code": "invalid",
        "message": "The request has invalid fields.",
        "fields": {"non_field_errors": ["The email address or password is not correct."]},
    }
}
LOCKED_OUT = {
    "error": {
        "code": "throttled",
        "message": "Too many failed sign-in attempts. Try again in a few minutes.",
        "fields": {},
    }
}


def token_for(client, email, password=TEST_PASSWORD, **extra):
    return client.post(URL, {"email": email, "password": password}, format="json", **extra)


def fail(client, email, times, **extra):
    """`times` wrong passwords; the one that reaches AXES_FAILURE_LIMIT is already answered 429."""
    for attempt in range(1, times + 1):
        response = token_for(client, email, "wrong-password-1", **extra)
        assert response.status_code == (429 if attempt >= 5 else 400)


# issuing a token -------------------------------------------------------------------------------


def test_correct_credentials_give_a_token_that_authenticates(api_client, customer):
    user = customer.user

    response = token_for(api_client, user.email)

    assert response.status_code == 200, response.content
    token = Token.objects.get(user=user)
    assert response.json() == {"token": token.key}
    assert len(token.key) == 40

    me = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert me.status_code == 200
    assert me.json() == {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def test_asking_again_returns_the_same_token(api_client, customer):
    first = token_for(api_client, customer.user.email).json()["token"]
    second = token_for(api_client, customer.user.email).json()["token"]

    assert first == second
    assert Token.objects.filter(user=customer.user).count() == 1


def test_the_token_endpoint_also_takes_a_form_body(api_client, customer):
    response = api_client.post(URL, {"email": customer.user.email, "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=customer.user).key}


def test_email_is_matched_case_insensitively(api_client, customer):
    response = token_for(api_client, customer.user.email.upper())

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=customer.user).key}


def test_a_mixed_case_stored_email_matches_any_case(api_client):
    user = CustomerFactory(email="Amina.Rahman@Example.com").user

    for typed in ("amina.rahman@example.com", "AMINA.RAHMAN@EXAMPLE.COM"):
        response = token_for(api_client, typed)
        assert response.status_code == 200, typed
        assert response.json() == {"token": Token.objects.get(user=user).key}


def test_a_token_identifies_only_its_own_user(api_client, customer, other_customer):
    key = token_for(api_client, other_customer.user.email).json()["token"]

    me = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {key}")

    assert me.json()["email"] == other_customer.user.email


# refusing --------------------------------------------------------------------------------------


def test_wrong_password_and_unknown_email_answer_the_same(api_client, customer):
    wrong_password = token_for(api_client, customer.user.email, "not-the-password-1")
    unknown_email = token_for(api_client, "nobody@example.com", "not-the-password-1")

    assert wrong_password.status_code == unknown_email.status_code == 400
    assert wrong_password.json() == unknown_email.json() == NOT_CORRECT
    assert wrong_password["Content-Type"] == unknown_email["Content-Type"]
    assert not Token.objects.exists()


def test_an_inactive_account_answers_like_a_wrong_password(api_client, customer):
    get_user_model().objects.filter(pk=customer.user_id).update(is_active=False)

    response = token_for(api_client, customer.user.email)

    assert response.status_code == 400
    assert response.json() == NOT_CORRECT
    assert not Token.objects.exists()


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"email": "a@example.com"}, {"password": ["This field is required."]}),
        ({"password": "x"}, {"email": ["This field is required."]}),
        (
            {"email": "not-an-email", "password": "x"},
            {"email": ["Enter a valid email address."]},
        ),
        (
            {"email": "a@example.com", "password": ""},
            {"password": ["This field may not be blank."]},
        ),
    ],
)
def test_incomplete_credentials_are_a_400(api_client, customer, payload, fields):
    response = api_client.post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid", "message": "The request has invalid fields.", "fields": fields}
    }
    assert not Token.objects.exists()


def test_a_body_over_one_mib_is_a_413(api_client, customer):
    response = token_for(api_client, customer.user.email, "x" * (1024 * 1024 + 16))

    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "code": "payload_too_large",
            "message": "The request body is too large.",
            "fields": {},
        }
    }
    assert not Token.objects.exists()
    assert not AccessAttempt.objects.exists()


def test_a_body_that_is_not_utf8_is_a_400(api_client, customer):
    response = api_client.post(
        URL, b'{"email": "\xff\xfe", "password": "x"}', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert response.json()["error"]["fields"] == {}
    assert not Token.objects.exists()


def test_get_is_not_allowed(api_client):
    response = api_client.get(URL)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


# revoking --------------------------------------------------------------------------------------


def test_delete_revokes_the_token(api_client, customer):
    key = token_for(api_client, customer.user.email).json()["token"]

    response = api_client.delete(URL, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 204
    assert response.content == b""
    assert not Token.objects.filter(key=key).exists()

    after = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {key}")

    assert after.status_code == 401
    assert after["WWW-Authenticate"] == "Token"
    assert after.json() == {
        "error": {"code": "authentication_failed", "message": "Invalid token.", "fields": {}}
    }


def test_delete_revokes_only_the_callers_token(api_client, customer, other_customer):
    mine = token_for(api_client, customer.user.email).json()["token"]
    theirs = token_for(api_client, other_customer.user.email).json()["token"]

    response = api_client.delete(URL, HTTP_AUTHORIZATION=f"Token {mine}")

    assert response.status_code == 204
    assert list(Token.objects.values_list("key", flat=True)) == [theirs]
    assert api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {theirs}").status_code == 200


def test_a_new_token_after_revoking_is_different(api_client, customer):
    old = token_for(api_client, customer.user.email).json()["token"]
    api_client.delete(URL, HTTP_AUTHORIZATION=f"Token {old}")

    new = token_for(api_client, customer.user.email).json()["token"]

    assert new != old
    assert api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {new}").status_code == 200
    assert api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {old}").status_code == 401


# django-axes: five failures per (email, address) -----------------------------------------------


def test_failures_are_counted_per_email_and_address(api_client, customer):
    email = customer.user.email

    fail(api_client, email.upper(), 3)
    fail(api_client, email, 1, REMOTE_ADDR="10.0.0.2")

    attempts = {
        (a.username, a.ip_address): a.failures_since_start for a in AccessAttempt.objects.all()
    }
    assert attempts == {(email, "127.0.0.1"): 3, (email, "10.0.0.2"): 1}


def test_five_failures_lock_the_email_from_that_address_with_429(api_client, customer):
    email = customer.user.email
    fail(api_client, email, 4)
    fifth = token_for(api_client, email, "wrong-password-1")
    assert fifth.status_code == 429  # the failure that reaches the limit
    assert fifth.json() == LOCKED_OUT

    sixth = token_for(api_client, email)  # the correct password

    assert sixth.status_code == 429
    assert sixth.json() == LOCKED_OUT
    assert not Token.objects.exists()


def test_five_failures_lock_only_that_email_and_address_together(
    api_client, customer, other_customer
):
    email = customer.user.email
    fail(api_client, email, 5)

    locked = token_for(api_client, email)  # the correct password, from the same address

    assert locked.status_code == 429
    assert locked.json() == LOCKED_OUT
    assert not Token.objects.exists()

    other_address = token_for(api_client, email, REMOTE_ADDR="10.0.0.2")

    assert other_address.status_code == 200
    assert other_address.json() == {"token": Token.objects.get(user=customer.user).key}

    other_email = token_for(api_client, other_customer.user.email)

    assert other_email.status_code == 200
    assert other_email.json() == {"token": Token.objects.get(user=other_customer.user).key}


def test_the_lock_covers_every_spelling_of_the_email(api_client, customer):
    email = customer.user.email
    fail(api_client, email.upper(), 5)

    response = token_for(api_client, email)

    assert response.status_code == 429
    assert not Token.objects.exists()


def test_a_success_before_the_limit_resets_the_count(api_client, customer):
    email = customer.user.email
    fail(api_client, email, 4)
    assert token_for(api_client, email).status_code == 200
    fail(api_client, email, 4)

    response = token_for(api_client, email)

    assert response.status_code == 200


# throttling: 20 a minute -----------------------------------------------------------------------


def test_the_endpoint_is_throttled_at_20_a_minute_per_address(api_client, customer):
    for _ in range(20):
        assert token_for(api_client, customer.user.email).status_code == 200

    throttled = token_for(api_client, customer.user.email)

    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert throttled.json()["error"]["fields"] == {}
    assert int(throttled["Retry-After"]) > 0
    assert token_for(api_client, customer.user.email, REMOTE_ADDR="10.0.0.2").status_code == 200
