import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from b2c.models import Trip
from b2c.services.trips import activity_create, member_invite, trip_calendar_enable, trip_share
from b2c.tests.trip_pages.helpers import planner
from b2c.tests.trips.helpers import days_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture
def safari(customer, trip):
    return activity_create(
        customer=customer, trip_id=trip.pk, day_date=days_ahead(11), title="Desert safari",
        start_time=dt.time(10), end_time=dt.time(12), time_zone="Asia/Dubai",
        notes="Meet at the hotel", booking_reference="DS-42", cost=Decimal("250.00"),
        cost_currency="AED",
    )  # fmt: skip


def test_sharing_on_gives_a_link_that_works_until_unshared(owner_client, visitor, trip, safari):
    share = reverse("b2c:trip-share", args=[trip.pk])

    response = owner_client.post(share, {"action": "on"})

    trip.refresh_from_db()
    link = reverse("b2c:trip-shared", args=[trip.share_token])
    assert response.url == planner(trip) + "#sharing"
    assert f'value="http://testserver{link}"' in owner_client.get(planner(trip)).content.decode()

    page = visitor.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in html
    assert "Desert safari" in html and "10:00–12:00" in html and "Meet at the hotel" in html
    assert trip.owner.user.email not in html
    assert "DS-42" not in html and "250" not in html  # booking references and costs: members only
    assert "no-store" in page["Cache-Control"]
    for control in ("Move up", "Add an activity", "csrfmiddlewaretoken", "trips.js"):
        assert control not in html
    assert visitor.get(reverse("b2c:trip-shared-print", args=[trip.share_token])).status_code == 200

    owner_client.post(share, {"action": "off"})
    assert visitor.get(link).status_code == 404
    assert visitor.get(reverse("b2c:trip-shared-print", args=[trip.share_token])).status_code == 404


def test_a_new_link_retires_the_old_one(owner_client, visitor, customer, trip):
    trip_share(customer=customer, trip_id=trip.pk)
    old = reverse("b2c:trip-shared", args=[trip.share_token])
    assert visitor.get(old).status_code == 200

    owner_client.post(reverse("b2c:trip-share", args=[trip.pk]), {"action": "reset"})

    trip.refresh_from_db()
    assert visitor.get(old).status_code == 404
    assert visitor.get(reverse("b2c:trip-shared", args=[trip.share_token])).status_code == 200
    assert trip.is_shared


def test_the_ics_download_has_the_activity_in_dubai_time(owner_client, trip, safari):
    response = owner_client.get(reverse("b2c:trip-ics", args=[trip.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dubai-in-winter.ics"'
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(event["summary"]) == "Desert safari"
    assert (start.replace(tzinfo=None), str(start.tzinfo)) == (
        dt.datetime.combine(days_ahead(11), dt.time(10)),
        "Asia/Dubai",
    )
    assert start.utcoffset() == dt.timedelta(hours=4)
    assert event.decoded("dtend") == dt.datetime.combine(
        days_ahead(11), dt.time(12), tzinfo=ZoneInfo("Asia/Dubai")
    )


def test_a_name_with_no_latin_letters_downloads_as_trip_ics(owner_client, customer, trip):
    Trip.objects.filter(pk=trip.pk).update(name="رحلة دبي")

    response = owner_client.get(reverse("b2c:trip-ics", args=[trip.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="trip.ics"'


def test_members_download_the_ics_too(client, customer, trip, stranger, safari):
    member_invite(customer=customer, trip_id=trip.pk, email=stranger.user.email, role="viewer")
    client.force_login(stranger.user)

    assert client.get(reverse("b2c:trip-ics", args=[trip.pk])).status_code == 200


def test_the_feed_works_while_on_and_404s_after_reset_or_off(owner_client, visitor, trip, safari):
    calendar_url = reverse("b2c:trip-calendar", args=[trip.pk])
    feed = reverse("b2c:trip-feed", args=[trip.calendar_token])
    assert visitor.get(feed).status_code == 404  # off by default

    owner_client.post(calendar_url, {"action": "on"})
    response = visitor.get(feed)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "Desert safari"
    html = owner_client.get(planner(trip)).content.decode()
    assert f'value="http://testserver{feed}"' in html

    owner_client.post(calendar_url, {"action": "reset"})
    trip.refresh_from_db()
    new_feed = reverse("b2c:trip-feed", args=[trip.calendar_token])
    assert visitor.get(feed).status_code == 404
    assert visitor.get(new_feed).status_code == 200

    owner_client.post(calendar_url, {"action": "off"})
    assert visitor.get(new_feed).status_code == 404


def test_the_printable_view(owner_client, customer, trip, safari):
    html = owner_client.get(reverse("b2c:trip-print", args=[trip.pk])).content.decode()

    assert "b2c/trips.css" in html
    assert "Desert safari" in html and "10:00–12:00" in html
    assert "<form" not in html.split('<main id="main"')[1]


def test_an_unknown_token_is_not_found(visitor, customer, trip):
    trip_share(customer=customer, trip_id=trip.pk)
    trip_calendar_enable(customer=customer, trip_id=trip.pk)

    assert visitor.get(reverse("b2c:trip-shared", args=["nope"])).status_code == 404
    assert visitor.get(reverse("b2c:trip-feed", args=["nope"])).status_code == 404


def test_a_link_that_was_turned_off_never_works_again(owner_client, visitor, customer, trip):
    share = reverse("b2c:trip-share", args=[trip.pk])
    owner_client.post(share, {"action": "on"})
    trip.refresh_from_db()
    old = reverse("b2c:trip-shared", args=[trip.share_token])
    owner_client.post(share, {"action": "off"})

    owner_client.post(share, {"action": "on"})  # shared again: a new link, not the old one

    trip.refresh_from_db()
    assert visitor.get(old).status_code == 404
    assert visitor.get(reverse("b2c:trip-shared", args=[trip.share_token])).status_code == 200


def test_a_feed_turned_off_never_works_again(customer, visitor, trip):
    trip_calendar_enable(customer=customer, trip_id=trip.pk)
    trip.refresh_from_db()
    old = reverse("b2c:trip-feed", args=[trip.calendar_token])
    trip_calendar_enable(customer=customer, trip_id=trip.pk, enabled=False)
    trip_calendar_enable(customer=customer, trip_id=trip.pk)

    trip.refresh_from_db()
    assert visitor.get(old).status_code == 404
    assert visitor.get(reverse("b2c:trip-feed", args=[trip.calendar_token])).status_code == 200
