"""Trips customers plan day by day: days, activities, companions and members, sharing."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import SUPPORTED_CURRENCIES

CURRENCY_CHOICES = [(code, code) for code in SUPPORTED_CURRENCIES]


def trip_token_new() -> str:
    return secrets.token_urlsafe(18)


class Trip(TimeStampedModel):
    """A trip from `start_date` to `end_date` (inclusive), one TripDay per date.

    Only the owner changes the dates, the sharing and deletes the trip; members invited as
    editors change days and activities. `share_token` opens a read-only page and
    `calendar_token` a calendar feed; either is revoked by a new token (the old link 404s)."""

    owner = models.ForeignKey("b2c.Customer", on_delete=models.CASCADE, related_name="trips")
    name = models.CharField(_("name"), max_length=120)
    destinations = models.ManyToManyField(
        "flights.Airport", related_name="+", blank=True, verbose_name=_("destinations")
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    companions = models.ManyToManyField(
        "b2c.TravelCompanion", related_name="trips", blank=True, verbose_name=_("companions")
    )
    currency = models.CharField(_("budget currency"), max_length=3, choices=CURRENCY_CHOICES)
    notes = models.TextField(_("notes"), blank=True)
    is_shared = models.BooleanField(_("shared by link"), default=False)
    share_token = models.CharField(max_length=32, unique=True, default=trip_token_new)
    calendar_enabled = models.BooleanField(_("calendar feed on"), default=False)
    calendar_token = models.CharField(max_length=32, unique=True, default=trip_token_new)

    class Meta:
        db_table = "b2c_trip"
        ordering = ["start_date", "id"]
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="trip_dates_in_order"
            ),
        ]
        indexes = [models.Index(fields=["owner", "start_date"], name="trip_owner_start")]

    def __str__(self) -> str:
        return self.name


class TripMember(models.Model):
    """A customer the owner invited to a trip, as a viewer or an editor."""

    class Role(models.TextChoices):
        VIEWER = "viewer", _("Can view")
        EDITOR = "editor", _("Can edit days and activities")

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="members")
    customer = models.ForeignKey(
        "b2c.Customer", on_delete=models.CASCADE, related_name="trip_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "b2c_trip_member"
        verbose_name = _("trip member")
        verbose_name_plural = _("trip members")
        constraints = [
            models.UniqueConstraint(fields=["trip", "customer"], name="trip_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} on {self.trip_id} ({self.role})"


class TripDay(models.Model):
    """One date of a trip, with its own notes; its activities are ordered by position."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        db_table = "b2c_trip_day"
        ordering = ["trip", "date"]
        verbose_name = _("trip day")
        verbose_name_plural = _("trip days")
        constraints = [models.UniqueConstraint(fields=["trip", "date"], name="trip_day_once")]

    def __str__(self) -> str:
        return f"{self.trip_id} {self.date}"


class TripActivity(TimeStampedModel):
    """Something planned on a day, at a time (or a time range) in the place's own time zone.

    `day` is empty for an activity set aside when its date left the trip (the dates changed):
    kept, and offered back, never silently lost. Activities made from a flight booking carry
    the booking and the segment, and follow them."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan")
        FLIGHT = "flight", _("Flight")

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="activities")
    day = models.ForeignKey(
        TripDay, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    # The date it was on when it was set aside (to offer it back).
    set_aside_date = models.DateField(_("was planned for"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PLAN)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=150)
    place = models.CharField(_("place"), max_length=200, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64)
    start_time = models.TimeField(_("starts"), null=True, blank=True)
    end_time = models.TimeField(_("ends"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=3, null=True, blank=True)
    cost_currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True
    )
    booking_reference = models.CharField(_("booking reference"), max_length=40, blank=True)
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trip_activities",
    )
    segment = models.ForeignKey(
        "bookings.BookingSegment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trip_activities",
    )

    class Meta:
        db_table = "b2c_trip_activity"
        ordering = ["trip", "day", "position", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | (Q(cost__gte=0) & ~Q(cost_currency="")),
                name="trip_activity_cost_with_currency",
            ),
            # An end before the start runs past midnight (a night out, an overnight flight).
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(start_time__isnull=False),
                name="trip_activity_end_needs_start",
            ),
            models.UniqueConstraint(
                fields=["trip", "segment"],
                condition=Q(segment__isnull=False),
                name="trip_activity_one_per_segment",
            ),
        ]
        indexes = [models.Index(fields=["day", "position"], name="trip_activity_day_order")]

    def __str__(self) -> str:
        return self.title
