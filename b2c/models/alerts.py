"""Price alerts on routes and their price history, travel alerts, and the newsletter."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from core.models import TimeStampedModel
from core.money import SUPPORTED_CURRENCIES
from flights.models import Cabin

CURRENCY_CHOICES = [(code, code) for code in SUPPORTED_CURRENCIES]


def alert_token_new() -> str:
    return secrets.token_urlsafe(24)


class PriceAlert(TimeStampedModel):
    """Watch the lowest fare of a route over a date or date range; tell once per drop.

    A customer's alert, or a visitor's by email (active once the email link is confirmed, and
    joined to the account made with that email). `target_price` empty means "any drop" below
    the price when it was set. The engine (b2c.services.alerts) notifies when the price falls to
    the target (or below the last price told), then waits for the price to rise again
    (`armed`) before telling again; a deeper drop than the last told tells again.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        ACTIVE = "active", _("Watching")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    customer = models.ForeignKey(
        "b2c.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="price_alerts",
    )
    email = models.EmailField(_("email"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    ended_reason = models.CharField(_("why it ended"), max_length=100, blank=True)
    # Links in emails (confirm, stop) for visitors who have no account.
    token = models.CharField(max_length=40, unique=True, default=alert_token_new)
    origin = models.ForeignKey(
        "flights.Airport",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("route", "from"),
    )
    destination = models.ForeignKey(
        "flights.Airport",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("route", "to"),
    )
    date_from = models.DateField(_("departing from"))
    date_to = models.DateField(_("departing until"))
    cabin = models.CharField(_("cabin"), max_length=16, choices=Cabin.choices)
    adults = models.PositiveSmallIntegerField(_("adults"), default=1)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    infants = models.PositiveSmallIntegerField(_("infants"), default=0)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    target_price = models.DecimalField(
        _("target price"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    # The lowest price when the alert was set, the last one seen, and the last one told.
    start_price = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    last_price = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    notified_price = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    armed = models.BooleanField(default=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")

    class Meta:
        db_table = "b2c_price_alert"
        ordering = ["-created_at", "-id"]
        verbose_name = _("price alert")
        verbose_name_plural = _("price alerts")
        indexes = [
            models.Index(
                fields=["origin", "destination", "date_from"],
                condition=Q(state="active"),
                name="price_alert_active_route",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(email=""),
                name="price_alert_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")), name="price_alert_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(target_price__isnull=True) | Q(target_price__gt=0),
                name="price_alert_target_positive",
            ),
            models.CheckConstraint(
                condition=~Q(origin=models.F("destination")), name="price_alert_distinct_airports"
            ),
            models.CheckConstraint(
                condition=Q(adults__gte=1) & Q(infants__lte=models.F("adults")),
                name="price_alert_passengers_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin_id}→{self.destination_id} {self.date_from}…{self.date_to}"


class PriceAlertCheck(models.Model):
    """One check of an alert's price by the engine: its history, drawn as a chart."""

    alert = models.ForeignKey(PriceAlert, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(_("checked at"))
    # Empty when no fare was on sale for the alert's dates.
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=3, null=True)
    notified = models.BooleanField(_("told"), default=False)

    class Meta:
        db_table = "b2c_price_alert_check"
        ordering = ["alert", "checked_at", "id"]
        verbose_name = _("price check")
        verbose_name_plural = _("price checks")
        indexes = [models.Index(fields=["alert", "checked_at"], name="price_alert_check_history")]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.checked_at:%Y-%m-%d %H:%M} {self.price}"


class NewsletterTopic(models.TextChoices):
    DEALS = "deals", _("Fare deals")
    DESTINATIONS = "destinations", _("Destination ideas")
    NEWS = "news", _("Safar news")


def newsletter_topics_default() -> list[str]:
    return [NewsletterTopic.DEALS, NewsletterTopic.DESTINATIONS, NewsletterTopic.NEWS]


class NewsletterSubscription(TimeStampedModel):
    """An email address that asked for the newsletter: active once its link is confirmed."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(_("email"), unique=True)
    customer = models.OneToOneField(
        "b2c.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_subscription",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    topics = models.JSONField(_("topics"), default=newsletter_topics_default)
    language = models.CharField(_("language"), max_length=8, default="en")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        db_table = "b2c_newsletter_subscription"
        ordering = ["-created_at", "-id"]
        verbose_name = _("newsletter subscription")
        verbose_name_plural = _("newsletter subscriptions")

    def __str__(self) -> str:
        return f"{self.email} ({self.state})"


class NewsletterIssue(TimeStampedModel):
    """A newsletter staff write and send to the active subscribers of its topic."""

    topic = models.CharField(_("topic"), max_length=20, choices=NewsletterTopic.choices)
    language = models.CharField(_("language"), max_length=8, default="en")
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("text"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        db_table = "b2c_newsletter_issue"
        ordering = ["-created_at", "-id"]
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")

    def __str__(self) -> str:
        return self.subject


class TravelAlert(TimeStampedModel):
    """Something a traveller should know about a trip: a reminder before a flight, a change to a
    booked flight (answered by accepting it or cancelling for a full refund), or a travel
    advisory staff post for a country.

    Reminders and changes belong to one customer's booking and flight. An advisory belongs to no
    customer: it is shown to (and told once to) every customer with an upcoming confirmed
    booking into its country while it is in force.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        FLIGHT_CHANGE = "flight_change", _("Flight change")
        ADVISORY = "advisory", _("Travel advisory")

    class Reminder(models.TextChoices):
        CHECK_IN = "check_in", _("Check-in is open")
        DAY = "24h", _("24 hours before departure")
        HOURS = "3h", _("3 hours before departure")

    class Change(models.TextChoices):
        RETIMED = "retimed", _("New times")
        CANCELLED = "cancelled", _("Flight cancelled")

    class State(models.TextChoices):
        INFO = "info", _("For information")
        AWAITING = "awaiting", _("Awaiting your answer")
        ACCEPTED = "accepted", _("Change accepted")
        REFUNDED = "refunded", _("Cancelled with a full refund")
        SUPERSEDED = "superseded", _("Replaced by a later change")

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        CAUTION = "caution", _("Exercise caution")
        AVOID = "avoid", _("Avoid travel")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    customer = models.ForeignKey(
        "b2c.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="travel_alerts",
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="travel_alerts",
    )
    flight = models.ForeignKey(
        "flights.Flight",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="travel_alerts",
    )
    reminder = models.CharField(_("reminder"), max_length=10, choices=Reminder.choices, blank=True)
    change = models.CharField(_("change"), max_length=10, choices=Change.choices, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.INFO, db_index=True
    )
    # The flight's times before and after a change (UTC); empty after for a cancellation.
    previous_departure_at = models.DateTimeField(_("previous departure"), null=True, blank=True)
    previous_arrival_at = models.DateTimeField(_("previous arrival"), null=True, blank=True)
    new_departure_at = models.DateTimeField(_("new departure"), null=True, blank=True)
    new_arrival_at = models.DateTimeField(_("new arrival"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Advisories: the country, how serious, the staff text and how long it holds.
    country = CountryField(_("country"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    valid_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("in force until"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    # The event it records, once: a reminder per booking, flight and moment; a change per
    # booking, flight and new times. The job and the signal run again and add nothing.
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "b2c_travel_alert"
        ordering = ["-created_at", "-id"]
        verbose_name = _("travel alert")
        verbose_name_plural = _("travel alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="travel_alert_once_per_event",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="advisory", customer__isnull=True, booking__isnull=True)
                    & ~Q(country="")
                    & ~Q(title="")
                )
                | (
                    ~Q(kind="advisory")
                    & Q(customer__isnull=False, booking__isnull=False, flight__isnull=False)
                ),
                name="travel_alert_kind_fields",
            ),
            models.CheckConstraint(
                condition=~Q(kind="reminder") | ~Q(reminder=""),
                name="travel_alert_reminder_named",
            ),
            models.CheckConstraint(
                condition=~Q(kind="flight_change") | ~Q(change=""),
                name="travel_alert_change_named",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="travel_alert_validity_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="travel_alert_customer_new"),
            models.Index(
                fields=["country", "valid_until"],
                condition=Q(kind="advisory"),
                name="travel_alert_advisory_country",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.ADVISORY:
            return f"{self.country}: {self.title}"
        return f"{self.get_kind_display()} {self.booking_id}/{self.flight_id}"
