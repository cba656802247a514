import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from b2c.selectors.trips import (
    TripNotFound,
    trip_budget,
    trip_days_with_activities,
    trip_for_viewer,
    trips_for_customer,
)
from b2c.services.trips import (
    activity_create,
    member_invite,
    trip_attach_booking,
    trip_create,
)
from b2c.tests.trips.helpers import days_ahead, flight_booking
from core.testing.factories import CustomerFactory
from core.testing.inventory import airport
from payments.fx import rates_cache_clear
from payments.models import ExchangeRate

pytestmark = pytest.mark.django_db


def a_trip(customer, n=0, **fields):
    return trip_create(
        customer=customer,
        name=f"Trip {n}",
        start_date=days_ahead(10 + n),
        end_date=days_ahead(12 + n),
        **fields,
    )


def rate(base, quote, value):
    ExchangeRate.objects.create(
        base=base, quote=quote, rate=Decimal(value), source="test", fetched_at=timezone.now()
    )
    rates_cache_clear()


def test_the_budget_adds_costs_and_bookings_in_the_trips_currency(customer):
    rate("EUR", "USD", "1.0850")
    rate("USD", "AED", "3.6725")
    booking = flight_booking(
        customer,
        [("DXB", "LHR", dt.datetime(2026, 12, 20, 6, 0, tzinfo=dt.UTC), 1)],
        currency="EUR",
        base="400.00",
        taxes="100.00",
        discount="50.00",
    )
    trip = trip_attach_booking(customer=customer, booking_id=booking.pk)
    trip.currency = "USD"
    trip.save()
    day = dt.date(2026, 12, 20)
    for cost, currency in (("36.73", "AED"), ("100.00", "AED"), ("20.00", "EUR"), ("900", "JPY")):
        activity_create(
            customer=customer, trip_id=trip.pk, day_date=day, title="Spend",
            cost=Decimal(cost), cost_currency=currency,
        )  # fmt: skip

    budget = trip_budget(trip=trip)

    # EUR 450.00 (the booking's amount due) + 20.00 = 470.00 at 1.0850 = USD 509.95;
    # AED 136.73 / 3.6725 = USD 37.23; JPY has no rate.
    assert budget.by_currency == {
        "AED": Decimal("136.73"),
        "EUR": Decimal("470.00"),
        "JPY": Decimal("900"),
    }
    assert budget.unconverted == ["JPY"]
    assert (budget.currency, budget.total) == ("USD", Decimal("547.18"))


def test_a_cancelled_booking_leaves_the_budget(customer):
    booking = flight_booking(
        customer, [("DXB", "LHR", dt.datetime(2026, 12, 20, 6, 0, tzinfo=dt.UTC), 1)]
    )
    trip = trip_attach_booking(customer=customer, booking_id=booking.pk)
    trip.currency = "USD"
    trip.save()
    assert trip_budget(trip=trip).total == Decimal("500.00")

    booking.status = booking.Status.CANCELLED
    booking.save()

    assert (trip_budget(trip=trip).total, trip_budget(trip=trip).by_currency) == (
        Decimal("0.00"),
        {},
    )


def test_trips_for_customer_lists_owned_and_shared_trips_in_constant_queries(
    customer, django_assert_num_queries
):
    airport("DXB")
    airport("LHR")
    owner = CustomerFactory()
    a_trip(customer, 0, destination_codes=["DXB", "LHR"])
    theirs = a_trip(owner, 1, destination_codes=["LHR"])
    member_invite(customer=owner, trip_id=theirs.pk, email=customer.user.email, role="viewer")
    a_trip(owner, 2)  # not shared with the customer

    def read():
        return [
            (t.name, t.owner.user.email, [a.iata_code for a in t.destinations.all()])
            for t in trips_for_customer(customer=customer)
        ]

    with django_assert_num_queries(2):
        rows = read()
    assert rows == [
        ("Trip 0", customer.user.email, ["DXB", "LHR"]),
        ("Trip 1", owner.user.email, ["LHR"]),
    ]

    for n in range(3, 6):
        a_trip(customer, n, destination_codes=["DXB"])
    with django_assert_num_queries(2):
        assert len(read()) == 5


def test_days_with_activities_in_constant_queries(customer, django_assert_num_queries):
    trip = a_trip(customer)

    def read():
        return [
            (d.date, [a.title for a in d.activities.all()])
            for d in trip_days_with_activities(trip=trip)
        ]

    with django_assert_num_queries(2):
        assert read() == [(days_ahead(n), []) for n in (10, 11, 12)]
    for n, title in ((10, "B"), (10, "C"), (12, "D")):
        activity_create(customer=customer, trip_id=trip.pk, day_date=days_ahead(n), title=title)
    with django_assert_num_queries(2):
        assert read() == [
            (days_ahead(10), ["B", "C"]),
            (days_ahead(11), []),
            (days_ahead(12), ["D"]),
        ]


def test_a_trip_is_seen_by_its_owner_and_members_only(customer):
    stranger = CustomerFactory()
    trip = a_trip(customer)

    assert trip_for_viewer(customer=customer, trip_id=trip.pk) == trip
    with pytest.raises(TripNotFound):
        trip_for_viewer(customer=stranger, trip_id=trip.pk)
    member_invite(customer=customer, trip_id=trip.pk, email=stranger.user.email, role="viewer")
    assert trip_for_viewer(customer=stranger, trip_id=trip.pk) == trip
