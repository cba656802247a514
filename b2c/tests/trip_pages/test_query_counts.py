"""The planner costs the same number of queries however many days have activities."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from b2c.services.trips import activity_create, member_invite, trip_update
from b2c.tests.trips.helpers import days_ahead
from core.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def fill(customer, trip, days):
    for n in days:
        for title in ("Breakfast", "Museum", "Dinner"):
            activity_create(
                customer=customer, trip_id=trip.pk, day_date=days_ahead(10 + n), title=title,
                start_time=dt.time(9), cost=Decimal("10"), cost_currency="AED",
            )  # fmt: skip
        member_invite(
            customer=customer, trip_id=trip.pk, email=CustomerFactory().user.email, role="editor"
        )


def test_the_planner_does_not_grow_with_days_of_activities(owner_client, customer, trip, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    url = reverse("b2c:trip", args=[trip.pk])
    fill(customer, trip, [0])
    one_day = queries_for(owner_client, url)

    fill(customer, trip, [1, 2, 3, 4])
    trip_update(customer=customer, trip_id=trip.pk, end_date=days_ahead(13))  # one set aside
    five_days = queries_for(owner_client, url)

    assert five_days == one_day
    # session, user, customer, trip with owner, its destinations (prefetched, then in the
    # order given), days, their activities, members with their users, set aside, budget costs,
    # budget bookings, companions, the header's unread notifications, and the session save
    # (savepoint, update, release)
    assert one_day == 17


@pytest.mark.parametrize("name", ["b2c:trip-print", "b2c:trips"])
def test_the_other_pages_do_not_grow_either(owner_client, customer, trip, name, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    url = reverse(name, args=[trip.pk] if name != "b2c:trips" else [])
    fill(customer, trip, [0])
    few = queries_for(owner_client, url)

    fill(customer, trip, [1, 2, 3, 4])
    many = queries_for(owner_client, url)

    assert many == few
