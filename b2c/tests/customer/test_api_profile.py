"""/api/v1/customer/profile/: personal details and the customer's passport."""

import datetime as dt

import pytest
from django.utils import timezone

from b2c.models import CustomerActivity, CustomerProfile
from core.testing.api import INVALID

pytestmark = pytest.mark.django_db

URL = "/api/v1/customer/profile/"
TOGETHER = "Give the passport's number, issuing country and expiry date together."
PASSPORT_FORMAT = "A passport number has 6 to 9 capital letters and digits, without spaces."


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def stored_profile(customer) -> dict:
    return CustomerProfile.objects.filter(customer=customer).values().get()


def activity_count(customer) -> int:
    return CustomerActivity.objects.filter(customer=customer).count()


def assert_invalid(response, fields: dict):
    assert response.status_code == 400, response.content
    assert response.json() == {"error": {**INVALID, "fields": fields}}


def test_get_returns_the_empty_profile(customer_api, customer):
    response = customer_api.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "address_line1": "",
        "address_line2": "",
        "city": "",
        "country": "",
        "date_of_birth": None,
        "emergency_contact_name": "",
        "emergency_contact_phone": "",
        "emergency_contact_relation": "",
        "gender": "",
        "nationality": "",
        "passport_country": "",
        "passport_expiry": None,
        "passport_number": "",
        "postal_code": "",
        "updated_at": body["updated_at"],
    }
    assert body["updated_at"] == customer.profile.updated_at.isoformat().replace("+00:00", "Z")


def test_patch_saves_a_valid_passport(customer_api, customer):
    expiry = in_days(5 * 365)

    response = customer_api.patch(
        URL,
        {
            "passport_number": "AB1234567",
            "passport_country": "BD",
            "passport_expiry": expiry.isoformat(),
            "date_of_birth": "1990-02-14",
            "nationality": "BD",
            "gender": "female",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    profile = CustomerProfile.objects.get(customer=customer)
    assert profile.passport_number == "AB1234567"
    assert profile.passport_country.code == "BD"
    assert profile.passport_expiry == expiry
    assert profile.date_of_birth == dt.date(1990, 2, 14)
    assert profile.nationality.code == "BD"
    assert profile.gender == "female"
    body = response.json()
    assert body["passport_number"] == "AB1234567"
    assert body["passport_country"] == "BD"
    assert body["passport_expiry"] == expiry.isoformat()
    assert body["date_of_birth"] == "1990-02-14"
    assert body["nationality"] == "BD"
    assert body["gender"] == "female"
    activity = CustomerActivity.objects.filter(customer=customer).order_by("-pk").first()
    assert activity.kind == CustomerActivity.Kind.PROFILE_CHANGED
    assert activity.detail == {
        "fields": [
            "date_of_birth",
            "gender",
            "nationality",
            "passport_country",
            "passport_expiry",
            "passport_number",
        ]
    }


def test_patch_saves_emergency_contact_and_address(customer_api, customer):
    response = customer_api.patch(
        URL,
        {
            "emergency_contact_name": "Karim Rahman",
            "emergency_contact_phone": "+8801712345678",
            "emergency_contact_relation": "brother",
            "address_line1": "12 Road 5",
            "city": "Dhaka",
            "postal_code": "1205",
            "country": "BD",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    profile = CustomerProfile.objects.get(customer=customer)
    assert profile.emergency_contact_name == "Karim Rahman"
    assert str(profile.emergency_contact_phone) == "+8801712345678"
    assert (profile.address_line1, profile.city, profile.postal_code) == (
        "12 Road 5",
        "Dhaka",
        "1205",
    )
    assert profile.country.code == "BD"
    assert response.json()["emergency_contact_phone"] == "+8801712345678"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ab1234567", "AB1234567"),
        ("ab 1234567", "AB1234567"),
        ("AB 123 456", "AB123456"),
        (" bx 76 54 321 ", "BX7654321"),
    ],
)
def test_patch_normalises_a_lowercase_or_spaced_passport_number(
    customer_api, customer, typed, stored
):
    # Travellers type numbers in lower case and with spaces: the API stores them as printed.
    expiry = in_days(800)

    response = customer_api.patch(
        URL,
        {"passport_number": typed, "passport_country": "BD", "passport_expiry": expiry.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["passport_number"] == stored
    profile = CustomerProfile.objects.get(customer=customer)
    assert profile.passport_number == stored
    assert profile.passport_country.code == "BD"
    assert profile.passport_expiry == expiry


def test_patch_refuses_a_passport_number_too_long_after_normalising(customer_api, customer):
    before, activities = stored_profile(customer), activity_count(customer)

    response = customer_api.patch(
        URL,
        {
            "passport_number": "ab 1234 5678",
            "passport_country": "BD",
            "passport_expiry": in_days(800).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == ["passport_number"]
    assert stored_profile(customer) == before
    assert activity_count(customer) == activities


@pytest.mark.parametrize("number", ["AB-12345", "AB#1234", "AB.12345", "12345/67"])
def test_patch_refuses_a_passport_number_with_symbols(customer_api, customer, number):
    before, activities = stored_profile(customer), activity_count(customer)

    response = customer_api.patch(
        URL,
        {
            "passport_number": number,
            "passport_country": "BD",
            "passport_expiry": in_days(800).isoformat(),
        },
        format="json",
    )

    assert_invalid(response, {"passport_number": [PASSPORT_FORMAT]})
    assert stored_profile(customer) == before
    assert activity_count(customer) == activities


def test_patch_refuses_an_expired_passport(customer_api, customer):
    before, activities = stored_profile(customer), activity_count(customer)

    response = customer_api.patch(
        URL,
        {
            "passport_number": "AB1234567",
            "passport_country": "BD",
            "passport_expiry": in_days(-1).isoformat(),
        },
        format="json",
    )

    assert_invalid(
        response, {"passport_expiry": ["This passport has expired. Enter a valid passport."]}
    )
    assert stored_profile(customer) == before
    assert activity_count(customer) == activities


def test_patch_accepts_a_passport_expiring_today(customer_api, customer):
    response = customer_api.patch(
        URL,
        {
            "passport_number": "AB1234567",
            "passport_country": "BD",
            "passport_expiry": in_days(0).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert CustomerProfile.objects.get(customer=customer).passport_expiry == in_days(0)


def test_patch_refuses_a_passport_number_without_country_and_expiry(customer_api, customer):
    before, activities = stored_profile(customer), activity_count(customer)

    response = customer_api.patch(URL, {"passport_number": "AB1234567"}, format="json")

    assert_invalid(response, {"passport_country": [TOGETHER], "passport_expiry": [TOGETHER]})
    assert stored_profile(customer) == before
    assert activity_count(customer) == activities


def test_patch_refuses_removing_only_the_expiry_of_a_stored_passport(customer_api, customer):
    CustomerProfile.objects.filter(customer=customer).update(
        passport_number="AB1234567", passport_country="BD", passport_expiry=in_days(800)
    )
    before = stored_profile(customer)

    response = customer_api.patch(URL, {"passport_expiry": None}, format="json")

    assert_invalid(response, {"passport_expiry": [TOGETHER]})
    assert stored_profile(customer) == before


def test_patch_refuses_a_future_date_of_birth(customer_api, customer):
    before, activities = stored_profile(customer), activity_count(customer)

    response = customer_api.patch(
        URL, {"date_of_birth": in_days(1).isoformat(), "city": "Dhaka"}, format="json"
    )

    assert_invalid(response, {"date_of_birth": ["A date of birth cannot be in the future."]})
    assert stored_profile(customer) == before
    assert activity_count(customer) == activities


def test_patch_refuses_an_emergency_contact_name_without_phone(customer_api, customer):
    before = stored_profile(customer)

    response = customer_api.patch(URL, {"emergency_contact_name": "Karim"}, format="json")

    assert_invalid(
        response,
        {
            "emergency_contact_phone": [
                "Give the emergency contact's name and phone number together."
            ]
        },
    )
    assert stored_profile(customer) == before


def test_patch_refuses_an_unknown_country_code(customer_api, customer):
    before = stored_profile(customer)

    response = customer_api.patch(URL, {"nationality": "XX"}, format="json")

    assert_invalid(response, {"nationality": ['"XX" is not a valid choice.']})
    assert stored_profile(customer) == before
