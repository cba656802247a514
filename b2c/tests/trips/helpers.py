"""Dates, bookings and a snapshot of everything a refused trip action must leave as it was."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from b2c.models import Trip, TripActivity, TripDay, TripMember
from b2c.tests.referrals.helpers import booking_for
from bookings.models import Booking, BookingSegment
from core.testing.inventory import flight_with_fare


def days_ahead(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def flight_booking(customer, legs, *, status=Booking.Status.CONFIRMED, **booking_fields) -> Booking:
    """A booking of the flights `legs` gives as (origin, destination, departure UTC, number)."""
    booking = booking_for(customer, status=status, **booking_fields)
    for position, (origin, destination, departure, number) in enumerate(legs):
        fare = flight_with_fare(origin, destination, departure, number=number)
        BookingSegment.objects.create(
            booking=booking,
            fare=fare,
            flight=fare.flight,
            direction=(
                BookingSegment.Direction.OUTBOUND
                if position == 0
                else BookingSegment.Direction.INBOUND
            ),
            position=position,
            cabin=fare.cabin,
            brand=fare.brand,
            adult_base=Decimal("400.00"),
            adult_taxes=Decimal("100.00"),
            refundable=False,
            refund_fee=Decimal("0"),
        )
    return booking


def snapshot() -> dict:
    """Every trip row that a refused action must not touch."""
    return {
        "trips": list(Trip.objects.order_by("id").values()),
        "days": list(TripDay.objects.order_by("id").values()),
        "activities": list(TripActivity.objects.order_by("id").values()),
        "members": list(TripMember.objects.order_by("id").values()),
        "destinations": list(Trip.destinations.through.objects.order_by("id").values()),
        "companions": list(Trip.companions.through.objects.order_by("id").values()),
    }
