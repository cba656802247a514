"""A trip as an iCalendar file (RFC 5545), for the `.ics` download and the subscription feed.

Timed activities keep their own time zone (DTSTART;TZID=Asia/Dubai:...), with a VTIMEZONE for
each zone used so calendars that do not know the zone still place them right; activities with
no time are all-day events. A flight runs from its departure in the origin's zone to its
arrival in the destination's. UIDs are stable per activity, so a subscribed calendar updates
events instead of duplicating them."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

from b2c.models import Trip, TripActivity

PRODID = "-//Safar//Trips//EN"


def _event(activity: TripActivity, date: dt.date, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"activity-{activity.pk}@safar")
    event.add("dtstamp", stamp)
    event.add("summary", activity.title)
    if activity.place:
        event.add("location", activity.place)
    description = "\n".join(
        part
        for part in (
            activity.notes,
            f"Booking reference: {activity.booking_reference}"
            if activity.booking_reference
            else "",
        )
        if part
    )
    if description:
        event.add("description", description)
    if activity.start_time is None:
        event.add("dtstart", date)
        event.add("dtend", date + dt.timedelta(days=1))
        return event
    zone = ZoneInfo(activity.time_zone)
    start = dt.datetime.combine(date, activity.start_time, tzinfo=zone)
    event.add("dtstart", start)
    segment = activity.segment
    if segment is not None:
        # A flight ends where it lands, in that airport's time (DTEND with its own TZID).
        flight = segment.flight
        event.add("dtend", flight.arrival_at.astimezone(ZoneInfo(flight.destination.time_zone)))
    elif activity.end_time is not None:
        end = dt.datetime.combine(date, activity.end_time, tzinfo=zone)
        if end <= start:  # runs past midnight
            end = dt.datetime.combine(date + dt.timedelta(days=1), activity.end_time, tzinfo=zone)
        event.add("dtend", end)
    return event


def trip_ical(*, trip: Trip) -> bytes:
    """The trip's activities on its days as one VCALENDAR."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", trip.name)
    stamp = timezone.now().replace(microsecond=0)
    activities = (
        TripActivity.objects.filter(trip=trip, day__isnull=False)
        .select_related("day", "segment__flight__destination")
        .order_by("day__date", "position", "id")
    )
    for activity in activities:
        assert activity.day is not None
        calendar.add_component(_event(activity, activity.day.date, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()
