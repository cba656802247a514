"""In-app notifications, each user's preferences per kind and channel, and the outbox that
delivers side effects (emails, notifications) after the change that caused them commits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; preferences are kept per kind and channel."""

    PRICE_DROP = "price_drop", _("Price drops")
    TRAVEL_REMINDER = "travel_reminder", _("Travel reminders")
    FLIGHT_CHANGE = "flight_change", _("Changes to my flights")
    ADVISORY = "advisory", _("Travel advisories")
    LOYALTY = "loyalty", _("Points and tiers")
    ACCOUNT = "account", _("Account and bookings")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("On Safar")
    EMAIL = "email", _("By email")


class Notification(models.Model):
    """One message in a user's notification centre."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The event it announces, once per user: a retried delivery finds it and adds nothing.
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        db_table = "notifications_notification"
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_new"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """Whether a user wants one kind of notification on one channel (no row: yes)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("on"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "notifications_preference"
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notification_preference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}/{self.channel}: {'on' if self.enabled else 'off'}"


class OutboxMessage(models.Model):
    """A side effect to deliver (an email, an in-app notification), written in the transaction
    of the change that causes it and relayed to the job queue after the commit.

    `pending` messages are due at `next_attempt_at`; a worker claims one by moving that time on
    (a lease), delivers it and marks it `sent`. A failed delivery is retried with backoff until
    `failed`. A broker or mail server that is down delays a message; it never loses it.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        IN_APP = "in_app", _("In-app notification")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    payload = models.JSONField(_("payload"))
    # One message per event and recipient: writing the same event twice adds nothing.
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        db_table = "notifications_outbox"
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", next_attempt_at__isnull=False)
                | (~Q(status="pending") & Q(next_attempt_at__isnull=True)),
                name="outbox_pending_is_scheduled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.dedupe_key} ({self.status})"
