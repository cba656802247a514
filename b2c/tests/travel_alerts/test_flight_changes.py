import datetime as dt

import pytest
from django.core import mail
from freezegun import freeze_time

from b2c.models import TravelAlert
from b2c.services.travel_alerts import travel_alerts_flight_changed
from b2c.tests.travel_alerts.helpers import (
    ARRIVAL,
    DEPARTURE,
    NOW,
    flight_fare,
    held_booking,
    paid_booking,
)
from bookings.models import Booking
from core.testing.factories import CustomerFactory
from core.testing.inventory import airline, airport
from flights.models import Flight
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

State = TravelAlert.State
LATER = dt.timedelta(hours=2)


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def flight(db):
    return flight_fare().flight


@pytest.fixture
def travellers(flight):
    """Two confirmed bookings on the flight, one only held, one cancelled."""
    confirmed = [paid_booking(CustomerFactory()), paid_booking(CustomerFactory())]
    held_booking(CustomerFactory())
    cancelled = paid_booking(CustomerFactory())
    Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CANCELLED)
    return confirmed


@pytest.fixture
def save(django_capture_on_commit_callbacks):
    """Save the flight as the admin does, the outbox delivering after the commit."""

    def save_flight(flight, **changes):
        flight = Flight.objects.get(pk=flight.pk)
        for field, value in changes.items():
            setattr(flight, field, value)
        with django_capture_on_commit_callbacks(execute=True):
            flight.save()
        return flight

    return save_flight


def changes():
    return TravelAlert.objects.filter(kind=TravelAlert.Kind.FLIGHT_CHANGE).order_by("pk")


def test_a_retimed_flight_alerts_each_confirmed_booking_once(flight, travellers, save):
    save(flight, departure_at=DEPARTURE + LATER, arrival_at=ARRIVAL + LATER)

    alerts = list(changes())
    assert [(a.booking, a.customer, a.flight, a.change, a.state) for a in alerts] == [
        (b, b.customer, flight, TravelAlert.Change.RETIMED, State.AWAITING) for b in travellers
    ]
    assert [
        (a.previous_departure_at, a.previous_arrival_at, a.new_departure_at, a.new_arrival_at)
        for a in alerts
    ] == [(DEPARTURE, ARRIVAL, DEPARTURE + LATER, ARRIVAL + LATER)] * 2
    told = Notification.objects.filter(kind=Kind.FLIGHT_CHANGE).order_by("pk")
    assert [(n.user, n.url) for n in told] == [
        (b.customer.user, f"/alerts/travel/{a.pk}/")
        for a, b in zip(alerts, travellers, strict=True)
    ]
    first = told[0]
    assert first.title == "New times for EK1 DXB → LHR"
    # Local times at Dubai: 08:00 becomes 10:00.
    assert first.body == (
        "Your flight now leaves at Mar 10, 2030, 10:00\u202fAM instead of "
        "Mar 10, 2030, 8:00\u202fAM (local times). Accept the change or cancel booking "
        f"{travellers[0].reference} for a full refund."
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.customer.user.email for b in travellers)
    email = next(m for m in mail.outbox if m.to == [travellers[0].customer.user.email])
    assert email.subject == "New times for EK1 DXB → LHR"
    assert (
        "Departure (local time): Mar 10, 2030, 8:00\u202fAM → Mar 10, 2030, 10:00\u202fAM"
        in email.body
    )
    assert (
        "Arrival (local time): Mar 10, 2030, 11:40\u202fAM → Mar 10, 2030, 1:40\u202fPM"
        in email.body
    )


def test_a_second_retime_supersedes_the_unanswered_first(flight, travellers, save):
    save(flight, departure_at=DEPARTURE + LATER, arrival_at=ARRIVAL + LATER)
    save(flight, departure_at=DEPARTURE + 2 * LATER, arrival_at=ARRIVAL + 2 * LATER)

    assert [(a.booking, a.state, a.new_departure_at) for a in changes()] == [
        (travellers[0], State.SUPERSEDED, DEPARTURE + LATER),
        (travellers[1], State.SUPERSEDED, DEPARTURE + LATER),
        (travellers[0], State.AWAITING, DEPARTURE + 2 * LATER),
        (travellers[1], State.AWAITING, DEPARTURE + 2 * LATER),
    ]
    assert Notification.objects.filter(kind=Kind.FLIGHT_CHANGE).count() == 4


def test_a_flight_cancelled_in_the_inventory_alerts_its_passengers(flight, travellers, save):
    save(flight, status=Flight.Status.CANCELLED)

    alerts = list(changes())
    assert [(a.booking, a.change, a.state) for a in alerts] == [
        (b, TravelAlert.Change.CANCELLED, State.AWAITING) for b in travellers
    ]
    assert (alerts[0].previous_departure_at, alerts[0].new_departure_at) == (DEPARTURE, None)
    notification = Notification.objects.filter(user=travellers[0].customer.user).get()
    assert notification.title == "EK1 DXB → LHR has been cancelled"
    assert notification.body == (
        "Your flight on Mar 10, 2030, 8:00\u202fAM was cancelled by the airline. Cancel your "
        f"booking {travellers[0].reference} for a full refund."
    )


def test_saving_again_or_changing_other_fields_alerts_nobody(flight, travellers, save):
    save(flight)
    save(flight, aircraft="Airbus A380")
    cancelled = save(flight, status=Flight.Status.CANCELLED)
    save(cancelled, departure_at=DEPARTURE + LATER, arrival_at=ARRIVAL + LATER)

    assert [a.change for a in changes()] == [TravelAlert.Change.CANCELLED] * 2


def test_a_new_flight_costs_no_extra_query(db, django_assert_num_queries):
    values = {
        "airline": airline("EK"), "number": 7, "origin": airport("DXB"),
        "destination": airport("LHR"), "departure_at": DEPARTURE, "arrival_at": ARRIVAL,
        "aircraft": "Boeing 777-300ER", "distance_km": 5500,
    }  # fmt: skip
    with django_assert_num_queries(1):
        flight = Flight.objects.create(**values)
    with django_assert_num_queries(1):  # other fields only: the stored times are not read
        flight.save(update_fields=["aircraft"])
    with django_assert_num_queries(3):  # the stored times, the update, the bookings on it
        flight.departure_at += LATER
        flight.arrival_at += LATER
        flight.save()
    assert not changes().exists()


def test_a_bulk_update_tells_nobody(flight, travellers):
    Flight.objects.filter(pk=flight.pk).update(status=Flight.Status.CANCELLED)

    assert not changes().exists()


def test_the_service_called_twice_for_one_change_adds_nothing(flight, travellers):
    Flight.objects.filter(pk=flight.pk).update(
        departure_at=DEPARTURE + LATER, arrival_at=ARRIVAL + LATER
    )
    flight.refresh_from_db()
    arguments = {
        "flight": flight,
        "previous_departure_at": DEPARTURE,
        "previous_arrival_at": ARRIVAL,
        "previous_status": Flight.Status.SCHEDULED,
    }

    assert len(travel_alerts_flight_changed(**arguments)) == 2
    assert travel_alerts_flight_changed(**arguments) == []
    assert [a.state for a in changes()] == [State.AWAITING, State.AWAITING]
    assert Notification.objects.count() == 0  # nothing relayed: no commit in this test


def test_a_flight_moved_back_and_forth_is_told_each_time(flight, travellers, save):
    later = {"departure_at": DEPARTURE + LATER, "arrival_at": ARRIVAL + LATER}
    save(flight, **later)
    save(flight, departure_at=DEPARTURE, arrival_at=ARRIVAL)
    save(flight, **later)

    mine = [(a.state, a.new_departure_at) for a in changes().filter(booking=travellers[0])]
    assert mine == [
        (State.SUPERSEDED, DEPARTURE + LATER),
        (State.SUPERSEDED, DEPARTURE),
        (State.AWAITING, DEPARTURE + LATER),
    ]
    assert Notification.objects.filter(user=travellers[0].customer.user).count() == 3


def test_a_retimed_flight_moves_the_bookings_first_departure(flight, travellers, save):
    save(flight, departure_at=DEPARTURE + LATER, arrival_at=ARRIVAL + LATER)

    assert [b.departure_at for b in Booking.objects.filter(pk__in=[b.pk for b in travellers])] == [
        DEPARTURE + LATER,
        DEPARTURE + LATER,
    ]
