import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from b2c.models import Trip, TripActivity
from b2c.services.trips import trip_create
from b2c.tests.trip_pages.helpers import messages_of, planner
from b2c.tests.trips.helpers import flight_booking, snapshot
from bookings.models import Booking
from payments.fx import rates_cache_clear
from payments.models import ExchangeRate

pytestmark = pytest.mark.django_db

UTC = dt.UTC
OUT = ("DXB", "LHR", dt.datetime(2026, 12, 20, 6, 0, tzinfo=UTC), 1)  # 10:00 in Dubai
BACK = ("LHR", "DXB", dt.datetime(2026, 12, 24, 22, 30, tzinfo=UTC), 2)


def add_booking_url(booking) -> str:
    return reverse("b2c:trip-add-booking", args=[booking.pk])


def test_the_confirmation_page_offers_it(owner_client, customer):
    booking = flight_booking(customer, [OUT])

    html = owner_client.get(reverse("bookings:confirmation", args=[booking.pk])).content.decode()

    assert f'href="{add_booking_url(booking)}"' in html
    assert "Add to a trip" in html


def test_not_offered_for_a_booking_that_is_not_confirmed(owner_client, customer):
    booking = flight_booking(customer, [OUT], status=Booking.Status.HELD)

    html = owner_client.get(reverse("bookings:confirmation", args=[booking.pk])).content.decode()

    assert add_booking_url(booking) not in html


def test_a_booking_makes_a_new_trip_with_its_flights(owner_client, customer):
    booking = flight_booking(customer, [OUT, BACK])
    mine = trip_create(
        customer=customer, name="Winter", start_date=dt.date(2026, 12, 21),
        end_date=dt.date(2026, 12, 23),
    )  # fmt: skip

    page = owner_client.get(add_booking_url(booking)).content.decode()
    assert 'value="new"' in page and f'value="{mine.pk}"' in page and booking.reference in page
    response = owner_client.post(add_booking_url(booking), {"trip": "new"})

    trip = Trip.objects.exclude(pk=mine.pk).get()
    assert response.url == planner(trip)
    assert messages_of(response) == ["The flights are in your trip “London”."]
    assert list(
        TripActivity.objects.filter(trip=trip)
        .order_by("day__date")
        .values_list("kind", "day__date", "title", "start_time", "time_zone")
    ) == [
        ("flight", dt.date(2026, 12, 20), "EK1 Dubai → London", dt.time(10), "Asia/Dubai"),
        ("flight", dt.date(2026, 12, 24), "EK2 London → Dubai", dt.time(22, 30), "Europe/London"),
    ]
    html = owner_client.get(planner(trip)).content.decode()
    assert html.count('<span class="badge">Flight</span>') == 2
    assert f'<span class="reference" dir="ltr">{booking.reference}</span>' in html


def test_a_booking_joins_a_trip_of_mine(owner_client, customer):
    booking = flight_booking(customer, [OUT, BACK])
    mine = trip_create(
        customer=customer, name="Winter", start_date=dt.date(2026, 12, 21),
        end_date=dt.date(2026, 12, 23),
    )  # fmt: skip

    response = owner_client.post(add_booking_url(booking), {"trip": str(mine.pk)})

    mine.refresh_from_db()
    assert response.url == planner(mine)
    assert Trip.objects.count() == 1
    assert (mine.start_date, mine.end_date) == (dt.date(2026, 12, 20), dt.date(2026, 12, 25))
    assert TripActivity.objects.filter(trip=mine, kind="flight").count() == 2


def test_another_customers_booking_is_refused_and_no_trip_is_made(owner_client, stranger):
    booking = flight_booking(stranger, [OUT])
    before = snapshot()

    assert owner_client.get(add_booking_url(booking)).status_code == 404
    response = owner_client.post(add_booking_url(booking), {"trip": "new"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["This booking is not one of yours."]
    assert "This booking is not one of yours." in response.content.decode()
    assert snapshot() == before


def test_someone_elses_trip_is_not_a_choice(owner_client, customer, stranger):
    booking = flight_booking(customer, [OUT])
    theirs = trip_create(
        customer=stranger, name="Theirs", start_date=dt.date(2026, 12, 19),
        end_date=dt.date(2026, 12, 21),
    )  # fmt: skip
    before = snapshot()

    response = owner_client.post(add_booking_url(booking), {"trip": str(theirs.pk)})

    assert response.status_code == 400
    assert "trip" in response.context["form"].errors
    assert snapshot() == before


def rate(base, quote, value):
    ExchangeRate.objects.create(
        base=base, quote=quote, rate=Decimal(value), source="test", fetched_at=timezone.now()
    )
    rates_cache_clear()


def test_the_budget_shows_the_converted_total(owner_client, customer):
    from b2c.services.trips import activity_create

    rate("EUR", "USD", "1.0850")
    rate("USD", "AED", "3.6725")
    booking = flight_booking(
        customer, [OUT], currency="EUR", base="400.00", taxes="100.00", discount="50.00"
    )
    trip = owner_client.post(add_booking_url(booking), {"trip": "new"}) and Trip.objects.get()
    Trip.objects.filter(pk=trip.pk).update(currency="USD")
    for cost, currency in (("36.73", "AED"), ("100.00", "AED"), ("20.00", "EUR"), ("900", "JPY")):
        activity_create(
            customer=customer, trip_id=trip.pk, day_date=dt.date(2026, 12, 20), title="Spend",
            cost=Decimal(cost), cost_currency=currency,
        )  # fmt: skip

    html = owner_client.get(planner(trip)).content.decode()

    # EUR 450.00 + 20.00 = 470.00 at 1.0850 = USD 509.95; AED 136.73 / 3.6725 = USD 37.23.
    assert "Total: <strong>$547.18</strong>" in html
    budget = html[html.index('id="budget"') :]
    assert "<dd>AED136.73</dd>" in budget
    assert "<dd>€470.00</dd>" in budget
    assert "<dd>¥900</dd>" in budget
    assert (
        'Not in the total, for want of an exchange rate: <span class="code" dir="ltr">JPY</span>'
        in budget
    )
