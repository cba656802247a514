"""Price alerts on routes, and their price history."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
        "flights.Airport", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    destination = models.ForeignKey(
        "flights.Airport", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
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
