"""Staff see notifications, preferences and the outbox; they can only retry given-up messages."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from notifications.models import NotificationPreference, OutboxMessage
from notifications.services import outbox_relay
from notifications.tests.helpers import notification_for

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def message(key, status, **fields):
    return OutboxMessage.objects.create(
        channel="in_app",
        payload=fields.pop(
            "payload",
            {"user": fields.pop("user_id", 0), "kind": "advisory", "title": key, "body": "",
             "url": "", "dedupe_key": key},
        ),
        dedupe_key=f"in_app:{key}",
        status=status,
        next_attempt_at=fields.pop("next_attempt_at", NOW if status == "pending" else None),
        **fields,
    )  # fmt: skip


def test_notifications_are_listed_read_only_with_filters(admin_client, customer):
    notification_for(customer.user, 1, title="Unread one")
    read = notification_for(customer.user, 2, read=True, title="Read one")
    url = reverse("admin:notifications_notification_changelist")

    unread = admin_client.get(url, {"read": "no"})
    by_kind = admin_client.get(url, {"kind__exact": "price_drop"})
    page = admin_client.get(reverse("admin:notifications_notification_change", args=[read.pk]))
    edit = admin_client.post(
        reverse("admin:notifications_notification_change", args=[read.pk]), {"title": "x"}
    )
    add = admin_client.get(reverse("admin:notifications_notification_add"))

    assert [n.title for n in unread.context["cl"].result_list] == ["Unread one"]
    assert by_kind.context["cl"].result_count == 2
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    assert (edit.status_code, add.status_code) == (403, 403)
    read.refresh_from_db()
    assert read.title == "Read one"


def test_preferences_are_read_only(admin_client, customer):
    preference = NotificationPreference.objects.create(
        user=customer.user, kind="loyalty", channel="email", enabled=False
    )

    listing = admin_client.get(reverse("admin:notifications_notificationpreference_changelist"))
    delete = admin_client.post(
        reverse("admin:notifications_notificationpreference_delete", args=[preference.pk]),
        {"post": "yes"},
    )

    assert listing.context["cl"].result_count == 1
    assert delete.status_code == 403
    assert NotificationPreference.objects.count() == 1


def test_the_outbox_shows_status_attempts_and_the_payload(admin_client):
    failed = message(
        "advisory-1", "failed", attempts=6, last_error="ConnectionRefusedError: mail server down"
    )
    message("advisory-2", "sent", attempts=1)
    url = reverse("admin:notifications_outboxmessage_changelist")

    listing = admin_client.get(url, {"status__exact": "failed"})
    page = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[failed.pk]))

    assert [m.pk for m in listing.context["cl"].result_list] == [failed.pk]
    assert "ConnectionRefusedError: mail server down" in listing.content.decode()
    html = page.content.decode()
    assert "&quot;dedupe_key&quot;: &quot;advisory-1&quot;" in html
    assert 'name="payload"' not in html


def test_retry_now_requeues_only_given_up_messages_and_the_relay_sends_them(admin_client, customer):
    failed = message(
        "advisory-1",
        "failed",
        attempts=6,
        last_error="ConnectionRefusedError: mail server down",
        payload={"user": customer.user.pk, "kind": "advisory", "title": "Strike in Paris",
                 "body": "", "url": "", "dedupe_key": "advisory-1"},
    )  # fmt: skip
    sent = message("advisory-2", "sent", attempts=1)
    later = NOW + dt.timedelta(hours=1)
    pending = message("advisory-3", "pending", attempts=2, next_attempt_at=later)

    with freeze_time(NOW):
        response = admin_client.post(
            reverse("admin:notifications_outboxmessage_changelist"),
            {"action": "retry_now", "_selected_action": [failed.pk, sent.pk, pending.pk]},
            follow=True,
        )

    assert "1 message will be sent again." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("pending", 0, NOW)
    sent.refresh_from_db()
    assert (sent.status, sent.next_attempt_at) == ("sent", None)
    pending.refresh_from_db()
    assert (pending.status, pending.attempts, pending.next_attempt_at) == (
        "pending",
        2,
        NOW + dt.timedelta(hours=1),
    )

    with freeze_time(NOW):
        assert outbox_relay() == {"sent": 1, "pending": 0, "failed": 0}
    assert customer.user.notifications.get().title == "Strike in Paris"
