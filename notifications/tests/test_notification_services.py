"""Marking notifications read, the unread count, and preferences per kind and channel."""

import datetime as dt

import pytest
from django.http import Http404
from freezegun import freeze_time

from core.exceptions import ApplicationError
from notifications.models import Channel, Kind, Notification, NotificationPreference
from notifications.selectors import notification_list, preferences_for, unread_count
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preference_enabled,
    preferences_set,
)
from notifications.tests.helpers import notification_for

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
READ_BEFORE = dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def user(customer):
    return customer.user


def test_mark_read_sets_the_time_once(user):
    notification = notification_for(user)

    with freeze_time(NOW):
        marked = notification_mark_read(user=user, notification_id=notification.pk)
    with freeze_time(NOW + dt.timedelta(hours=1)):
        again = notification_mark_read(user=user, notification_id=notification.pk)

    assert marked.read_at == NOW
    assert again.read_at == NOW
    notification.refresh_from_db()
    assert notification.read_at == NOW


def test_someone_elses_notification_is_not_found_and_stays_unread(user, other_customer):
    theirs = notification_for(other_customer.user)

    with pytest.raises(Http404):
        notification_mark_read(user=user, notification_id=theirs.pk)
    with pytest.raises(Http404):
        notification_mark_read(user=user, notification_id=theirs.pk + 1000)

    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_counts_only_the_unread_of_that_user(user, other_customer):
    unread = [notification_for(user, index) for index in range(1, 4)]
    read = notification_for(user, 4, read=True)
    theirs = notification_for(other_customer.user, 5)

    with freeze_time(NOW):
        assert notifications_mark_all_read(user=user) == 3
        assert notifications_mark_all_read(user=user) == 0

    assert [Notification.objects.get(pk=n.pk).read_at for n in unread] == [NOW, NOW, NOW]
    assert Notification.objects.get(pk=read.pk).read_at == READ_BEFORE
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_unread_count_and_list(user, other_customer):
    first = notification_for(user, 1)
    second = notification_for(user, 2, read=True)
    third = notification_for(user, 3)
    notification_for(other_customer.user, 4)

    assert unread_count(user=user) == 2
    assert list(notification_list(user=user)) == [third, second, first]
    assert list(notification_list(user=user, unread=True)) == [third, first]
    assert list(notification_list(user=user, unread=False)) == [second]


def test_preferences_default_to_on_for_every_kind_and_channel(user):
    grid = preferences_for(user=user)

    assert [(row.kind, str(row.label)) for row in grid] == [
        ("price_drop", "Price drops"),
        ("travel_reminder", "Travel reminders"),
        ("flight_change", "Changes to my flights"),
        ("advisory", "Travel advisories"),
        ("loyalty", "Points and tiers"),
        ("account", "Account and bookings"),
    ]
    assert {
        (cell.kind, cell.channel, cell.label, cell.enabled) for row in grid for cell in row.channels
    } == {
        (kind, channel, label, True)
        for kind in Kind.values
        for channel, label in [("in_app", "On Safar"), ("email", "By email")]
    }


def test_preferences_set_creates_then_updates_rows(user, other_customer):
    preferences_set(
        user=user,
        values={(Kind.PRICE_DROP, Channel.EMAIL): False, (Kind.ADVISORY, Channel.IN_APP): False},
    )
    preferences_set(
        user=user,
        values={(Kind.PRICE_DROP, Channel.EMAIL): True, (Kind.LOYALTY, Channel.EMAIL): False},
    )

    rows = NotificationPreference.objects.filter(user=user).order_by("kind", "channel")
    assert list(rows.values_list("kind", "channel", "enabled")) == [
        ("advisory", "in_app", False),
        ("loyalty", "email", False),
        ("price_drop", "email", True),
    ]
    assert NotificationPreference.objects.filter(user=other_customer.user).count() == 0
    off = {
        (cell.kind, cell.channel)
        for row in preferences_for(user=user)
        for cell in row.channels
        if not cell.enabled
    }
    assert off == {("advisory", "in_app"), ("loyalty", "email")}
    assert preference_enabled(user=user, kind="loyalty", channel="email") is False
    assert preference_enabled(user=user, kind="price_drop", channel="email") is True
    assert preference_enabled(user=other_customer.user, kind="loyalty", channel="email") is True


def test_preferences_set_refuses_unknown_pairs_and_changes_nothing(user):
    with pytest.raises(ApplicationError) as refused:
        preferences_set(
            user=user,
            values={(Kind.PRICE_DROP, Channel.EMAIL): False, ("spam", Channel.EMAIL): False},
        )

    assert refused.value.message == "Unknown kind or channel: spam/email."
    assert NotificationPreference.objects.count() == 0


def test_preferences_set_with_nothing_changes_nothing(user):
    preferences_set(user=user, values={})

    assert NotificationPreference.objects.count() == 0
