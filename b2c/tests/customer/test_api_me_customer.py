"""/api/v1/me/ and /api/v1/customer/: the signed-in account and the customer's preferences."""

import pytest
from django.contrib.auth import get_user_model

from b2c.models import (
    Customer,
    CustomerActivity,
    CustomerProfile,
    FrequentFlyerNumber,
    TravelCompanion,
)
from core.testing.api import INVALID

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/me/"
CUSTOMER_URL = "/api/v1/customer/"


def stored_state(customer) -> dict:
    """Every stored row that belongs to the customer, as plain values, to compare before/after."""
    return {
        "user": get_user_model().objects.filter(pk=customer.user_id).values().get(),
        "customer": Customer.objects.filter(pk=customer.pk).values().get(),
        "profile": CustomerProfile.objects.filter(customer=customer).values().get(),
        "companions": list(
            TravelCompanion.objects.filter(customer=customer).order_by("pk").values()
        ),
        "ff_numbers": list(
            FrequentFlyerNumber.objects.filter(customer=customer).order_by("pk").values()
        ),
        "activities": list(
            CustomerActivity.objects.filter(customer=customer).order_by("pk").values()
        ),
    }


def assert_invalid(response, fields: dict):
    assert response.status_code == 400, response.content
    assert response.json() == {"error": {**INVALID, "fields": fields}}


# /api/v1/me/ ---------------------------------------------------------------------------------


def test_me_get_returns_the_signed_in_user(customer_api, customer):
    user = customer.user

    response = customer_api.get(ME_URL)

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def test_me_patch_changes_the_name_and_records_the_change(customer_api, customer):
    response = customer_api.patch(
        ME_URL, {"first_name": "Amina", "last_name": "Rahman"}, format="json"
    )

    assert response.status_code == 200
    user = get_user_model().objects.get(pk=customer.user_id)
    assert (user.first_name, user.last_name) == ("Amina", "Rahman")
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "first_name": "Amina",
        "last_name": "Rahman",
    }
    activity = CustomerActivity.objects.filter(customer=customer).order_by("-pk").first()
    assert activity.kind == CustomerActivity.Kind.PROFILE_CHANGED
    assert activity.detail == {"fields": ["first_name", "last_name"]}


def test_me_patch_ignores_email_which_is_read_only(customer_api, customer):
    email = customer.user.email

    response = customer_api.patch(
        ME_URL, {"email": "someone.else@example.com", "first_name": "Amina"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["email"] == email
    user = get_user_model().objects.get(pk=customer.user_id)
    assert user.email == email
    assert user.first_name == "Amina"
    assert not get_user_model().objects.filter(email="someone.else@example.com").exists()


def test_me_patch_with_only_email_changes_nothing(customer_api, customer):
    before = stored_state(customer)

    response = customer_api.patch(ME_URL, {"email": "someone.else@example.com"}, format="json")

    assert response.status_code == 200
    assert response.json()["email"] == customer.user.email
    assert stored_state(customer) == before


def test_me_patch_with_a_too_long_name_is_refused(customer_api, customer):
    before = stored_state(customer)

    response = customer_api.patch(ME_URL, {"first_name": "x" * 151}, format="json")

    assert_invalid(response, {"first_name": ["Ensure this field has no more than 150 characters."]})
    assert stored_state(customer) == before


# /api/v1/customer/ ---------------------------------------------------------------------------


def test_customer_get_returns_the_preferences(customer_api, customer):
    response = customer_api.get(CUSTOMER_URL)

    assert response.status_code == 200
    assert response.json() == {
        "id": customer.pk,
        "customer_type": "individual",
        "company_name": "",
        "loyalty_tier": "bronze",
        "preferred_language": "en",
        "preferred_currency": "USD",
        "phone": "",
        "marketing_consent": False,
        "marketing_consent_at": None,
        "created_at": customer.created_at.isoformat().replace("+00:00", "Z"),
    }


def test_customer_patch_saves_a_valid_change(customer_api, customer):
    response = customer_api.patch(
        CUSTOMER_URL,
        {
            "preferred_language": "bn",
            "preferred_currency": "BDT",
            "phone": "+8801712345678",
            "marketing_consent": True,
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.preferred_language == "bn"
    assert customer.preferred_currency == "BDT"
    assert str(customer.phone) == "+8801712345678"
    assert customer.marketing_consent is True
    assert customer.marketing_consent_at is not None
    body = response.json()
    assert body["preferred_language"] == "bn"
    assert body["preferred_currency"] == "BDT"
    assert body["phone"] == "+8801712345678"
    assert body["marketing_consent"] is True
    assert body["marketing_consent_at"] == customer.marketing_consent_at.isoformat().replace(
        "+00:00", "Z"
    )
    activity = CustomerActivity.objects.filter(customer=customer).order_by("-pk").first()
    assert activity.kind == CustomerActivity.Kind.PROFILE_CHANGED
    assert activity.detail == {
        "fields": [
            "marketing_consent",
            "marketing_consent_at",
            "phone",
            "preferred_currency",
            "preferred_language",
        ]
    }


def test_customer_patch_corporate_with_company_name(customer_api, customer):
    response = customer_api.patch(
        CUSTOMER_URL,
        {"customer_type": "corporate", "company_name": "Dhaka Traders Ltd"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["customer_type"] == "corporate"
    assert response.json()["company_name"] == "Dhaka Traders Ltd"
    customer = Customer.objects.get(pk=customer.pk)
    assert (customer.customer_type, customer.company_name) == ("corporate", "Dhaka Traders Ltd")


@pytest.mark.parametrize("phone", ["12345", "+1 555", "not a phone", "+880"])
def test_customer_patch_refuses_a_malformed_phone(customer_api, customer, phone):
    before = stored_state(customer)

    response = customer_api.patch(
        CUSTOMER_URL, {"phone": phone, "preferred_language": "ar"}, format="json"
    )

    assert_invalid(response, {"phone": ["Enter a valid phone number."]})
    assert stored_state(customer) == before


def test_customer_patch_refuses_an_unknown_currency(customer_api, customer):
    before = stored_state(customer)

    response = customer_api.patch(
        CUSTOMER_URL, {"preferred_currency": "XYZ", "preferred_language": "ar"}, format="json"
    )

    assert_invalid(response, {"preferred_currency": ['"XYZ" is not a valid choice.']})
    assert stored_state(customer) == before


def test_customer_patch_refuses_an_unknown_language(customer_api, customer):
    before = stored_state(customer)

    response = customer_api.patch(
        CUSTOMER_URL, {"preferred_language": "fr", "preferred_currency": "EUR"}, format="json"
    )

    assert_invalid(response, {"preferred_language": ['"fr" is not a valid choice.']})
    assert stored_state(customer) == before


def test_customer_patch_refuses_corporate_without_company_name(customer_api, customer):
    before = stored_state(customer)

    response = customer_api.patch(
        CUSTOMER_URL,
        {"customer_type": "corporate", "preferred_currency": "EUR", "phone": "+8801712345678"},
        format="json",
    )

    assert_invalid(response, {"company_name": ["A corporate account needs a company name."]})
    assert stored_state(customer) == before


def test_customer_patch_refuses_removing_the_company_name_of_a_corporate(customer_api, customer):
    Customer.objects.filter(pk=customer.pk).update(
        customer_type="corporate", company_name="Dhaka Traders Ltd"
    )
    before = stored_state(customer)

    response = customer_api.patch(CUSTOMER_URL, {"company_name": ""}, format="json")

    assert_invalid(response, {"company_name": ["A corporate account needs a company name."]})
    assert stored_state(customer) == before


def test_customer_patch_ignores_loyalty_tier_which_is_read_only(customer_api, customer):
    before = stored_state(customer)

    response = customer_api.patch(CUSTOMER_URL, {"loyalty_tier": "platinum"}, format="json")

    assert response.status_code == 200
    assert response.json()["loyalty_tier"] == "bronze"
    assert Customer.objects.get(pk=customer.pk).loyalty_tier == "bronze"
    assert stored_state(customer) == before


def test_customer_patch_ignores_other_read_only_fields(customer_api, customer, other_customer):
    before = stored_state(customer)

    response = customer_api.patch(
        CUSTOMER_URL,
        {"id": other_customer.pk, "marketing_consent_at": "2020-01-01T00:00:00Z"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["id"] == customer.pk
    assert response.json()["marketing_consent_at"] is None
    assert stored_state(customer) == before
