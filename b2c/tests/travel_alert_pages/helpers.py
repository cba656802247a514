"""Travel alerts for the page, API and admin tests, made directly (b2c/tests/travel_alerts tests
the services that make them), on confirmed bookings paid by card."""

import datetime as dt

from b2c.models import TravelAlert
from core.testing.inventory import flight_with_fare
from flights.models import Flight
from payments.tests.test_refund_retry import DEPARTURE, paid_booking

NOW = "2030-03-01 09:00:00"
GOOD_CARD = "4242424242424242"
HOUR = dt.timedelta(hours=1)
# DEPARTURE is 04:00 UTC on 10 March 2030 (08:00 in Dubai); the flight lands 7 h 40 min later
# (11:40 in London).
ARRIVAL = DEPARTURE + dt.timedelta(minutes=460)


def trip(customer):
    """A confirmed booking of 500.00 USD paid by card, on EK1 DXB → LHR."""
    if not Flight.objects.exists():
        flight_with_fare("DXB", "LHR", DEPARTURE)
    return paid_booking(customer, GOOD_CARD)


def change_for(booking, *, change="retimed", state="awaiting", later=2 * HOUR) -> TravelAlert:
    """The booking's flight moved `later` (or was cancelled), awaiting the customer's answer."""
    retimed = change == TravelAlert.Change.RETIMED
    return TravelAlert.objects.create(
        kind=TravelAlert.Kind.FLIGHT_CHANGE,
        customer=booking.customer,
        booking=booking,
        flight=booking.segments.get().flight,
        change=change,
        state=state,
        previous_departure_at=DEPARTURE,
        previous_arrival_at=ARRIVAL,
        new_departure_at=DEPARTURE + later if retimed else None,
        new_arrival_at=ARRIVAL + later if retimed else None,
    )


def reminder_for(booking, *, reminder="24h") -> TravelAlert:
    return TravelAlert.objects.create(
        kind=TravelAlert.Kind.REMINDER,
        customer=booking.customer,
        booking=booking,
        flight=booking.segments.get().flight,
        reminder=reminder,
    )


def advisory(country="GB", *, severity="caution", title="Rail strikes", **kwargs) -> TravelAlert:
    values = {
        "kind": TravelAlert.Kind.ADVISORY, "country": country, "severity": severity,
        "title": title, "body": "Trains between the airport and the city may not run.",
    } | kwargs  # fmt: skip
    return TravelAlert.objects.create(**values)


def snapshot(alert: TravelAlert) -> tuple:
    """What an answer changes: the alert, its booking and the money returned."""
    alert.refresh_from_db()
    booking = alert.booking
    booking.refresh_from_db()
    return (
        alert.state, alert.answered_at, booking.status, booking.refunded_total,
        booking.payments.get().refunds.count(),
    )  # fmt: skip
