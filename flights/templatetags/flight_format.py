"""Filters for itineraries: times in the airport's own time zone, durations, day changes.

{% load flight_format %}  {{ leg.departure_local|local_time }}  {{ journey.duration|duration }}
"""

import datetime as dt
import zoneinfo

from babel import dates as babel_dates
from django import template
from django.utils.translation import gettext as _

from core.formatting import current_locale, format_number
from flights.models import Cabin

register = template.Library()


@register.filter
def in_zone(value: dt.datetime, zone: str) -> dt.datetime:
    """An aware datetime seen from the time zone `zone` (an airport's)."""
    return value.astimezone(zoneinfo.ZoneInfo(zone))


@register.filter
def local_time(value: dt.datetime) -> str:
    """The clock time in the datetime's own zone, 24-hour as on boarding passes: 08:15."""
    return babel_dates.format_time(value, "HH:mm", tzinfo=value.tzinfo, locale=current_locale())


@register.filter
def local_day(value: dt.date | dt.datetime, skeleton: str = "MMMEd") -> str:
    """A short day for the active language ("Tue, Jan 20"), in the datetime's own zone."""
    tzinfo = value.tzinfo if isinstance(value, dt.datetime) else None
    return babel_dates.format_skeleton(skeleton, value, tzinfo=tzinfo, locale=current_locale())


@register.filter
def iso_minutes(value: dt.datetime) -> str:
    """For <time datetime>: 2026-01-20T08:15+04:00."""
    return value.isoformat(timespec="minutes")


@register.filter
def duration(value: dt.timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": format_number(minutes)}
    return _("%(hours)s h %(minutes)s min") % {
        "hours": format_number(hours),
        "minutes": format_number(minutes),
    }


@register.filter
def iso_duration(value: dt.timedelta) -> str:
    """For <time datetime>: PT7H25M."""
    hours, minutes = divmod(int(value.total_seconds() // 60), 60)
    return f"PT{hours}H{minutes}M"


@register.filter
def days_after(later: dt.datetime, earlier: dt.datetime) -> int:
    """Calendar days between two local datetimes: 1 when a flight lands the next day."""
    return (later.date() - earlier.date()).days


@register.filter
def airline_names(offer) -> list[str]:
    """The carriers of an offer, in order of flying, each once."""
    names: list[str] = []
    for journey in offer.journeys:
        for leg in journey.legs:
            if leg.airline_name not in names:
                names.append(leg.airline_name)
    return names


@register.filter
def legs_with_connections(journey) -> list[dict]:
    """Each flight of a journey with the change of plane that follows it, if any."""
    legs = journey.legs
    rows = []
    for index, leg in enumerate(legs):
        following = legs[index + 1] if index + 1 < len(legs) else None
        rows.append(
            {
                "leg": leg,
                "connection": {
                    "code": leg.destination,
                    "city": leg.destination_city,
                    "wait": following.departure_at - leg.arrival_at,
                }
                if following
                else None,
            }
        )
    return rows


@register.filter
def cabin_label(value: str) -> str:
    try:
        return str(Cabin(value).label)
    except ValueError:
        return value
