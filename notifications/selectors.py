"""Reads of the notification centre: a user's notifications, the unread count, preferences."""

from dataclasses import dataclass

from django.db.models import QuerySet

from notifications.models import Channel, Kind, Notification, NotificationPreference


def notification_list(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    """`user`'s notifications, newest first; only unread ones (or only read ones) if asked.
    One query a page: a notification carries everything it shows."""
    notifications = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    return notifications


def unread_count(*, user) -> int:
    """How many of `user`'s notifications are unread (one query, on a partial index)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class PreferenceCell:
    kind: str
    channel: str
    label: str
    enabled: bool


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    channels: list[PreferenceCell]


def preferences_for(*, user) -> list[PreferenceRow]:
    """Every kind, in the order of `Kind`, with every channel and whether `user` wants it there
    (no row stored means yes). One query."""
    stored = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    return [
        PreferenceRow(
            kind=kind.value,
            label=str(kind.label),
            channels=[
                PreferenceCell(
                    kind=kind.value,
                    channel=channel.value,
                    label=str(channel.label),
                    enabled=stored.get((kind.value, channel.value), True),
                )
                for channel in Channel
            ],
        )
        for kind in Kind
    ]
