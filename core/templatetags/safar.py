"""Filters that format for the active language: {{ amount|money:"USD" }}, {{ day|ldate }}."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def money(amount, currency):
    if amount is None or not currency:
        return ""
    return formatting.format_money(amount, currency)


@register.filter
def lnumber(value):
    if value is None:
        return ""
    return formatting.format_number(value)


@register.filter
def ldate(value, fmt="medium"):
    if not value:
        return ""
    return formatting.format_date(value, fmt)


@register.filter
def ldatetime(value, fmt="medium"):
    if not value:
        return ""
    return formatting.format_datetime(value, fmt)


@register.filter
def airport_time(value, airport):
    """A UTC instant in the airport's own time zone, to the minute, for the active language."""
    if not value:
        return ""
    return formatting.format_moment(value, tz=airport.time_zone)
