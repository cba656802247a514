"""Reads of trips: a customer's trips, one trip for its owner or a member, a trip by its share
or calendar link, its days with their activities, what was set aside, and its budget."""

import functools
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from b2c.models import Customer, Trip, TripActivity, TripDay, TripMember
from bookings.models import Booking
from core.exceptions import ApplicationError
from core.money import quantize
from flights.models import Airport
from payments.fx import RateUnavailable, convert


class TripNotFound(ApplicationError):
    """No such trip, or not one this customer owns or was invited to (the pages answer 404)."""


def _not_found() -> TripNotFound:
    return TripNotFound(_("This trip does not exist or is not shared with you."))


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA time zone names an activity may use, sorted (read from tzdata once)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def trips_for_customer(*, customer: Customer) -> QuerySet[Trip]:
    """The trips the customer owns or was invited to, by first day, with their destinations and
    owner (three queries however many trips); each trip's `viewer_role` is "owner" or the
    customer's TripMember.Role."""
    member = TripMember.objects.filter(trip=OuterRef("pk"), customer=customer)
    return (
        Trip.objects.filter(Q(owner=customer) | Q(Exists(member)))
        .annotate(
            viewer_role=Case(
                When(owner=customer, then=Value("owner")),
                default=Subquery(member.values("role")[:1]),
                output_field=CharField(),
            )
        )
        .select_related("owner__user")
        .prefetch_related("destinations")
        .order_by("start_date", "id")
    )


def trip_role(*, trip: Trip, customer: Customer) -> str | None:
    """ "owner", a TripMember.Role value, or None for someone with no access."""
    if trip.owner_id == customer.pk:
        return "owner"
    return (
        TripMember.objects.filter(trip=trip, customer=customer)
        .values_list("role", flat=True)
        .first()
    )


def trip_for_viewer(*, customer: Customer, trip_id: int) -> Trip:
    """The trip, for its owner or a member; TripNotFound for anyone else."""
    trip = trips_for_customer(customer=customer).filter(pk=trip_id).first()
    if trip is None:
        raise _not_found()
    return trip


def trip_destinations(*, trip: Trip) -> list[Airport]:
    """The trip's destinations in the order the customer gave them (the first one's time zone is
    the default of new activities); `trip.destinations.all()` is by airport code."""
    rows = Trip.destinations.through.objects.filter(trip=trip).select_related("airport")
    return [row.airport for row in rows.order_by("id")]


def trip_members(*, trip: Trip) -> list[TripMember]:
    """The people invited to the trip, in the order they were invited, with their accounts."""
    return list(trip.members.select_related("customer__user").order_by("created_at", "id"))


def trip_for_share_token(*, token: str) -> Trip:
    """The trip a read-only link opens; TripNotFound once unshared or the link was replaced."""
    trip = Trip.objects.filter(share_token=token, is_shared=True).first() if token else None
    if trip is None:
        raise _not_found()
    return trip


def trip_for_calendar_token(*, token: str) -> Trip:
    """The trip a calendar feed serves; TripNotFound once the feed is off or was replaced."""
    trip = (
        Trip.objects.filter(calendar_token=token, calendar_enabled=True).first() if token else None
    )
    if trip is None:
        raise _not_found()
    return trip


def trip_days_with_activities(*, trip: Trip) -> list[TripDay]:
    """The trip's days in date order, each with its activities in order (two queries)."""
    activities = TripActivity.objects.order_by("position", "id")
    return list(
        TripDay.objects.filter(trip=trip)
        .order_by("date")
        .prefetch_related(Prefetch("activities", queryset=activities))
    )


def trip_set_aside(*, trip: Trip) -> list[TripActivity]:
    """Activities set aside when their date left the trip, by the date they were on; each has
    `can_restore` set when that date is part of the trip again."""
    activities = list(
        TripActivity.objects.filter(trip=trip, day__isnull=True).order_by("set_aside_date", "id")
    )
    for activity in activities:
        date = activity.set_aside_date
        activity.can_restore = date is not None and trip.start_date <= date <= trip.end_date  # type: ignore[attr-defined]
    return activities


@dataclass
class TripBudget:
    """What the trip costs in `currency`: `total` of everything that could be converted,
    `by_currency` the amounts as spent, `unconverted` the currencies with no rate."""

    currency: str
    total: Decimal
    by_currency: dict[str, Decimal] = field(default_factory=dict)
    unconverted: list[str] = field(default_factory=list)


def trip_budget(*, trip: Trip) -> TripBudget:
    """The costs of the activities planned on the trip's days and the amounts due of its
    confirmed bookings, in the trip's currency (each currency's subtotal converted once)."""
    by_currency: dict[str, Decimal] = {}
    costs = TripActivity.objects.filter(
        trip=trip, day__isnull=False, cost__isnull=False
    ).values_list("cost", "cost_currency")
    for cost, currency in costs:
        by_currency[currency] = by_currency.get(currency, Decimal(0)) + (cost or Decimal(0))
    booking_ids = (
        TripActivity.objects.filter(trip=trip, booking__isnull=False)
        .values("booking_id")
        .distinct()
    )
    bookings = Booking.objects.filter(pk__in=booking_ids, status=Booking.Status.CONFIRMED)
    for booking in bookings.only("total", "discount_total", "currency"):
        currency = booking.currency
        by_currency[currency] = by_currency.get(currency, Decimal(0)) + booking.amount_due
    total = Decimal(0)
    unconverted: list[str] = []
    for currency in sorted(by_currency):
        by_currency[currency] = quantize(by_currency[currency], currency)
        try:
            total += convert(by_currency[currency], currency, trip.currency).amount
        except RateUnavailable:
            unconverted.append(currency)
    return TripBudget(
        currency=trip.currency,
        total=quantize(total, trip.currency),
        by_currency=dict(sorted(by_currency.items())),
        unconverted=unconverted,
    )
