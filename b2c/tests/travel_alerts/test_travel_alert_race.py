"""Accepting and cancelling one flight change at once, on PostgreSQL: one answer wins, the
booking is refunded once or not at all."""

from decimal import Decimal

import pytest
from freezegun import freeze_time

from b2c.models import Customer, TravelAlert
from b2c.services.travel_alerts import travel_alert_accept, travel_alert_refund
from b2c.tests.travel_alerts.helpers import ARRIVAL, DEPARTURE, NOW, flight_fare, paid_booking
from bookings.models import Booking
from core.testing.concurrency import race
from core.testing.factories import CustomerFactory
from flights.models import Flight
from payments.models import Refund

State = TravelAlert.State


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_and_refunds_of_one_change_settle_on_one_answer():
    with freeze_time(NOW):
        fare = flight_fare()
        customer = CustomerFactory()
        booking = paid_booking(customer, wallet="200.00")
        flight = Flight.objects.get(pk=fare.flight_id)
        flight.departure_at, flight.arrival_at = DEPARTURE.replace(hour=6), ARRIVAL.replace(hour=13)
        flight.save()
        alert = TravelAlert.objects.get(booking=booking, state=State.AWAITING)

        def answer(index: int):
            customer_now = Customer.objects.get(pk=customer.pk)
            if index % 2:
                return travel_alert_accept(customer=customer_now, alert_id=alert.pk).state
            return travel_alert_refund(customer=customer_now, alert_id=alert.pk).state

        outcomes, errors = race(12, answer)

    assert errors == []
    alert.refresh_from_db()
    booking.refresh_from_db()
    if alert.state == State.REFUNDED:
        assert set(outcomes) <= {
            State.REFUNDED,
            "This booking was already cancelled with a full refund.",
        }
        assert booking.status == Booking.Status.CANCELLED
        assert booking.refunded_total == Decimal("500.000")
        assert sorted(Refund.objects.values_list("amount", flat=True)) == [
            Decimal("200.000"),
            Decimal("300.000"),
        ]
    else:
        assert alert.state == State.ACCEPTED
        assert set(outcomes) <= {State.ACCEPTED, "You have already accepted this change."}
        assert booking.status == Booking.Status.CONFIRMED
        assert not Refund.objects.exists()
