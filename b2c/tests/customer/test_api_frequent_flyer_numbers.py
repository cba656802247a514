"""/api/v1/customer/frequent-flyer-numbers/: memberships of the customer and their companions."""

import pytest

from b2c.models import CustomerActivity, FrequentFlyerNumber, TravelCompanion
from core.testing.api import INVALID, NOT_FOUND, drf_datetime
from core.testing.factories import TravelCompanionFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/customer/frequent-flyer-numbers/"


def detail_url(pk) -> str:
    return f"{LIST_URL}{pk}/"


def stored_numbers() -> list[dict]:
    """Every frequent-flyer number of every customer."""
    return list(FrequentFlyerNumber.objects.order_by("pk").values())


def activity_count(customer) -> int:
    return CustomerActivity.objects.filter(customer=customer).count()


@pytest.fixture
def qatar(db):
    from flights.models import Airline

    return Airline.objects.get_or_create(
        iata_code="QR", defaults={"icao_code": "QTR", "name": "Qatar Airways", "country": "QA"}
    )[0]


@pytest.fixture
def companion(customer):
    return TravelCompanionFactory(customer=customer, given_names="Nadia", surname="Rahman")


@pytest.fixture
def others_companion(other_customer):
    return TravelCompanionFactory(customer=other_customer, given_names="Omar", surname="Haddad")


def test_create_own_number(customer_api, customer, airline):
    response = customer_api.post(
        LIST_URL, {"airline": "EK", "number": "EK123456789"}, format="json"
    )

    assert response.status_code == 201, response.content
    entry = FrequentFlyerNumber.objects.get()
    assert (entry.customer_id, entry.companion_id, entry.airline_id, entry.number) == (
        customer.pk,
        None,
        airline.pk,
        "EK123456789",
    )
    assert response.json() == {
        "id": entry.pk,
        "airline": "EK",
        "number": "EK123456789",
        "companion": None,
        "created_at": drf_datetime(entry.created_at),
    }


def test_create_own_number_with_explicit_null_companion(customer_api, customer, airline):
    response = customer_api.post(
        LIST_URL, {"airline": "EK", "number": "EK123456789", "companion": None}, format="json"
    )

    assert response.status_code == 201, response.content
    entry = FrequentFlyerNumber.objects.get()
    assert (entry.customer_id, entry.companion_id, entry.airline_id, entry.number) == (
        customer.pk,
        None,
        airline.pk,
        "EK123456789",
    )
    assert response.json() == {
        "id": entry.pk,
        "airline": "EK",
        "number": "EK123456789",
        "companion": None,
        "created_at": drf_datetime(entry.created_at),
    }
    activity = CustomerActivity.objects.filter(customer=customer).order_by("-pk").first()
    assert activity.kind == CustomerActivity.Kind.PROFILE_CHANGED
    assert activity.detail == {"fields": ["frequent_flyer_numbers"]}


def test_create_normalises_a_lowercase_spaced_number(customer_api, customer, airline):
    response = customer_api.post(
        LIST_URL, {"airline": "EK", "number": "ek 1234 5678", "companion": None}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["number"] == "EK12345678"
    assert FrequentFlyerNumber.objects.get().number == "EK12345678"


def test_create_number_for_own_companion(customer_api, customer, airline, companion):
    response = customer_api.post(
        LIST_URL, {"airline": "EK", "number": "123456789", "companion": companion.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    entry = FrequentFlyerNumber.objects.get()
    assert (entry.customer_id, entry.companion_id, entry.number) == (
        customer.pk,
        companion.pk,
        "123456789",
    )
    assert response.json() == {
        "id": entry.pk,
        "airline": "EK",
        "number": "123456789",
        "companion": companion.pk,
        "created_at": drf_datetime(entry.created_at),
    }
    # The companion's own view lists the number.
    companion_body = customer_api.get(f"/api/v1/customer/companions/{companion.pk}/").json()
    assert companion_body["frequent_flyer_numbers"] == ["EK 123456789"]


def test_own_and_companion_number_for_the_same_airline_coexist(
    customer_api, customer, airline, companion
):
    FrequentFlyerNumber.objects.create(customer=customer, airline=airline, number="11111111")

    response = customer_api.post(
        LIST_URL, {"airline": "EK", "number": "22222222", "companion": companion.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    assert FrequentFlyerNumber.objects.filter(customer=customer).count() == 2


def test_naming_another_customers_companion_is_refused(
    customer_api, customer, other_customer, airline, others_companion
):
    before = stored_numbers()
    activities = (activity_count(customer), activity_count(other_customer))

    response = customer_api.post(
        LIST_URL,
        {"airline": "EK", "number": "123456789", "companion": others_companion.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            **INVALID,
            "fields": {
                "companion": [f'Invalid pk "{others_companion.pk}" - object does not exist.']
            },
        }
    }
    assert stored_numbers() == before == []
    assert (activity_count(customer), activity_count(other_customer)) == activities
    assert not others_companion.frequent_flyer_numbers.exists()


@pytest.mark.parametrize("companion_key", [{}, {"companion": None}])
def test_duplicate_own_number_for_the_same_airline_is_refused(
    customer_api, customer, airline, companion_key
):
    FrequentFlyerNumber.objects.create(customer=customer, airline=airline, number="11111111")
    before, activities = stored_numbers(), activity_count(customer)

    response = customer_api.post(
        LIST_URL, {"airline": "EK", "number": "22222222", **companion_key}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            **INVALID,
            "fields": {"non_field_errors": ["You already saved a number for this airline."]},
        }
    }
    assert stored_numbers() == before
    assert FrequentFlyerNumber.objects.filter(customer=customer).count() == 1
    assert activity_count(customer) == activities


def test_duplicate_companion_number_for_the_same_airline_is_refused(
    customer_api, customer, airline, companion
):
    FrequentFlyerNumber.objects.create(
        customer=customer, companion=companion, airline=airline, number="11111111"
    )
    before, activities = stored_numbers(), activity_count(customer)

    response = customer_api.post(
        LIST_URL, {"airline": "EK", "number": "22222222", "companion": companion.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            **INVALID,
            "fields": {
                "non_field_errors": ["This companion already has a number for this airline."]
            },
        }
    }
    assert stored_numbers() == before
    assert activity_count(customer) == activities


def test_another_customer_may_hold_a_number_for_the_same_airline(
    customer_api, customer, other_customer, airline
):
    FrequentFlyerNumber.objects.create(customer=other_customer, airline=airline, number="11111111")

    response = customer_api.post(
        LIST_URL, {"airline": "EK", "number": "11111111", "companion": None}, format="json"
    )

    assert response.status_code == 201, response.content
    assert FrequentFlyerNumber.objects.filter(airline=airline).count() == 2


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        (
            {"airline": "ZZ", "number": "12345678"},
            {"airline": ["Object with iata_code=ZZ does not exist."]},
        ),
        ({"number": "12345678"}, {"airline": ["This field is required."]}),
        ({"airline": "EK"}, {"number": ["This field is required."]}),
        ({"airline": "EK", "number": "12-34"}, {"number": ["4 to 20 letters and digits."]}),
        ({"airline": "EK", "number": "123"}, {"number": ["4 to 20 letters and digits."]}),
        (
            {"airline": "EK", "number": "1" * 21},
            {"number": ["Ensure this field has no more than 20 characters."]},
        ),
    ],
)
def test_invalid_numbers_are_refused(customer_api, customer, airline, payload, fields):
    activities = activity_count(customer)

    response = customer_api.post(LIST_URL, {**payload, "companion": None}, format="json")

    assert response.status_code == 400
    assert response.json() == {"error": {**INVALID, "fields": fields}}
    assert stored_numbers() == []
    assert activity_count(customer) == activities


def test_inactive_airline_is_refused(customer_api, customer, airline):
    type(airline).objects.filter(pk=airline.pk).update(is_active=False)

    response = customer_api.post(
        LIST_URL, {"airline": "EK", "number": "12345678", "companion": None}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {**INVALID, "fields": {"airline": ["Object with iata_code=EK does not exist."]}}
    }
    assert stored_numbers() == []


def test_list_holds_only_own_numbers(customer_api, customer, other_customer, airline, qatar):
    mine = FrequentFlyerNumber.objects.create(customer=customer, airline=airline, number="11111111")
    FrequentFlyerNumber.objects.create(customer=other_customer, airline=qatar, number="99999999")

    response = customer_api.get(LIST_URL)

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": mine.pk,
                "airline": "EK",
                "number": "11111111",
                "companion": None,
                "created_at": drf_datetime(mine.created_at),
            }
        ],
    }


def test_retrieve_own_number(customer_api, customer, airline):
    entry = FrequentFlyerNumber.objects.create(customer=customer, airline=airline, number="1234567")

    response = customer_api.get(detail_url(entry.pk))

    assert response.status_code == 200
    assert response.json()["number"] == "1234567"


def test_delete_own_number(customer_api, customer, airline):
    entry = FrequentFlyerNumber.objects.create(customer=customer, airline=airline, number="1234567")

    response = customer_api.delete(detail_url(entry.pk))

    assert response.status_code == 204
    assert not FrequentFlyerNumber.objects.filter(pk=entry.pk).exists()
    activity = CustomerActivity.objects.filter(customer=customer).order_by("-pk").first()
    assert activity.kind == CustomerActivity.Kind.PROFILE_CHANGED
    assert activity.detail == {"fields": ["frequent_flyer_numbers"]}


@pytest.mark.parametrize("method", ["get", "delete"])
def test_another_customers_number_is_not_found(customer_api, other_customer, airline, method):
    entry = FrequentFlyerNumber.objects.create(
        customer=other_customer, airline=airline, number="99999999"
    )
    before = stored_numbers()

    response = getattr(customer_api, method)(detail_url(entry.pk))

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert stored_numbers() == before


@pytest.mark.parametrize("method", ["put", "patch"])
def test_numbers_cannot_be_edited(customer_api, customer, airline, method):
    entry = FrequentFlyerNumber.objects.create(customer=customer, airline=airline, number="1234567")
    before = stored_numbers()

    response = getattr(customer_api, method)(
        detail_url(entry.pk), {"airline": "EK", "number": "7654321"}, format="json"
    )

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert stored_numbers() == before


def test_deleting_a_companion_deletes_its_numbers(customer_api, customer, airline, companion):
    FrequentFlyerNumber.objects.create(
        customer=customer, companion=companion, airline=airline, number="1234567"
    )

    response = customer_api.delete(f"/api/v1/customer/companions/{companion.pk}/")

    assert response.status_code == 204
    assert not TravelCompanion.objects.filter(pk=companion.pk).exists()
    assert not FrequentFlyerNumber.objects.exists()
