"""Reads of travel alerts: a customer's reminders and flight changes, one of them with the amount
a refund would return, and the advisories in force (for the customer's trips, and for everyone).

An advisory is in force from `valid_from` (or always, when empty) until `valid_until` (or for
good, when empty): the end is exclusive, so one ending at noon is gone at noon.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_countries import countries

from b2c.models import Customer, TravelAlert
from bookings.models import Booking, BookingSegment
from core.money import quantize
from flights.models import Flight

Kind = TravelAlert.Kind
State = TravelAlert.State
Severity = TravelAlert.Severity


def in_force_q(*, now: dt.datetime) -> Q:
    """The advisories in force at `now` (as a filter)."""
    return (
        Q(kind=Kind.ADVISORY)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    )


# The most serious first, so a reader sees "avoid travel" before "information".
_SEVERITY_ORDER = Case(
    When(severity=Severity.AVOID, then=Value(0)),
    When(severity=Severity.CAUTION, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def travel_alerts_for_customer(*, customer: Customer) -> QuerySet[TravelAlert]:
    """The customer's reminders and flight changes, newest first, with their booking, flight,
    airline and airports (a fixed number of queries however many there are)."""
    return (
        TravelAlert.objects.filter(customer=customer)
        .exclude(kind=Kind.ADVISORY)
        .select_related("booking", "flight__airline", "flight__origin", "flight__destination")
        .order_by("-created_at", "-id")
    )


def travel_alert_get(*, customer: Customer, alert_id: int) -> TravelAlert:
    """One of the customer's reminders or changes (404 for anyone else's), with
    `refund_amount` (travel_alert_refund_amount)."""
    alert = get_object_or_404(travel_alerts_for_customer(customer=customer), pk=alert_id)
    alert.refund_amount = travel_alert_refund_amount(alert=alert)  # type: ignore[attr-defined]
    return alert


def travel_alert_refund_amount(*, alert: TravelAlert) -> Decimal | None:
    """For a change awaiting an answer, what cancelling its booking for a full refund returns
    now (in the booking's currency); otherwise None."""
    awaiting = alert.kind == Kind.FLIGHT_CHANGE and alert.state == State.AWAITING
    booking = alert.booking
    return booking_full_refund_amount(booking=booking) if awaiting and booking else None


def booking_full_refund_amount(*, booking: Booking) -> Decimal:
    """A full refund: everything paid for the booking that has not been returned yet (what
    bookings.services.booking_cancel_full_refund returns)."""
    return quantize(max(booking.amount_due - booking.refunded_total, Decimal(0)), booking.currency)


def advisories_in_force(*, now: dt.datetime | None = None) -> QuerySet[TravelAlert]:
    """Every advisory in force at `now`, by country, the most serious first, then newest."""
    now = now or timezone.now()
    return (
        TravelAlert.objects.filter(in_force_q(now=now))
        .annotate(severity_order=_SEVERITY_ORDER)
        .order_by("country", "severity_order", "-created_at", "-id")
    )


def advisories_for_customer(
    *, customer: Customer, now: dt.datetime | None = None
) -> QuerySet[TravelAlert]:
    """The advisories in force for the countries the customer's confirmed bookings still fly
    into: the destination of any of their scheduled flights not departed yet (a connection or
    the way home counts). The same customers b2c.services.travel_alerts.advisory_recipients
    tells of a new advisory."""
    now = now or timezone.now()
    countries_flown_to = BookingSegment.objects.filter(
        booking__customer=customer,
        booking__status=Booking.Status.CONFIRMED,
        flight__status=Flight.Status.SCHEDULED,
        flight__departure_at__gt=now,
    ).values("flight__destination__country")
    return advisories_in_force(now=now).filter(country__in=countries_flown_to)


@dataclass(frozen=True)
class CountryAdvisories:
    code: str
    name: str
    advisories: list[TravelAlert]


def advisories_by_country(advisories: QuerySet[TravelAlert]) -> list[CountryAdvisories]:
    """Advisories grouped by country, countries in the order of their names in the active
    language (one query)."""
    groups: dict[str, list[TravelAlert]] = {}
    for advisory in advisories:
        groups.setdefault(str(advisory.country), []).append(advisory)
    names = {code: str(countries.name(code)) for code in groups}
    return [
        CountryAdvisories(code=code, name=names[code], advisories=groups[code])
        for code in sorted(groups, key=lambda code: names[code])
    ]


@dataclass(frozen=True)
class TravelAlertsPage:
    changes: list[TravelAlert]  # awaiting an answer first, then newest first
    reminders: list[TravelAlert]
    advisories: list[CountryAdvisories]


def travel_alerts_page(*, customer: Customer, now: dt.datetime | None = None) -> TravelAlertsPage:
    """What /alerts/travel/ shows, in two queries whatever the number of alerts."""
    alerts = list(travel_alerts_for_customer(customer=customer))
    changes = [alert for alert in alerts if alert.kind == Kind.FLIGHT_CHANGE]
    changes.sort(key=lambda alert: alert.state != State.AWAITING)  # stable: newest first kept
    return TravelAlertsPage(
        changes=changes,
        reminders=[alert for alert in alerts if alert.kind == Kind.REMINDER],
        advisories=advisories_by_country(advisories_for_customer(customer=customer, now=now)),
    )
