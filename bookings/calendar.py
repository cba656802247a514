"""A booking's flights as an iCalendar file (RFC 5545), with each airport's time zone."""

import zoneinfo

from icalendar import Calendar, Event


def booking_ics(booking) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Safar//Bookings//EN")
    calendar.add("version", "2.0")
    for segment in booking.segments.select_related(
        "flight__airline", "flight__origin", "flight__destination"
    ):
        flight = segment.flight
        event = Event()
        event.add("uid", f"{booking.reference}-{segment.position}@safar")
        event.add(
            "summary",
            f"{flight.designator} {flight.origin.iata_code} → {flight.destination.iata_code}",
        )
        event.add(
            "dtstart", flight.departure_at.astimezone(zoneinfo.ZoneInfo(flight.origin.time_zone))
        )
        event.add(
            "dtend", flight.arrival_at.astimezone(zoneinfo.ZoneInfo(flight.destination.time_zone))
        )
        event.add("dtstamp", booking.confirmed_at or booking.created_at)
        event.add("location", f"{flight.origin.name} ({flight.origin.iata_code})")
        event.add(
            "description",
            f"{flight.airline.name} {flight.designator}, booking {booking.reference}",
        )
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
