"""Sending to customers: in-app notifications and emails, through the outbox."""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

if TYPE_CHECKING:
    from notifications.models import Notification

logger = logging.getLogger(__name__)


def email_enqueue(*, message: EmailMultiAlternatives) -> None:
    """Send `message` from a Celery task once the current transaction commits.

    Mail servers are slow and fail; the request that caused the email should not wait for them,
    and an email about something rolled back must never leave.
    """
    from notifications.tasks import email_send

    html = next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html"), None
    )
    payload = {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "html": html,
        "headers": dict(message.extra_headers),
        "attachments": [
            (name, content.decode() if isinstance(content, bytes) else content, mimetype)
            for name, content, mimetype in message.attachments
        ],
    }
    transaction.on_commit(lambda: email_send.delay(**payload))


def booking_confirmation_email(*, booking_id: int) -> None:
    """The confirmation, in the customer's language, with text and HTML parts and an .ics file."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation
    from django.utils.translation import gettext as _

    from bookings.calendar import booking_ics
    from bookings.selectors import booking_detail

    booking = booking_detail(booking_id=booking_id)
    with translation.override(booking.customer.preferred_language):
        context = {"booking": booking}
        message = EmailMultiAlternatives(
            subject=_("Your booking %(reference)s is confirmed") % {"reference": booking.reference},
            body=render_to_string("bookings/email/confirmation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[booking.contact_email],
        )
        message.attach_alternative(
            render_to_string("bookings/email/confirmation.html", context), "text/html"
        )
    message.attach(f"safar-{booking.reference}.ics", booking_ics(booking), "text/calendar")
    message.send()


# The outbox -----------------------------------------------------------------------------------

# After failed delivery n (1-based), the next waits OUTBOX_RETRY_DELAYS[n - 1]; after the last,
# the message is given up (status failed, listed in the admin).
OUTBOX_RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
# Longer than a delivery takes: a message claimed by a worker that died is delivered again then.
OUTBOX_LEASE = dt.timedelta(minutes=5)
OUTBOX_BATCH = 50


def preference_enabled(*, user, kind: str, channel: str) -> bool:
    """Whether `user` wants `kind` on `channel` (yes unless they turned it off)."""
    from notifications.models import NotificationPreference

    return not NotificationPreference.objects.filter(
        user=user, kind=kind, channel=channel, enabled=False
    ).exists()


def outbox_write(*, channel: str, payload: dict, dedupe_key: str):
    """Inside the caller's transaction: record one message to deliver; relayed after the commit.
    The same `dedupe_key` again adds nothing (the event was already recorded)."""
    from notifications.models import OutboxMessage

    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={"channel": channel, "payload": payload, "next_attempt_at": timezone.now()},
    )
    if created:
        message_id = message.pk
        transaction.on_commit(lambda: _relay(message_id))
    return message


def _relay(message_id: int) -> None:
    """Hand a committed message to the queue; if the broker is down, the sweep finds it later."""
    from notifications.tasks import outbox_deliver

    try:
        outbox_deliver.delay(message_id=message_id)
    except Exception:  # the broker is down or refuses: never fail the request for it
        logger.warning("Outbox message %s not queued; outbox_relay will send it.", message_id)


def notify(
    *,
    user,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str,
    email: "EmailContent | None" = None,
) -> list:
    """Inside the caller's transaction: tell `user` about an event, on each channel they want.

    The in-app notification (`title`, `body`, `url`) and the email (already rendered, in the
    user's language) are outbox messages, keyed by `dedupe_key`: the same event told twice adds
    nothing. Returns the messages written.
    """
    from notifications.models import Channel

    written = []
    if preference_enabled(user=user, kind=kind, channel=Channel.IN_APP):
        written.append(
            outbox_write(
                channel="in_app",
                payload={"user": user.pk, "kind": kind, "title": title, "body": body, "url": url,
                         "dedupe_key": dedupe_key},
                dedupe_key=f"in_app:{user.pk}:{dedupe_key}",
            )
        )  # fmt: skip
    # A user without an address (erased, say) gets no email rather than one that bounces.
    if (
        email is not None
        and user.email
        and preference_enabled(user=user, kind=kind, channel=Channel.EMAIL)
    ):
        written.append(
            email_write(to=user.email, email=email, dedupe_key=f"{user.pk}:{dedupe_key}")
        )
    return written


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str = ""
    headers: dict[str, str] | None = None


def email_render(
    *, template: str, context: dict, language: str, subject: "str | Promise"
) -> EmailContent:
    """Render `<template>.txt` and `<template>.html` and the subject in `language`. `subject` is
    a msgid (gettext_lazy or a plain string to translate) formatted with `context`."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        # A plain string is a msgid too: translate it here, in `language` (str() alone would
        # send it in English); a lazy one translates itself when made a str.
        text = translation.gettext(subject) if isinstance(subject, str) else str(subject)
        return EmailContent(
            subject=text % context if "%(" in text else text,
            text=render_to_string(f"{template}.txt", context),
            html=render_to_string(f"{template}.html", context),
        )


def email_write(*, to: str, email: EmailContent, dedupe_key: str):
    """Inside the caller's transaction: an email to `to`, delivered after the commit."""
    return outbox_write(
        channel="email",
        payload={"to": [to], "subject": email.subject, "text": email.text, "html": email.html,
                 "headers": email.headers or {}},
        dedupe_key=f"email:{dedupe_key}",
    )  # fmt: skip


def outbox_deliver(*, message_id: int, now: dt.datetime | None = None) -> str:
    """Deliver one message if it is due and no other worker holds it; returns its status.

    The claim is a conditional update that moves `next_attempt_at` on by OUTBOX_LEASE, so two
    workers never send one message at once; the in-app notification is also unique per user and
    event. An email whose worker dies between sending and recording it may be sent again after
    the lease (at least once); everything else is exactly once.
    """
    from notifications.models import OutboxMessage

    now = now or timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + OUTBOX_LEASE, attempts=F("attempts") + 1)
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        return "missing"  # a task for a message deleted since (by staff): nothing to do
    if not claimed:
        return message.status  # sent already, given up, not yet due, or another worker has it
    # The outcome is recorded only while this worker still holds the claim (same attempt, still
    # pending): one that outlived its lease must not undo the delivery of the worker after it.
    ours = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.PENDING, attempts=message.attempts
    )
    try:
        _deliver(message)
    except Exception as exc:  # noqa: BLE001 - any failure is retried, then given up
        failed = message.attempts > len(OUTBOX_RETRY_DELAYS)
        status = OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING
        recorded = ours.update(
            status=status,
            next_attempt_at=None if failed else now + OUTBOX_RETRY_DELAYS[message.attempts - 1],
            last_error=f"{type(exc).__name__}: {exc}"[:300],
        )
        logger.warning(
            "Outbox message %s failed (attempt %s): %s", message.pk, message.attempts, exc
        )
        return status if recorded else _status(message.pk)
    recorded = ours.update(
        status=OutboxMessage.Status.SENT,
        next_attempt_at=None,
        sent_at=timezone.now(),
        last_error="",
    )
    return OutboxMessage.Status.SENT if recorded else _status(message.pk)


def _status(message_id: int) -> str:
    """The status another worker recorded after this one lost its claim."""
    from notifications.models import OutboxMessage

    logger.warning("Outbox message %s: claim lost to another worker after its lease.", message_id)
    return OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True).get()


def _deliver(message) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from notifications.models import Notification

    payload = message.payload
    if message.channel == "in_app":
        if not get_user_model().objects.filter(pk=payload["user"]).exists():
            # Deleted since (their notifications went with them): nothing to deliver, and
            # nothing to retry for the next 15 hours.
            logger.info("Outbox message %s: user %s is gone.", message.pk, payload["user"])
            return
        Notification.objects.get_or_create(
            user_id=payload["user"],
            dedupe_key=payload["dedupe_key"],
            defaults={"kind": payload["kind"], "title": payload["title"],
                      "body": payload.get("body", ""), "url": payload.get("url", "")},
        )  # fmt: skip
        return
    email = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        headers=payload.get("headers") or {},
    )
    if payload.get("html"):
        email.attach_alternative(payload["html"], "text/html")
    email.send()


def outbox_relay(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Deliver every due pending message (the broker was down, a retry is due, a worker died).
    Safe to run beside the workers: each message is claimed once per lease."""
    from notifications.models import OutboxMessage

    given = now
    now = now or timezone.now()
    done = {"sent": 0, "pending": 0, "failed": 0}
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    for message_id in list(due.values_list("pk", flat=True)[:OUTBOX_BATCH]):
        # Each claim's lease starts when that message is taken, not when the pass began: after
        # a few slow sends, a lease counted from the start would already be over, and the next
        # pass (a minute later) would send the same message again.
        status = outbox_deliver(message_id=message_id, now=given)
        done[status if status in done else "pending"] += 1
    return done


# The notification centre ------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> "Notification":
    """Mark one of `user`'s notifications read (the first reading's time is kept). Anyone
    else's, like a missing one, is Http404."""
    from django.shortcuts import get_object_or_404

    from notifications.models import Notification

    notification = get_object_or_404(Notification, pk=notification_id, user=user)
    if notification.read_at is None:
        now = timezone.now()
        # Conditional: two tabs marking it at once keep one time.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of `user` read; returns how many were unread."""
    from notifications.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_set(*, user, values: dict[tuple[str, str], bool]) -> None:
    """Turn kinds of notification on or off per channel for `user`: one row per pair given
    (created or updated in one statement); pairs not given keep their value."""
    from notifications.models import Channel, Kind, NotificationPreference

    unknown = [
        f"{kind}/{channel}"
        for kind, channel in values
        if kind not in Kind.values or channel not in Channel.values
    ]
    if unknown:
        message = _("Unknown kind or channel: %(pairs)s.") % {"pairs": ", ".join(sorted(unknown))}
        raise ApplicationError(message, extra={"preferences": [message]})
    if not values:
        return
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user=user, kind=kind, channel=channel, enabled=bool(enabled))
            for (kind, channel), enabled in sorted(values.items())
        ],
        update_conflicts=True,
        unique_fields=["user", "kind", "channel"],
        update_fields=["enabled", "updated_at"],
    )
