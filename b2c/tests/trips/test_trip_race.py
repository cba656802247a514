"""A double click on "add to a trip": concurrent attaches of one booking on PostgreSQL."""

import pytest

from b2c.models import Trip, TripActivity
from b2c.services.trips import trip_attach_booking
from b2c.tests.trips.helpers import flight_booking
from b2c.tests.trips.test_trip_bookings import BACK, OUT
from core.testing.concurrency import race
from core.testing.factories import CustomerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_concurrent_attaches_make_one_trip_with_each_flight_once():
    customer = CustomerFactory()
    booking = flight_booking(customer, [OUT, BACK])

    outcomes, errors = race(
        10, lambda _i: trip_attach_booking(customer=customer, booking_id=booking.pk).pk
    )

    assert errors == []
    assert Trip.objects.filter(owner=customer).count() == 1
    assert set(outcomes) == {Trip.objects.get(owner=customer).pk}
    assert TripActivity.objects.filter(booking=booking).count() == 2
