"""Points through the real booking flow: paid -> pending, flown -> available and the tier rises;
a cancelled booking's pending points are voided."""

import pytest
from freezegun import freeze_time

from b2c.models import Customer, LoyaltyTransaction
from b2c.selectors.loyalty import loyalty_ledgers_verify
from b2c.tests.loyalty.helpers import balances, program
from bookings.services import booking_cancel, booking_cancel_quote, bookings_complete
from bookings.tests.test_booking_flow import DAY, DEPARTURE, NOW, card, hold
from core.testing.inventory import flight_with_fare, offer_for
from payments.services import booking_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def fare(db):
    return flight_with_fare("DXB", "LHR", DEPARTURE, seats=5, refundable=True, refund_fee="50")


def test_a_paid_trip_earns_pending_points_that_become_available_once_flown(customer, fare):
    program(silver_threshold=900)
    with freeze_time(NOW):
        booking = hold(customer, offer_for("DXB", "LHR", DAY))
        booking_pay(booking=booking, idempotency_key="k1", card=card())

    assert balances(customer) == (0, 1000)  # 500 USD x 2 points
    assert LoyaltyTransaction.objects.get().status == "pending"

    with freeze_time("2030-03-10 11:41:00"):
        assert bookings_complete() == 1

    assert balances(customer) == (1000, 0)
    lot = LoyaltyTransaction.objects.get(status="posted")
    assert (lot.kind, lot.points, lot.remaining, lot.booking_id) == ("earn", 1000, 1000, booking.pk)
    assert Customer.objects.get(pk=customer.pk).loyalty_tier == "silver"
    assert loyalty_ledgers_verify() == []


@freeze_time(NOW)
def test_cancelling_a_paid_booking_voids_its_pending_points(customer, fare):
    program()
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    booking_pay(booking=booking, idempotency_key="k1", card=card())

    quote = booking_cancel_quote(booking=booking)
    booking_cancel(booking=booking, quote_token=quote.token)

    assert LoyaltyTransaction.objects.get().status == "voided"
    assert balances(customer) == (0, 0)
    assert loyalty_ledgers_verify() == []
