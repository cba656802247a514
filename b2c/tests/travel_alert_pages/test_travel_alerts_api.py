import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from b2c.models import CustomerWallet
from b2c.tests.travel_alert_pages.helpers import (
    NOW,
    advisory,
    change_for,
    reminder_for,
    snapshot,
    trip,
)
from core.testing.api import NOT_FOUND

pytestmark = pytest.mark.django_db

NOW_UTC = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


def test_the_list_is_the_customers_own_newest_first(customer_api, customer, other_customer):
    booking = trip(customer)
    change = change_for(booking)
    reminder = reminder_for(booking)
    change_for(trip(other_customer))

    response = customer_api.get("/api/v1/travel-alerts/")

    assert response.status_code == 200
    assert (response.data["count"], response.data["next"]) == (2, None)
    assert [row["id"] for row in response.data["results"]] == [reminder.pk, change.pk]
    assert response.json()["results"][0] == {
        "id": reminder.pk, "kind": "reminder", "reminder": "24h", "change": "", "state": "info",
        "title": "24 hours before departure", "booking_id": booking.pk,
        "booking_reference": booking.reference, "flight": "EK1", "airline": "Emirates",
        "origin": "DXB", "destination": "LHR",
        "departure_at": "2030-03-10T04:00:00Z", "departure_local": "2030-03-10T08:00:00+04:00",
        "arrival_at": "2030-03-10T11:40:00Z", "arrival_local": "2030-03-10T11:40:00+00:00",
        "previous_departure_at": None, "previous_departure_local": None,
        "previous_arrival_at": None, "previous_arrival_local": None,
        "new_departure_at": None, "new_departure_local": None,
        "new_arrival_at": None, "new_arrival_local": None,
        "answered_at": None, "created_at": "2030-03-01T09:00:00Z", "refund_amount": None,
        "currency": "USD",
    }  # fmt: skip
    assert response.data["results"][1]["refund_amount"] == "500.00"


def test_the_detail_of_a_change_has_both_times_and_the_refund(customer_api, customer):
    change = change_for(trip(customer))

    data = customer_api.get(f"/api/v1/travel-alerts/{change.pk}/").json()

    assert {key: data[key] for key in (
        "kind", "change", "state", "title", "previous_departure_at", "previous_departure_local",
        "new_departure_at", "new_departure_local", "previous_arrival_local", "new_arrival_local",
        "refund_amount", "currency",
    )} == {
        "kind": "flight_change", "change": "retimed", "state": "awaiting", "title": "New times",
        "previous_departure_at": "2030-03-10T04:00:00Z",
        "previous_departure_local": "2030-03-10T08:00:00+04:00",
        "new_departure_at": "2030-03-10T06:00:00Z",
        "new_departure_local": "2030-03-10T10:00:00+04:00",
        "previous_arrival_local": "2030-03-10T11:40:00+00:00",
        "new_arrival_local": "2030-03-10T13:40:00+00:00",
        "refund_amount": "500.00", "currency": "USD",
    }  # fmt: skip


def test_someone_elses_alert_is_404_and_unchanged(customer_api, other_customer):
    change = change_for(trip(other_customer))
    before = snapshot(change)

    responses = [
        customer_api.get(f"/api/v1/travel-alerts/{change.pk}/"),
        customer_api.post(f"/api/v1/travel-alerts/{change.pk}/accept/"),
        customer_api.post(
            f"/api/v1/travel-alerts/{change.pk}/refund/", {"refund_to": "card"}, format="json"
        ),
    ]

    assert [(r.status_code, r.json()) for r in responses] == [(404, NOT_FOUND)] * 3
    assert snapshot(change) == before


def test_accept(customer_api, customer):
    change = change_for(trip(customer))

    response = customer_api.post(f"/api/v1/travel-alerts/{change.pk}/accept/")

    assert response.status_code == 200
    assert (response.data["state"], response.data["answered_at"]) == (
        "accepted", "2030-03-01T09:00:00Z",
    )  # fmt: skip
    assert response.data["refund_amount"] is None
    assert snapshot(change)[:3] == ("accepted", NOW_UTC, "confirmed")


def test_refund_to_the_wallet(customer_api, customer, django_capture_on_commit_callbacks):
    booking = trip(customer)
    change = change_for(booking)

    with django_capture_on_commit_callbacks(execute=True):
        response = customer_api.post(
            f"/api/v1/travel-alerts/{change.pk}/refund/", {"refund_to": "wallet"}, format="json"
        )

    assert response.status_code == 200
    assert response.data["state"] == "refunded"
    state, answered_at, status, refunded, refunds = snapshot(change)
    assert (state, answered_at, status, refunded, refunds) == (
        "refunded", NOW_UTC, "cancelled", Decimal("500.000"), 1,
    )  # fmt: skip
    wallet = CustomerWallet.objects.get(customer=customer)
    assert (wallet.currency, wallet.balance) == ("USD", Decimal("500.000"))


def test_a_bad_refund_destination_is_400_and_changes_nothing(customer_api, customer):
    change = change_for(trip(customer))
    before = snapshot(change)

    response = customer_api.post(
        f"/api/v1/travel-alerts/{change.pk}/refund/", {"refund_to": "cheque"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"error": {
        "code": "invalid", "message": "The request has invalid fields.",
        "fields": {"refund_to": ['"cheque" is not a valid choice.']},
    }}  # fmt: skip
    assert snapshot(change) == before


def test_a_refused_answer_is_400_with_the_reason(customer_api, customer):
    change = change_for(trip(customer), change="cancelled")
    before = snapshot(change)

    response = customer_api.post(f"/api/v1/travel-alerts/{change.pk}/accept/")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["This flight was cancelled: cancel your booking for a full refund."]
    }
    assert snapshot(change) == before


def test_signing_in_is_needed_for_alerts_but_not_for_advisories(api_client):
    advisory("GB", severity="avoid", title="Flooding", valid_until=NOW_UTC + 24 * HOUR)
    advisory("FR", title="Over", valid_from=NOW_UTC - 2 * HOUR, valid_until=NOW_UTC - HOUR)
    advisory("AE", severity="info", title="Ramadan hours")

    assert api_client.get("/api/v1/travel-alerts/").status_code == 401
    response = api_client.get("/api/v1/advisories/")

    assert response.status_code == 200
    assert response.data["count"] == 2
    assert [
        {key: row[key] for key in ("country", "country_name", "severity", "severity_label",
                                   "title", "valid_from", "valid_until")}
        for row in response.json()["results"]
    ] == [
        {"country": "AE", "country_name": "United Arab Emirates", "severity": "info",
         "severity_label": "Information", "title": "Ramadan hours", "valid_from": None,
         "valid_until": None},
        {"country": "GB", "country_name": "United Kingdom", "severity": "avoid",
         "severity_label": "Avoid travel", "title": "Flooding", "valid_from": None,
         "valid_until": "2030-03-02T09:00:00Z"},
    ]  # fmt: skip


def test_the_schema_documents_the_endpoints(api_client):
    schema = api_client.get("/api/schema/").content.decode()

    for path in ("/api/v1/travel-alerts/{alert_id}/refund/", "/api/v1/advisories/"):
        assert path in schema
