"""Locale-aware formatting of dates, numbers and money for the active language (Babel)."""

import datetime as dt
from decimal import Decimal

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone, translation


def current_locale() -> str:
    return translation.to_locale(translation.get_language() or "en")


def format_money(amount: Decimal, currency: str) -> str:
    return babel_numbers.format_currency(amount, currency, locale=current_locale())


def format_number(value: int | Decimal) -> str:
    return babel_numbers.format_decimal(value, locale=current_locale())


def format_date(value: dt.date, fmt: str = "medium") -> str:
    return babel_dates.format_date(value, format=fmt, locale=current_locale())


def format_datetime(value: dt.datetime, fmt: str = "medium", tz: str | None = None) -> str:
    tzinfo = babel_dates.get_timezone(tz) if tz else timezone.get_current_timezone()
    return babel_dates.format_datetime(value, format=fmt, tzinfo=tzinfo, locale=current_locale())


def format_moment(value: dt.datetime, tz: str | None = None) -> str:
    """A date and a time to the minute, as the locale joins them: "Mar 10, 2030, 8:00 AM" in
    English (a departure, a check-in time: seconds would only be noise)."""
    tzinfo = babel_dates.get_timezone(tz) if tz else timezone.get_current_timezone()
    locale = babel_dates.Locale.parse(current_locale())
    local = value.astimezone(tzinfo)
    date = babel_dates.format_date(local.date(), format="medium", locale=locale)
    time = babel_dates.format_time(value, format="short", tzinfo=tzinfo, locale=locale)
    return str(locale.datetime_formats["medium"]).format(time, date)


def isolate(text: str) -> str:
    """`text` (a flight number, a route such as "DXB → LHR") kept in its own left-to-right run
    inside a right-to-left sentence: wrapped in Unicode's first-strong isolate and pop directional
    isolate (U+2068, U+2069) when the active language is written right to left, so that plain
    text (a notification title, an email subject) does not reorder it. Unchanged otherwise."""
    return f"\u2068{text}\u2069" if translation.get_language_bidi() else text
