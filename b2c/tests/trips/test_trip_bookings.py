import datetime as dt

import pytest

from b2c.models import TripActivity
from b2c.services.trips import trip_attach_booking, trip_create
from b2c.tests.trips.helpers import flight_booking, snapshot
from bookings.models import Booking
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory
from flights.models import Flight

pytestmark = pytest.mark.django_db

UTC = dt.UTC
OUT = ("DXB", "LHR", dt.datetime(2026, 12, 20, 6, 0, tzinfo=UTC), 1)  # 10:00 in Dubai
BACK = ("LHR", "DXB", dt.datetime(2026, 12, 24, 22, 30, tzinfo=UTC), 2)  # arrives 25th


def flights(trip):
    return list(
        TripActivity.objects.filter(trip=trip)
        .order_by("day__date", "position")
        .values_list(
            "kind", "day__date", "title", "place", "time_zone", "start_time", "notes",
            "booking_reference", "segment__position",
        )
    )  # fmt: skip


def test_a_booking_makes_a_trip_with_its_flights_at_local_times(customer):
    booking = flight_booking(customer, [OUT, BACK])

    trip = trip_attach_booking(customer=customer, booking_id=booking.pk)

    assert (trip.name, trip.start_date, trip.end_date, trip.owner) == (
        "London",
        dt.date(2026, 12, 20),
        dt.date(2026, 12, 25),
        customer,
    )
    assert trip.days.count() == 6
    assert [a.iata_code for a in trip.destinations.all()] == ["LHR"]
    ref = booking.reference
    assert flights(trip) == [
        ("flight", dt.date(2026, 12, 20), "EK1 Dubai → London", "Dubai Airport (DXB)",
         "Asia/Dubai", dt.time(10, 0), "Arrives London (LHR) at 13:40 on 2026-12-20, local time.",
         ref, 0),
        ("flight", dt.date(2026, 12, 24), "EK2 London → Dubai", "London Airport (LHR)",
         "Europe/London", dt.time(22, 30),
         "Arrives Dubai (DXB) at 10:10 on 2026-12-25, local time.", ref, 1),
    ]  # fmt: skip


def test_a_departure_after_midnight_local_is_on_the_next_day(customer):
    # 22:30 UTC on the 20th is 02:30 on the 21st in Dubai.
    booking = flight_booking(
        customer, [("DXB", "LHR", dt.datetime(2026, 12, 20, 22, 30, tzinfo=UTC), 7)]
    )

    trip = trip_attach_booking(customer=customer, booking_id=booking.pk)

    assert trip.start_date == dt.date(2026, 12, 21)
    assert [(row[1], row[5]) for row in flights(trip)] == [(dt.date(2026, 12, 21), dt.time(2, 30))]


def test_attaching_to_a_trip_stretches_its_dates_and_is_idempotent(customer):
    trip = trip_create(
        customer=customer,
        name="Winter",
        start_date=dt.date(2026, 12, 21),
        end_date=dt.date(2026, 12, 23),
    )
    booking = flight_booking(customer, [OUT, BACK])

    trip_attach_booking(customer=customer, booking_id=booking.pk, trip_id=trip.pk)
    trip_attach_booking(customer=customer, booking_id=booking.pk, trip_id=trip.pk)

    trip.refresh_from_db()
    assert (trip.name, trip.start_date, trip.end_date) == (
        "Winter",
        dt.date(2026, 12, 20),
        dt.date(2026, 12, 25),
    )
    assert [d.date for d in trip.days.order_by("date")] == [
        dt.date(2026, 12, d) for d in range(20, 26)
    ]
    assert [(row[1], row[2]) for row in flights(trip)] == [
        (dt.date(2026, 12, 20), "EK1 Dubai → London"),
        (dt.date(2026, 12, 24), "EK2 London → Dubai"),
    ]


def test_someone_elses_booking_or_trip_is_refused_and_nothing_changes(customer):
    stranger = CustomerFactory()
    theirs = flight_booking(stranger, [OUT])
    mine = flight_booking(customer, [BACK])
    their_trip = trip_create(
        customer=stranger, name="Theirs", start_date=dt.date(2026, 12, 20),
        end_date=dt.date(2026, 12, 22),
    )  # fmt: skip
    held = flight_booking(customer, [("DXB", "LHR", OUT[2], 9)], status=Booking.Status.HELD)
    before = snapshot()

    with pytest.raises(ApplicationError) as not_mine:
        trip_attach_booking(customer=customer, booking_id=theirs.pk)
    with pytest.raises(ApplicationError) as not_confirmed:
        trip_attach_booking(customer=customer, booking_id=held.pk)
    with pytest.raises(ApplicationError) as their:
        trip_attach_booking(customer=customer, booking_id=mine.pk, trip_id=their_trip.pk)

    assert not_mine.value.extra == {"booking_id": ["This booking is not one of yours."]}
    assert not_confirmed.value.extra == {
        "booking_id": ["Only a confirmed booking can be added to a trip."]
    }
    assert their.value.message == "This trip does not exist or is not shared with you."
    assert snapshot() == before


def test_a_cancelled_booking_leaves_the_trip(customer):
    booking = flight_booking(customer, [OUT, BACK])
    trip = trip_attach_booking(customer=customer, booking_id=booking.pk)

    booking.status = Booking.Status.CANCELLED
    booking.save()

    assert flights(trip) == []
    assert trip.days.count() == 6


def test_a_retimed_flight_moves_its_activity(customer):
    booking = flight_booking(customer, [OUT, BACK])
    trip = trip_attach_booking(customer=customer, booking_id=booking.pk)
    flight = Flight.objects.get(booking_segments__booking=booking, booking_segments__position=0)

    flight.departure_at += dt.timedelta(hours=15)  # 01:00 on the 21st in Dubai
    flight.arrival_at += dt.timedelta(hours=15)
    flight.save()

    assert [(row[1], row[5], row[6]) for row in flights(trip)][0] == (
        dt.date(2026, 12, 21),
        dt.time(1, 0),
        "Arrives London (LHR) at 04:40 on 2026-12-21, local time.",
    )
    assert TripActivity.objects.get(trip=trip, segment__position=0).position == 0


def test_attaching_again_without_a_trip_answers_the_trip_it_is_in(customer):
    booking = flight_booking(customer, [OUT, BACK])
    first = trip_attach_booking(customer=customer, booking_id=booking.pk)

    again = trip_attach_booking(customer=customer, booking_id=booking.pk)

    assert again == first
    assert TripActivity.objects.filter(booking=booking).count() == 2
