"""A passport that expires after it was saved blocks nothing else; a new one must be valid."""

import datetime as dt

import pytest
from freezegun import freeze_time

from b2c.models import CustomerProfile, TravelCompanion
from core.testing.factories import TravelCompanionFactory


@pytest.fixture
def expired_since_saved(customer):
    with freeze_time("2024-01-01"):
        profile = CustomerProfile.objects.get(customer=customer)
        profile.passport_number = "BX1234567"
        profile.passport_country = "BD"
        profile.passport_expiry = dt.date(2025, 6, 30)
        profile.save()
    return profile


def test_other_sections_still_save(customer_client, customer, expired_since_saved):
    response = customer_client.post(
        "/profile/",
        {
            "section": "contact",
            "contact-city": "Dubai",
            "contact-country": "AE",
        },
    )

    assert response.status_code == 302
    profile = CustomerProfile.objects.get(customer=customer)
    assert (profile.city, profile.passport_expiry) == ("Dubai", dt.date(2025, 6, 30))


def test_the_api_saves_other_fields_too(customer_api, customer, expired_since_saved):
    response = customer_api.patch("/api/v1/customer/profile/", {"city": "Dhaka"}, format="json")

    assert response.status_code == 200
    assert CustomerProfile.objects.get(customer=customer).city == "Dhaka"


def test_the_dashboard_asks_for_a_new_passport(customer_client, expired_since_saved):
    html = customer_client.get("/dashboard/").content.decode()

    assert "Your passport expired on June 30, 2025." in html


def test_entering_another_expired_passport_is_still_refused(
    customer_client, customer, expired_since_saved
):
    response = customer_client.post(
        "/profile/",
        {
            "section": "documents",
            "documents-passport_number": "BX7654321",
            "documents-passport_country": "BD",
            "documents-passport_expiry": "2025-07-01",
        },
    )

    assert response.status_code == 400
    assert response.context["forms"]["documents"].errors["passport_expiry"] == [
        "This passport has expired. Enter a valid passport."
    ]
    assert CustomerProfile.objects.get(customer=customer).passport_number == "BX1234567"


def test_a_companion_with_an_old_passport_can_still_be_edited(customer_api, customer):
    with freeze_time("2024-01-01"):
        companion = TravelCompanionFactory(
            customer=customer,
            passport_number="BX1111111",
            passport_country="BD",
            passport_expiry=dt.date(2025, 1, 1),
        )

    response = customer_api.patch(
        f"/api/v1/customer/companions/{companion.pk}/", {"relationship": "sibling"}, format="json"
    )

    assert response.status_code == 200
    assert TravelCompanion.objects.get(pk=companion.pk).relationship == "sibling"


def test_a_date_of_birth_before_1900_is_refused(customer_api, customer):
    response = customer_api.patch(
        "/api/v1/customer/profile/", {"date_of_birth": "0001-01-01"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"date_of_birth": ["Enter a real date of birth."]}
    assert CustomerProfile.objects.get(customer=customer).date_of_birth is None
