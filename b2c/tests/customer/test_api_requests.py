"""Requests the customer API must refuse cleanly: anonymous callers and bad bodies."""

import pytest
from django.contrib.auth import get_user_model

from b2c.models import (
    Customer,
    CustomerActivity,
    CustomerProfile,
    FrequentFlyerNumber,
    TravelCompanion,
)
from core.testing.factories import TravelCompanionFactory

pytestmark = pytest.mark.django_db

ONE_MIB = 1024 * 1024
NOT_AUTHENTICATED = {
    "error": {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "fields": {},
    }
}
TOO_LARGE = {
    "error": {
        "code": "payload_too_large",
        "message": "The request body is too large.",
        "fields": {},
    }
}


def stored_state() -> dict:
    """Every stored row of the customer area, as plain values, to compare before/after."""
    return {
        "users": list(get_user_model().objects.order_by("pk").values()),
        "customers": list(Customer.objects.order_by("pk").values()),
        "profiles": list(CustomerProfile.objects.order_by("pk").values()),
        "companions": list(TravelCompanion.objects.order_by("pk").values()),
        "ff_numbers": list(FrequentFlyerNumber.objects.order_by("pk").values()),
        "activities": list(CustomerActivity.objects.order_by("pk").values()),
    }


@pytest.fixture
def companion(customer):
    return TravelCompanionFactory(customer=customer, given_names="Nadia", surname="Rahman")


@pytest.fixture
def ff_number(customer, airline):
    return FrequentFlyerNumber.objects.create(customer=customer, airline=airline, number="1234567")


# anonymous -------------------------------------------------------------------------------------


def anonymous_requests(companion_id, ff_id):
    companions = "/api/v1/customer/companions/"
    numbers = "/api/v1/customer/frequent-flyer-numbers/"
    return [
        ("get", "/api/v1/me/", None),
        ("patch", "/api/v1/me/", {"first_name": "Mallory"}),
        ("get", "/api/v1/customer/", None),
        ("patch", "/api/v1/customer/", {"loyalty_tier": "platinum", "phone": "+8801712345678"}),
        ("get", "/api/v1/customer/profile/", None),
        ("patch", "/api/v1/customer/profile/", {"city": "Nowhere"}),
        ("get", companions, None),
        (
            "post",
            companions,
            {"given_names": "M", "surname": "X", "date_of_birth": "1990-01-01"},
        ),
        ("get", f"{companions}{companion_id}/", None),
        ("patch", f"{companions}{companion_id}/", {"surname": "Mallory"}),
        (
            "put",
            f"{companions}{companion_id}/",
            {"given_names": "M", "surname": "X", "date_of_birth": "1990-01-01"},
        ),
        ("delete", f"{companions}{companion_id}/", None),
        ("get", numbers, None),
        ("post", numbers, {"airline": "EK", "number": "99999999"}),
        ("get", f"{numbers}{ff_id}/", None),
        ("delete", f"{numbers}{ff_id}/", None),
        ("post", "/api/v1/customer/export/", None),
        ("delete", "/api/v1/auth/token/", None),
    ]


ANONYMOUS_CASES = [f"{m.upper()} {u}" for m, u, _ in anonymous_requests("<id>", "<id>")]


@pytest.mark.parametrize("case", range(len(ANONYMOUS_CASES)), ids=ANONYMOUS_CASES)
def test_anonymous_requests_are_refused_with_401(api_client, companion, ff_number, case):
    method, url, payload = anonymous_requests(companion.pk, ff_number.pk)[case]
    before = stored_state()

    kwargs = {"format": "json"} if payload is not None else {}
    response = getattr(api_client, method)(url, payload, **kwargs)

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert response["WWW-Authenticate"] == "Token"
    assert stored_state() == before


def test_an_unknown_token_is_refused(api_client, customer):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "authentication_failed", "message": "Invalid token.", "fields": {}}
    }


def test_an_inactive_users_session_is_refused(api_client, customer):
    get_user_model().objects.filter(pk=customer.user_id).update(is_active=False)
    api_client.force_login(customer.user)

    response = api_client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


# bodies over the limit -------------------------------------------------------------------------


def big_payload_requests(companion_id):
    big = "x" * (ONE_MIB + 16)
    return [
        ("patch", "/api/v1/me/", {"first_name": big}),
        ("patch", "/api/v1/customer/", {"company_name": big}),
        ("patch", "/api/v1/customer/profile/", {"address_line1": big}),
        ("post", "/api/v1/customer/companions/", {"given_names": big, "surname": "X"}),
        ("patch", f"/api/v1/customer/companions/{companion_id}/", {"surname": big}),
        ("post", "/api/v1/customer/frequent-flyer-numbers/", {"airline": "EK", "number": big}),
    ]


BIG_CASES = [f"{m.upper()} {u}" for m, u, _ in big_payload_requests("<id>")]


@pytest.mark.parametrize("case", range(len(BIG_CASES)), ids=BIG_CASES)
def test_json_body_over_one_mib_is_refused_with_413(customer_api, companion, airline, case):
    method, url, payload = big_payload_requests(companion.pk)[case]
    before = stored_state()

    response = getattr(customer_api, method)(url, payload, format="json")

    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert stored_state() == before


def test_json_body_just_under_the_limit_is_parsed(customer_api, customer):
    # Under the limit the body is read and validated normally (here: too long a name).
    body = b'{"first_name": "' + b"x" * (ONE_MIB - 100) + b'"}'
    assert len(body) < ONE_MIB
    before = stored_state()

    response = customer_api.patch("/api/v1/me/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "first_name": ["Ensure this field has no more than 150 characters."]
    }
    assert stored_state() == before


@pytest.mark.parametrize("fmt", ["multipart", "form"])
def test_form_bodies_over_one_mib_are_refused_with_413(customer_api, customer, fmt):
    big = "x" * (ONE_MIB + 16)
    before = stored_state()

    if fmt == "multipart":
        response = customer_api.patch("/api/v1/me/", {"first_name": big}, format="multipart")
    else:
        response = customer_api.patch(
            "/api/v1/me/", f"first_name={big}", content_type="application/x-www-form-urlencoded"
        )

    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert stored_state() == before


# bodies that are not JSON ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/api/v1/me/", "/api/v1/customer/", "/api/v1/customer/profile/"],
)
def test_body_that_is_not_utf8_is_a_400(customer_api, customer, url):
    before = stored_state()

    response = customer_api.patch(
        url, b'{"first_name": "\xff\xfe"}', content_type="application/json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    assert error["message"].startswith("JSON parse error - 'utf-8' codec can't decode byte 0xff")
    assert error["fields"] == {}
    assert stored_state() == before


def test_post_that_is_not_utf8_is_a_400(customer_api, customer):
    before = stored_state()

    response = customer_api.post(
        "/api/v1/customer/companions/",
        b'{"given_names": "\xff\xfe", "surname": "X", "date_of_birth": "1990-01-01"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert stored_state() == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"first_name": ', "JSON parse error - Expecting value: line 1 column 16 (char 15)"),
        (b"{first_name: 1}", None),
        (b'{"first_name": "a",}', None),
        (
            b'{"first_name": NaN}',
            "JSON parse error - Out of range float values are not JSON compliant: 'NaN'",
        ),
    ],
    ids=["truncated", "unquoted-key", "trailing-comma", "nan"],
)
def test_malformed_json_is_a_400(customer_api, customer, body, message):
    before = stored_state()

    response = customer_api.patch("/api/v1/me/", body, content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    assert error["message"].startswith("JSON parse error - ")
    if message is not None:
        assert error["message"] == message
    assert error["fields"] == {}
    assert stored_state() == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[1, 2]", "Invalid data. Expected a dictionary, but got list."),
        (b'"x"', "Invalid data. Expected a dictionary, but got str."),
        (b"null", "No data provided"),
    ],
)
def test_json_that_is_not_an_object_is_a_400(customer_api, customer, body, message):
    before = stored_state()

    response = customer_api.patch(
        "/api/v1/customer/profile/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "The request has invalid fields.",
            "fields": {"non_field_errors": [message]},
        }
    }
    assert stored_state() == before


def test_unsupported_media_type_is_a_415(customer_api, customer):
    before = stored_state()

    response = customer_api.patch(
        "/api/v1/me/", b"<first_name>x</first_name>", content_type="application/xml"
    )

    assert response.status_code == 415
    assert response.json() == {
        "error": {
            "code": "unsupported_media_type",
            "message": 'Unsupported media type "application/xml" in request.',
            "fields": {},
        }
    }
    assert stored_state() == before
