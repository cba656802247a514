"""The outbox: notify() writes one message per wanted channel in the caller's transaction; after
the commit each is delivered once, a broker or mail server that is down delays it (with backoff)
but never fails the caller or loses it."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from freezegun import freeze_time

from notifications import services
from notifications.models import Channel, Kind, Notification, NotificationPreference, OutboxMessage
from notifications.services import (
    EmailContent,
    email_render,
    notify,
    outbox_deliver,
    outbox_relay,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
EMAIL = EmailContent(
    subject="Dubai fares fell to $199",
    text="Fly DXB-LHR for $199.",
    html="<p>Fly DXB-LHR for <b>$199</b>.</p>",
    headers={"X-Safar-Kind": "price_drop"},
)


class MailServerDown(BaseEmailBackend):
    """Every send fails, as when the SMTP server refuses connections."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def user(customer):
    return customer.user


def tell(user, key="drop-1", email=EMAIL):
    return notify(
        user=user,
        kind=Kind.PRICE_DROP,
        title="Price drop: Dubai to London",
        body="Now $199, was $260.",
        url="/wishlists/3/",
        dedupe_key=key,
        email=email,
    )


def turn_off(user, kind, channel):
    NotificationPreference.objects.create(user=user, kind=kind, channel=channel, enabled=False)


def test_notify_writes_an_in_app_and_an_email_message(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        written = tell(user)

    assert [(m.channel, m.dedupe_key, m.status, m.attempts) for m in written] == [
        ("in_app", f"in_app:{user.pk}:drop-1", "pending", 0),
        ("email", f"email:{user.pk}:drop-1", "pending", 0),
    ]
    assert written[0].payload == {
        "user": user.pk,
        "kind": "price_drop",
        "title": "Price drop: Dubai to London",
        "body": "Now $199, was $260.",
        "url": "/wishlists/3/",
        "dedupe_key": "drop-1",
    }
    assert written[1].payload == {
        "to": [user.email],
        "subject": "Dubai fares fell to $199",
        "text": "Fly DXB-LHR for $199.",
        "html": "<p>Fly DXB-LHR for <b>$199</b>.</p>",
        "headers": {"X-Safar-Kind": "price_drop"},
    }
    assert len(callbacks) == 2
    # Nothing delivered before the commit.
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_email_turned_off_writes_only_the_in_app_message(user, django_capture_on_commit_callbacks):
    turn_off(user, Kind.PRICE_DROP, Channel.EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        written = tell(user)

    assert [m.channel for m in written] == ["in_app"]
    assert OutboxMessage.objects.count() == 1
    assert Notification.objects.filter(user=user).count() == 1
    assert mail.outbox == []


def test_in_app_turned_off_writes_only_the_email(user, django_capture_on_commit_callbacks):
    turn_off(user, Kind.PRICE_DROP, Channel.IN_APP)

    with django_capture_on_commit_callbacks(execute=True):
        written = tell(user)

    assert [m.channel for m in written] == ["email"]
    assert Notification.objects.count() == 0
    assert [(m.subject, m.to) for m in mail.outbox] == [("Dubai fares fell to $199", [user.email])]


def test_another_kind_turned_off_changes_nothing(user, django_capture_on_commit_callbacks):
    turn_off(user, Kind.ADVISORY, Channel.EMAIL)
    turn_off(user, Kind.ADVISORY, Channel.IN_APP)

    with django_capture_on_commit_callbacks():
        written = tell(user)

    assert [m.channel for m in written] == ["in_app", "email"]


def test_a_preference_row_left_on_is_on(user, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(
        user=user, kind=Kind.PRICE_DROP, channel=Channel.EMAIL, enabled=True
    )

    with django_capture_on_commit_callbacks():
        written = tell(user)

    assert [m.channel for m in written] == ["in_app", "email"]


def test_no_email_content_means_in_app_only(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        written = tell(user, email=None)

    assert [m.channel for m in written] == ["in_app"]


def test_a_user_without_an_address_gets_no_email(user, django_capture_on_commit_callbacks):
    user.email = ""
    user.save(update_fields=["email"])

    with django_capture_on_commit_callbacks():
        written = tell(user)

    assert [m.channel for m in written] == ["in_app"]
    assert not OutboxMessage.objects.filter(channel="email").exists()


def test_the_same_event_twice_writes_nothing_more(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = tell(user)
        second = tell(user)

    assert [m.pk for m in second] == [m.pk for m in first]
    assert len(callbacks) == 2
    assert OutboxMessage.objects.count() == 2
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1

    # Told again later (a retried alert pass): still nothing more.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tell(user)
    assert callbacks == []
    assert (OutboxMessage.objects.count(), Notification.objects.count(), len(mail.outbox)) == (
        2,
        1,
        1,
    )


def test_the_same_key_for_two_users_tells_both(user, other_customer):
    with transaction.atomic():
        tell(user)
        tell(other_customer.user)

    assert OutboxMessage.objects.count() == 4


def test_on_commit_one_notification_and_one_email(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        tell(user)

    notification = Notification.objects.get()
    assert (
        notification.user_id,
        notification.kind,
        notification.title,
        notification.body,
        notification.url,
        notification.dedupe_key,
        notification.read_at,
    ) == (
        user.pk,
        "price_drop",
        "Price drop: Dubai to London",
        "Now $199, was $260.",
        "/wishlists/3/",
        "drop-1",
        None,
    )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.body, sent.to, sent.from_email) == (
        "Dubai fares fell to $199",
        "Fly DXB-LHR for $199.",
        [user.email],
        "Safar <no-reply@safar.example>",
    )
    assert sent.alternatives[0].content == "<p>Fly DXB-LHR for <b>$199</b>.</p>"
    assert sent.alternatives[0].mimetype == "text/html"
    assert sent.extra_headers == {"X-Safar-Kind": "price_drop"}
    assert list(OutboxMessage.objects.values_list("status", "attempts", "next_attempt_at")) == [
        ("sent", 1, None),
        ("sent", 1, None),
    ]
    assert all(m.sent_at is not None for m in OutboxMessage.objects.all())


def test_the_tasks_run_inline_in_the_quickstart(settings):
    # Without REDIS_URL, as in these tests, the queue is eager: .delay() runs the task at once.
    from config.celery import app

    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert app.conf.task_always_eager is True


def test_a_rolled_back_transaction_sends_nothing(user, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell(user)
        raise RuntimeError("the booking failed")

    assert callbacks == []
    assert OutboxMessage.objects.count() == 0
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_broker_that_is_down_fails_nothing_and_the_relay_delivers(
    user, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import tasks

    def broker_down(**kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.outbox_deliver, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        written = tell(user)

    assert [m.pk for m in written] == list(
        OutboxMessage.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True)
    )
    assert Notification.objects.count() == 0
    assert mail.outbox == []

    assert outbox_relay() == {"sent": 2, "pending": 0, "failed": 0}

    assert Notification.objects.filter(user=user, dedupe_key="drop-1").count() == 1
    assert len(mail.outbox) == 1
    assert outbox_relay() == {"sent": 0, "pending": 0, "failed": 0}
    assert len(mail.outbox) == 1


def test_the_relay_command_reports_what_it_did(user, monkeypatch):
    from django.core.management import call_command

    from notifications import tasks

    monkeypatch.setattr(tasks.outbox_deliver, "delay", lambda **kwargs: 1 / 0)
    with transaction.atomic():
        tell(user)
    out = io.StringIO()

    call_command("relay_outbox", stdout=out)

    assert out.getvalue() == "2 sent, 0 to retry, 0 given up.\n"


def test_a_failing_mail_server_is_retried_with_backoff_then_given_up(
    user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "notifications.tests.test_outbox.MailServerDown"
    start = dt.datetime(2026, 3, 1, 10, 0, tzinfo=UTC)

    def email_message():
        return OutboxMessage.objects.get(channel="email")

    def state():
        message = email_message()
        return message.status, message.attempts, message.next_attempt_at

    with freeze_time(start) as clock:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            tell(user)

        # The in-app notification is not held up by the email.
        assert Notification.objects.count() == 1
        assert OutboxMessage.objects.get(channel="in_app").status == "sent"
        assert state() == ("pending", 1, start + dt.timedelta(minutes=1))
        assert email_message().last_error == "ConnectionRefusedError: mail server down"

        # Not due yet: nothing tried.
        clock.move_to(start + dt.timedelta(seconds=59))
        assert outbox_relay() == {"sent": 0, "pending": 0, "failed": 0}
        assert state() == ("pending", 1, start + dt.timedelta(minutes=1))

        schedule = [
            (start + dt.timedelta(minutes=1), 2, start + dt.timedelta(minutes=6)),
            (start + dt.timedelta(minutes=6), 3, start + dt.timedelta(minutes=36)),
            (start + dt.timedelta(minutes=36), 4, start + dt.timedelta(hours=2, minutes=36)),
            (
                start + dt.timedelta(hours=2, minutes=36),
                5,
                start + dt.timedelta(hours=14, minutes=36),
            ),
        ]
        for when, attempts, next_at in schedule:
            clock.move_to(when)
            assert outbox_relay() == {"sent": 0, "pending": 1, "failed": 0}
            assert state() == ("pending", attempts, next_at)

        clock.move_to(start + dt.timedelta(hours=14, minutes=36))
        assert outbox_relay() == {"sent": 0, "pending": 0, "failed": 1}
        assert state() == ("failed", 6, None)
        assert email_message().last_error == "ConnectionRefusedError: mail server down"
        assert email_message().sent_at is None

        # Given up: never tried again.
        clock.move_to(start + dt.timedelta(days=30))
        assert outbox_relay() == {"sent": 0, "pending": 0, "failed": 0}
        assert outbox_deliver(message_id=email_message().pk) == "failed"
        assert state() == ("failed", 6, None)
    assert mail.outbox == []


def test_the_mail_server_back_up_the_retry_sends_once(
    user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "notifications.tests.test_outbox.MailServerDown"
    start = dt.datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    with freeze_time(start) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            tell(user, email=EMAIL)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        clock.move_to(start + dt.timedelta(minutes=1))

        assert outbox_relay() == {"sent": 1, "pending": 0, "failed": 0}

        message = OutboxMessage.objects.get(channel="email")
        assert (message.status, message.attempts, message.next_attempt_at, message.last_error) == (
            "sent",
            2,
            None,
            "",
        )
        assert message.sent_at == start + dt.timedelta(minutes=1)
    assert len(mail.outbox) == 1


def test_two_deliveries_of_one_message_deliver_once(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        in_app, email = tell(user)
    assert len(callbacks) == 2  # not run: the deliveries below stand for two workers

    assert outbox_deliver(message_id=in_app.pk) == "sent"
    assert outbox_deliver(message_id=in_app.pk) == "sent"
    assert outbox_deliver(message_id=email.pk) == "sent"
    assert outbox_deliver(message_id=email.pk) == "sent"

    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1]


def test_a_message_held_by_another_worker_is_left_alone(user):
    start = dt.datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    with freeze_time(start):
        with transaction.atomic():
            (in_app,) = tell(user, email=None)
        # Another worker claimed it and is delivering it (its lease runs 5 minutes).
        OutboxMessage.objects.filter(pk=in_app.pk).update(
            next_attempt_at=start + services.OUTBOX_LEASE, attempts=1
        )

        assert outbox_deliver(message_id=in_app.pk) == "pending"
        assert Notification.objects.count() == 0

    # Its worker died: after the lease, the relay delivers it.
    with freeze_time(start + dt.timedelta(minutes=5)):
        assert outbox_relay() == {"sent": 1, "pending": 0, "failed": 0}
    assert Notification.objects.count() == 1
    assert OutboxMessage.objects.get().attempts == 2


def test_a_worker_that_outlived_its_lease_does_not_undo_the_next(user, monkeypatch):
    """Worker A claims, stalls past the lease and fails; worker B meanwhile delivered it. A's
    late failure must not put the sent message back to pending (it would be sent twice)."""
    start = dt.datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    with freeze_time(start), transaction.atomic():
        (email,) = tell(user, email=EMAIL)[1:]
    real_deliver = services._deliver

    def stalled_then_failed(message):
        # While A hangs, its lease runs out and B delivers the message.
        monkeypatch.setattr(services, "_deliver", real_deliver)
        assert outbox_deliver(message_id=message.pk, now=start + dt.timedelta(minutes=6)) == "sent"
        raise TimeoutError("A's SMTP connection timed out")

    monkeypatch.setattr(services, "_deliver", stalled_then_failed)

    assert outbox_deliver(message_id=email.pk, now=start) == "sent"

    message = OutboxMessage.objects.get(pk=email.pk)
    assert (message.status, message.attempts, message.next_attempt_at) == ("sent", 2, None)
    assert len(mail.outbox) == 1


def test_a_message_that_no_longer_exists_is_skipped():
    assert outbox_deliver(message_id=999_999) == "missing"


def test_email_render_translates_a_plain_subject_and_both_parts(user):
    content = email_render(
        template="notifications/email/notification",
        context={
            "reference": "SFR7Q2",
            "title": "SFR7Q2",
            "body": "Dubai & back",
            "link": "https://safar.example/bookings/1/",
        },
        language="ar",
        subject="Your booking %(reference)s is confirmed",
    )

    assert content.subject == "تم تأكيد حجزك SFR7Q2"
    assert "Dubai & back" in content.text  # plain text is not HTML-escaped
    assert "Dubai &amp; back" in content.html
    assert '<html lang="ar" dir="rtl">' in content.html
    assert '<a href="https://safar.example/bookings/1/">' in content.html


def test_email_render_formats_a_lazy_subject_in_the_language(user):
    from django.utils.translation import gettext_lazy

    content = email_render(
        template="notifications/email/notification",
        context={"reference": "SFR7Q2", "title": "t", "body": "", "link": ""},
        language="en",
        subject=gettext_lazy("Your booking %(reference)s is confirmed"),
    )

    assert content.subject == "Your booking SFR7Q2 is confirmed"
    assert content.html.startswith("<!DOCTYPE html>")


def test_each_claim_of_a_relay_pass_gets_a_full_lease(user, other_customer, monkeypatch):
    """A pass whose first sends are slow must not hand later messages a lease already over (the
    next pass, a minute later, would send them a second time)."""
    start = dt.datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    leases = []
    real_deliver = services._deliver
    with freeze_time(start) as clock:
        with transaction.atomic():
            (first,) = tell(user, email=None)
            (second,) = tell(other_customer.user, email=None)

        def slow(message):
            leases.append(OutboxMessage.objects.get(pk=message.pk).next_attempt_at)
            clock.tick(dt.timedelta(minutes=6))  # a mail server taking its time
            real_deliver(message)

        monkeypatch.setattr(services, "_deliver", slow)

        assert outbox_relay() == {"sent": 2, "pending": 0, "failed": 0}

    assert leases == [start + dt.timedelta(minutes=5), start + dt.timedelta(minutes=11)]
    assert Notification.objects.count() == 2


def test_a_notification_for_a_deleted_user_is_dropped_not_retried(user):
    from b2c.models import Customer

    with transaction.atomic():
        (message,) = tell(user, email=None)
    Customer.objects.filter(user=user).delete()  # a customer protects their user
    user.delete()

    assert outbox_deliver(message_id=message.pk) == "sent"

    assert Notification.objects.count() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
