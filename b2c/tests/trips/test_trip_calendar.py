import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from b2c.calendar_export import trip_ical
from b2c.selectors.trips import TripNotFound, trip_for_calendar_token
from b2c.services.trips import (
    activity_create,
    trip_attach_booking,
    trip_calendar_enable,
    trip_calendar_reset,
    trip_create,
)
from b2c.tests.trips.helpers import flight_booking

pytestmark = pytest.mark.django_db

DEPARTS = dt.datetime(2026, 12, 20, 6, 0, tzinfo=dt.UTC)


def test_the_calendar_parses_back_with_local_times(customer):
    booking = flight_booking(customer, [("DXB", "LHR", DEPARTS, 1)])
    trip = trip_attach_booking(customer=customer, booking_id=booking.pk)
    flight = trip.activities.get()
    dinner = activity_create(
        customer=customer,
        trip_id=trip.pk,
        day_date=dt.date(2026, 12, 20),
        title="Dinner",
        place="Soho",
        time_zone="Europe/London",
        start_time=dt.time(20, 0),
        end_time=dt.time(1, 0),
        notes="Table for two",
    )
    museum = activity_create(
        customer=customer, trip_id=trip.pk, day_date=dt.date(2026, 12, 20), title="Museum"
    )

    calendar = Calendar.from_ical(trip_ical(trip=trip))

    assert str(calendar["PRODID"]) == "-//Safar//Trips//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "London"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert sorted(events) == sorted(f"activity-{a.pk}@safar" for a in (flight, dinner, museum))
    first = events[f"activity-{flight.pk}@safar"]
    start = first.decoded("DTSTART")
    assert (start.replace(tzinfo=None), start.tzinfo.key) == (
        dt.datetime(2026, 12, 20, 10, 0),
        "Asia/Dubai",
    )
    assert start == DEPARTS
    landing = first.decoded("DTEND")  # in London's time, where the flight lands
    assert (landing.replace(tzinfo=None), landing.tzinfo.key) == (
        dt.datetime(2026, 12, 20, 13, 40),
        "Europe/London",
    )
    assert str(first["SUMMARY"]) == "EK1 Dubai → London"
    assert str(first["LOCATION"]) == "Dubai Airport (DXB)"
    assert str(first["DESCRIPTION"]) == (
        "Arrives London (LHR) at 13:40 on 2026-12-20, local time.\n"
        f"Booking reference: {booking.reference}"
    )
    evening = events[f"activity-{dinner.pk}@safar"]
    assert evening.decoded("DTSTART") == dt.datetime(
        2026, 12, 20, 20, 0, tzinfo=ZoneInfo("Europe/London")
    )
    assert evening.decoded("DTEND") == dt.datetime(
        2026, 12, 21, 1, 0, tzinfo=ZoneInfo("Europe/London")
    )
    assert evening.decoded("DTSTART").tzinfo.key == "Europe/London"
    all_day = events[f"activity-{museum.pk}@safar"]
    assert (all_day.decoded("DTSTART"), all_day.decoded("DTEND")) == (
        dt.date(2026, 12, 20),
        dt.date(2026, 12, 21),
    )
    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == [
        "Asia/Dubai",
        "Europe/London",
    ]
    assert all("DTSTAMP" in e for e in events.values())


def test_the_feed_is_off_until_enabled_and_a_reset_revokes_it(customer):
    trip = trip_create(
        customer=customer,
        name="Winter",
        start_date=dt.date(2026, 12, 20),
        end_date=dt.date(2026, 12, 22),
    )
    with pytest.raises(TripNotFound):
        trip_for_calendar_token(token=trip.calendar_token)

    trip_calendar_enable(customer=customer, trip_id=trip.pk)
    assert trip_for_calendar_token(token=trip.calendar_token) == trip

    new = trip_calendar_reset(customer=customer, trip_id=trip.pk).calendar_token
    with pytest.raises(TripNotFound):
        trip_for_calendar_token(token=trip.calendar_token)
    assert trip_for_calendar_token(token=new) == trip
