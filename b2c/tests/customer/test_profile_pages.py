import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from b2c.models import CustomerActivity, CustomerProfile, TravelCompanion
from core.testing.factories import TravelCompanionFactory

TODAY = timezone.localdate()
NEXT_YEAR = TODAY.replace(year=TODAY.year + 5)


def documents(**overrides):
    data = {
        "section": "documents",
        "documents-date_of_birth": "1990-04-12",
        "documents-gender": "female",
        "documents-nationality": "BD",
        "documents-passport_number": "bx 123 4567",
        "documents-passport_country": "BD",
        "documents-passport_expiry": NEXT_YEAR.isoformat(),
    }
    data.update({f"documents-{k}": v for k, v in overrides.items()})
    return data


def profile_values(customer):
    return CustomerProfile.objects.filter(customer=customer).values().get()


@pytest.mark.parametrize("url", ["/dashboard/", "/profile/", "/profile/companions/add/"])
def test_anonymous_visitors_are_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_dashboard_greets_the_customer_with_tier_and_honest_empty_states(customer_client, customer):
    customer.user.first_name = "Layla"
    customer.user.save()

    html = customer_client.get("/dashboard/").content.decode()

    assert "Hello, Layla" in html
    assert '<span class="tier">Bronze</span>' in html
    assert "You have no upcoming trips." in html
    assert "Add your passport details once" in html


def test_saving_travel_documents_normalises_the_passport_number(customer_client, customer):
    response = customer_client.post("/profile/", documents())

    assert response.status_code == 302
    profile = CustomerProfile.objects.get(customer=customer)
    assert profile.passport_number == "BX1234567"
    assert profile.passport_country.code == "BD"
    assert profile.passport_expiry == NEXT_YEAR
    assert profile.date_of_birth == dt.date(1990, 4, 12)
    activity = customer.activities.get(kind=CustomerActivity.Kind.PROFILE_CHANGED)
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


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"passport_expiry": (TODAY - dt.timedelta(days=1)).isoformat()},
            "passport_expiry",
            "This passport has expired. Enter a valid passport.",
        ),
        (
            {"passport_number": "AB-12#4"},
            "passport_number",
            "A passport number has 6 to 9 capital letters and digits, without spaces.",
        ),
        (
            {"date_of_birth": (TODAY + dt.timedelta(days=1)).isoformat()},
            "date_of_birth",
            "A date of birth cannot be in the future.",
        ),
        (
            {"passport_country": ""},
            "passport_country",
            "Give the passport's number, issuing country and expiry date together.",
        ),
    ],
)
def test_bad_travel_documents_are_refused_and_nothing_changes(
    customer_client, customer, overrides, field, message
):
    customer_client.post("/profile/", documents())
    before = profile_values(customer)

    response = customer_client.post("/profile/", documents(**overrides))

    assert response.status_code == 400
    assert message in response.context["forms"]["documents"].errors[field]
    assert profile_values(customer) == before


def test_personal_details_refuse_a_malformed_phone(customer_client, customer):
    response = customer_client.post(
        "/profile/",
        {
            "section": "personal",
            "personal-first_name": "Layla",
            "personal-customer_type": "individual",
            "personal-preferred_language": "ar",
            "personal-preferred_currency": "AED",
            "personal-phone": "12345",
        },
    )

    assert response.status_code == 400
    assert response.context["forms"]["personal"].errors["phone"]
    customer.refresh_from_db()
    customer.user.refresh_from_db()
    assert (customer.user.first_name, customer.preferred_currency, str(customer.phone)) != (
        "Layla",
        "AED",
        "12345",
    )
    assert customer.preferred_currency == "USD"


def test_personal_details_save_name_preferences_and_consent_time(customer_client, customer):
    response = customer_client.post(
        "/profile/",
        {
            "section": "personal",
            "personal-first_name": "Layla",
            "personal-last_name": "Rahman",
            "personal-customer_type": "individual",
            "personal-preferred_language": "bn",
            "personal-preferred_currency": "KWD",
            "personal-phone": "+971 50 123 4567",
            "personal-marketing_consent": "on",
        },
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.user.first_name == "Layla"
    assert customer.preferred_language == "bn"
    assert customer.preferred_currency == "KWD"
    assert str(customer.phone) == "+971501234567"
    assert customer.marketing_consent is True
    assert customer.marketing_consent_at is not None


def test_corporate_account_needs_a_company_name(customer_client, customer):
    response = customer_client.post(
        "/profile/",
        {
            "section": "personal",
            "personal-customer_type": "corporate",
            "personal-preferred_language": "en",
            "personal-preferred_currency": "USD",
        },
    )

    assert response.status_code == 400
    assert response.context["forms"]["personal"].errors["company_name"] == [
        "A corporate account needs a company name."
    ]
    customer.refresh_from_db()
    assert customer.customer_type == "individual"


def test_add_edit_and_remove_a_companion(customer_client, customer):
    response = customer_client.post(
        "/profile/companions/add/",
        {
            "given_names": "Omar",
            "surname": "Rahman",
            "relationship": "spouse",
            "date_of_birth": "1987-09-03",
        },
    )
    assert response.status_code == 302
    companion = TravelCompanion.objects.get(customer=customer)
    assert companion.full_name == "Omar Rahman"

    response = customer_client.post(
        f"/profile/companions/{companion.pk}/",
        {
            "given_names": "Omar Faruq",
            "surname": "Rahman",
            "relationship": "spouse",
            "date_of_birth": "1987-09-03",
            "passport_number": "BX7654321",
            "passport_country": "BD",
            "passport_expiry": NEXT_YEAR.isoformat(),
        },
    )
    assert response.status_code == 302
    companion.refresh_from_db()
    assert companion.given_names == "Omar Faruq"
    assert companion.passport_number == "BX7654321"

    page = customer_client.get("/profile/").content.decode()
    assert "Omar Faruq Rahman" in page

    response = customer_client.post(f"/profile/companions/{companion.pk}/delete/")
    assert response.status_code == 302
    assert not TravelCompanion.objects.filter(pk=companion.pk).exists()
    assert list(
        customer.activities.filter(kind__startswith="companion").values_list("kind", flat=True)
    ) == ["companion_removed", "companion_changed", "companion_added"]


def test_companion_without_date_of_birth_is_refused(customer_client, customer):
    response = customer_client.post(
        "/profile/companions/add/",
        {"given_names": "Sara", "surname": "Rahman", "relationship": "child"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["date_of_birth"]
    assert TravelCompanion.objects.count() == 0


@pytest.mark.parametrize("suffix", ["", "delete/"])
def test_another_customers_companion_is_not_found(customer_client, other_customer, suffix):
    theirs = TravelCompanionFactory(customer=other_customer, given_names="Private")
    url = f"/profile/companions/{theirs.pk}/{suffix}"

    assert customer_client.get(url).status_code == 404
    assert customer_client.post(url, {"given_names": "Hacked", "surname": "X"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.given_names == "Private"


def test_frequent_flyer_numbers_for_self_and_companion(customer_client, customer, airline):
    companion = TravelCompanionFactory(customer=customer)

    customer_client.post(
        "/profile/frequent-flyer/add/", {"ff-airline": airline.pk, "ff-number": "ek 1234 5678"}
    )
    customer_client.post(
        "/profile/frequent-flyer/add/",
        {"ff-airline": airline.pk, "ff-number": "EK99887766", "ff-companion": companion.pk},
    )
    duplicate = customer_client.post(
        "/profile/frequent-flyer/add/",
        {"ff-airline": airline.pk, "ff-number": "EK00000000"},
        follow=True,
    )

    numbers = sorted(customer.frequent_flyer_numbers.values_list("number", "companion_id"))
    assert numbers == [("EK12345678", None), ("EK99887766", companion.pk)]
    assert "You already saved a number for this airline." in duplicate.content.decode()


def test_data_export_is_a_json_download_of_everything(customer_client, customer):
    TravelCompanionFactory(customer=customer, given_names="Omar", surname="Rahman")

    response = customer_client.post("/profile/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="safar-my-data-')
    data = response.json()
    assert data["account"]["email"] == customer.user.email
    assert [(c["given_names"], c["surname"]) for c in data["companions"]] == [("Omar", "Rahman")]
    assert customer.activities.filter(kind=CustomerActivity.Kind.DATA_EXPORTED).count() == 1
