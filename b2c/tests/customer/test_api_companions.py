"""/api/v1/customer/companions/: the customer's travel companions, owner-only."""

import datetime as dt

import pytest
from django.utils import timezone

from b2c.models import CustomerActivity, TravelCompanion
from core.testing.api import INVALID, NOT_FOUND, drf_datetime
from core.testing.factories import TravelCompanionFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/customer/companions/"


def detail_url(pk) -> str:
    return f"{LIST_URL}{pk}/"


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def stored_companions(customer) -> list[dict]:
    return list(TravelCompanion.objects.filter(customer=customer).order_by("pk").values())


def activity_count(customer) -> int:
    return CustomerActivity.objects.filter(customer=customer).count()


def companion_body(companion: TravelCompanion) -> dict:
    """What the API should answer for a stored companion."""
    return {
        "id": companion.pk,
        "date_of_birth": companion.date_of_birth.isoformat() if companion.date_of_birth else None,
        "gender": companion.gender,
        "given_names": companion.given_names,
        "nationality": companion.nationality.code or "",
        "passport_country": companion.passport_country.code or "",
        "passport_expiry": (
            companion.passport_expiry.isoformat() if companion.passport_expiry else None
        ),
        "passport_number": companion.passport_number,
        "relationship": companion.relationship,
        "surname": companion.surname,
        "frequent_flyer_numbers": [str(n) for n in companion.frequent_flyer_numbers.all()],
        "created_at": drf_datetime(companion.created_at),
        "updated_at": drf_datetime(companion.updated_at),
    }


@pytest.fixture
def companion(customer):
    return TravelCompanionFactory(customer=customer, given_names="Nadia", surname="Rahman")


@pytest.fixture
def others_companion(other_customer):
    return TravelCompanionFactory(customer=other_customer, given_names="Omar", surname="Haddad")


VALID = {
    "given_names": "Sara",
    "surname": "Karim",
    "relationship": "spouse",
    "date_of_birth": "1991-07-03",
    "gender": "female",
    "nationality": "BD",
}


# create ----------------------------------------------------------------------------------------


def test_create_answers_201_with_the_stored_companion(customer_api, customer):
    expiry = in_days(1000)

    response = customer_api.post(
        LIST_URL,
        {
            **VALID,
            "passport_number": "BX7654321",
            "passport_country": "BD",
            "passport_expiry": expiry.isoformat(),
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    companion = TravelCompanion.objects.get(customer=customer)
    body = response.json()
    assert body == {
        "id": companion.pk,
        "date_of_birth": "1991-07-03",
        "gender": "female",
        "given_names": "Sara",
        "nationality": "BD",
        "passport_country": "BD",
        "passport_expiry": expiry.isoformat(),
        "passport_number": "BX7654321",
        "relationship": "spouse",
        "surname": "Karim",
        "frequent_flyer_numbers": [],
        "created_at": drf_datetime(companion.created_at),
        "updated_at": drf_datetime(companion.updated_at),
    }
    assert (companion.given_names, companion.surname) == ("Sara", "Karim")
    assert companion.date_of_birth == dt.date(1991, 7, 3)
    assert companion.passport_number == "BX7654321"
    activity = CustomerActivity.objects.filter(customer=customer).order_by("-pk").first()
    assert activity.kind == CustomerActivity.Kind.COMPANION_ADDED
    assert activity.detail == {"companion_id": companion.pk}


def test_create_ignores_a_customer_field_in_the_body(customer_api, customer, other_customer):
    response = customer_api.post(
        LIST_URL, {**VALID, "customer": other_customer.pk, "id": 999}, format="json"
    )

    assert response.status_code == 201, response.content
    assert TravelCompanion.objects.get(pk=response.json()["id"]).customer_id == customer.pk
    assert not TravelCompanion.objects.filter(customer=other_customer).exists()


def test_create_without_date_of_birth_is_refused(customer_api, customer):
    before, activities = stored_companions(customer), activity_count(customer)
    payload = {k: v for k, v in VALID.items() if k != "date_of_birth"}

    response = customer_api.post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {**INVALID, "fields": {"date_of_birth": ["This field is required."]}}
    }
    assert stored_companions(customer) == before == []
    assert activity_count(customer) == activities


def test_create_with_null_date_of_birth_is_refused(customer_api, customer):
    response = customer_api.post(LIST_URL, {**VALID, "date_of_birth": None}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {**INVALID, "fields": {"date_of_birth": ["This field may not be null."]}}
    }
    assert not TravelCompanion.objects.exists()


def test_create_with_a_future_date_of_birth_is_refused(customer_api, customer):
    response = customer_api.post(
        LIST_URL, {**VALID, "date_of_birth": in_days(2).isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            **INVALID,
            "fields": {"date_of_birth": ["A date of birth cannot be in the future."]},
        }
    }
    assert not TravelCompanion.objects.exists()


def test_create_with_an_expired_passport_is_refused(customer_api, customer):
    activities = activity_count(customer)

    response = customer_api.post(
        LIST_URL,
        {
            **VALID,
            "passport_number": "BX7654321",
            "passport_country": "BD",
            "passport_expiry": in_days(-30).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            **INVALID,
            "fields": {"passport_expiry": ["This passport has expired. Enter a valid passport."]},
        }
    }
    assert not TravelCompanion.objects.exists()
    assert activity_count(customer) == activities


def test_create_with_missing_names_is_refused(customer_api, customer):
    response = customer_api.post(LIST_URL, {"date_of_birth": "1991-07-03"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            **INVALID,
            "fields": {
                "given_names": ["This field is required."],
                "surname": ["This field is required."],
            },
        }
    }
    assert not TravelCompanion.objects.exists()


# list ------------------------------------------------------------------------------------------


def test_list_is_paginated_and_holds_only_own_companions(customer_api, customer, others_companion):
    mine = [
        TravelCompanionFactory(customer=customer, given_names=name, surname="Rahman")
        for name in ("Zara", "Adam", "Mina")
    ]

    response = customer_api.get(LIST_URL)

    assert response.status_code == 200
    assert response.json() == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [companion_body(c) for c in mine],  # ordered by id
    }
    assert others_companion.pk not in [c["id"] for c in response.json()["results"]]


def test_list_pages(customer_api, customer, others_companion):
    mine = [TravelCompanionFactory(customer=customer) for _ in range(3)]

    first = customer_api.get(LIST_URL, {"page_size": 2})
    second = customer_api.get(LIST_URL, {"page_size": 2, "page": 2})

    assert first.status_code == second.status_code == 200
    assert first.json() == {
        "count": 3,
        "next": "http://testserver/api/v1/customer/companions/?page=2&page_size=2",
        "previous": None,
        "results": [companion_body(c) for c in mine[:2]],
    }
    assert second.json() == {
        "count": 3,
        "next": None,
        "previous": "http://testserver/api/v1/customer/companions/?page_size=2",
        "results": [companion_body(mine[2])],
    }


def test_list_is_empty_when_only_others_have_companions(customer_api, others_companion):
    response = customer_api.get(LIST_URL)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_list_page_out_of_range_is_404(customer_api, companion):
    response = customer_api.get(LIST_URL, {"page": 5})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# retrieve / update / delete --------------------------------------------------------------------


def test_retrieve_own_companion(customer_api, companion):
    response = customer_api.get(detail_url(companion.pk))

    assert response.status_code == 200
    assert response.json() == companion_body(companion)


def test_patch_own_companion(customer_api, customer, companion):
    response = customer_api.patch(
        detail_url(companion.pk), {"surname": "Chowdhury", "relationship": "sibling"}, format="json"
    )

    assert response.status_code == 200, response.content
    companion.refresh_from_db()
    assert (companion.given_names, companion.surname, companion.relationship) == (
        "Nadia",
        "Chowdhury",
        "sibling",
    )
    assert response.json() == companion_body(companion)
    activity = CustomerActivity.objects.filter(customer=customer).order_by("-pk").first()
    assert activity.kind == CustomerActivity.Kind.COMPANION_CHANGED
    assert activity.detail == {"companion_id": companion.pk, "fields": ["relationship", "surname"]}


def test_patch_own_companion_with_invalid_passport_changes_nothing(
    customer_api, customer, companion
):
    before, activities = stored_companions(customer), activity_count(customer)

    response = customer_api.patch(
        detail_url(companion.pk),
        {"surname": "Chowdhury", "passport_number": "BX7654321"},
        format="json",
    )

    together = "Give the passport's number, issuing country and expiry date together."
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            **INVALID,
            "fields": {"passport_country": [together], "passport_expiry": [together]},
        }
    }
    assert stored_companions(customer) == before
    assert activity_count(customer) == activities


def test_put_own_companion(customer_api, companion):
    response = customer_api.put(
        detail_url(companion.pk),
        {**VALID, "given_names": "Nadia", "surname": "Islam"},
        format="json",
    )

    assert response.status_code == 200, response.content
    companion.refresh_from_db()
    assert (companion.surname, companion.relationship) == ("Islam", "spouse")
    assert response.json() == companion_body(companion)


def test_delete_own_companion(customer_api, customer, companion):
    pk = companion.pk

    response = customer_api.delete(detail_url(pk))

    assert response.status_code == 204
    assert response.content == b""
    assert not TravelCompanion.objects.filter(pk=pk).exists()
    activity = CustomerActivity.objects.filter(customer=customer).order_by("-pk").first()
    assert activity.kind == CustomerActivity.Kind.COMPANION_REMOVED
    assert activity.detail == {"companion_id": pk}
    assert customer_api.get(detail_url(pk)).status_code == 404


# owner-only ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "payload"),
    [
        ("get", None),
        ("patch", {"surname": "Stolen"}),
        ("put", {**VALID, "surname": "Stolen"}),
        ("delete", None),
    ],
)
def test_another_customers_companion_is_not_found(
    customer_api, customer, other_customer, others_companion, method, payload
):
    others_before = stored_companions(other_customer)
    own_before = stored_companions(customer)
    others_activities = activity_count(other_customer)

    kwargs = {"format": "json"} if payload is not None else {}
    response = getattr(customer_api, method)(detail_url(others_companion.pk), payload, **kwargs)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert stored_companions(other_customer) == others_before
    assert TravelCompanion.objects.filter(pk=others_companion.pk).exists()
    assert stored_companions(customer) == own_before
    assert activity_count(other_customer) == others_activities


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_unknown_companion_id_is_not_found(customer_api, method):
    response = getattr(customer_api, method)(detail_url(987654), {}, format="json")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
