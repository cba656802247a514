"""Paid bookings on one flight (EK1 DXB → LHR, 10 March 2030 04:00 UTC, 08:00 in Dubai), built
through the same services a customer uses (bookings.tests.test_booking_flow)."""

import datetime as dt
from decimal import Decimal

from b2c.models import WalletTransaction
from b2c.services.wallet import wallet_credit
from bookings.models import Booking
from bookings.tests.test_booking_flow import DAY, DEPARTURE, NOW, card, hold
from core.testing.inventory import flight_with_fare, offer_for
from flights.models import Fare
from payments.services import booking_pay

__all__ = ["DAY", "DEPARTURE", "NOW", "flight_fare", "paid_booking", "held_booking"]

ARRIVAL = DEPARTURE + dt.timedelta(minutes=460)  # 11:40 UTC, 11:40 in London


def flight_fare(origin="DXB", destination="LHR", departure=DEPARTURE, **kwargs) -> Fare:
    """A non-refundable fare of 400 + 100 taxes on a new flight."""
    return flight_with_fare(origin, destination, departure, seats=9, **kwargs)


def held_booking(customer, origin="DXB", destination="LHR") -> Booking:
    return hold(customer, offer_for(origin, destination, DAY))


def paid_booking(customer, origin="DXB", destination="LHR", wallet: str = "0") -> Booking:
    """A confirmed booking of 500.00, paid by card (and `wallet` of it from the wallet)."""
    booking = held_booking(customer, origin, destination)
    if Decimal(wallet):
        wallet_credit(
            wallet=customer.wallet,
            amount=Decimal(wallet),
            kind=WalletTransaction.Kind.TOP_UP,
            idempotency_key=f"fund-{booking.pk}",
        )
    booking_pay(
        booking=booking,
        idempotency_key=f"pay-{booking.pk}",
        card=card(),
        wallet_amount=Decimal(wallet),
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    return booking
