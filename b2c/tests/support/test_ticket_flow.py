"""Customers' replies, staff answers, the clock's pauses, reopening, rating and closing."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from b2c.models import SupportTicket, TicketMessage
from b2c.selectors.support import ticket_messages_for_customer, ticket_messages_for_staff
from b2c.services.support import (
    TicketNotFound,
    staff_reply,
    ticket_close,
    ticket_open,
    ticket_rate,
    ticket_reply,
    ticket_resolve,
    ticket_set_priority,
    tickets_close_resolved,
)
from b2c.tests.support.conftest import NOW, STAFF_DESK, pdf_upload, png_upload, stored_files
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory
from notifications.models import Notification, OutboxMessage
from notifications.services import outbox_relay

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def ticket(customer, frozen):
    return ticket_open(
        customer=customer,
        subject="Refund for my flight",
        category=SupportTicket.Category.REFUND,
        body="Where is my refund?",
    )


def state(ticket):
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.first_response_due,
        ticket.resolution_due,
        ticket.first_responded_at,
        ticket.paused_at,
        ticket.resolved_at,
        ticket.closed_at,
    )


def snapshot(ticket):
    return state(ticket), TicketMessage.objects.count(), OutboxMessage.objects.count()


def test_waiting_for_the_customer_adds_the_wait_to_both_due_times(ticket, customer, staff, frozen):
    frozen.tick(2 * HOUR)
    staff_reply(staff_user=staff, ticket_id=ticket.pk, body="Which card?", wait_for_customer=True)
    assert state(ticket) == (
        "waiting", NOW + 24 * HOUR, NOW + 72 * HOUR, NOW + 2 * HOUR, NOW + 2 * HOUR, None, None
    )  # fmt: skip

    frozen.tick(30 * HOUR + dt.timedelta(minutes=15))
    ticket_reply(customer=customer, ticket_id=ticket.pk, body="The Visa one.")

    waited = 30 * HOUR + dt.timedelta(minutes=15)
    assert state(ticket) == (
        "in_progress",
        NOW + 24 * HOUR + waited,
        NOW + 72 * HOUR + waited,
        NOW + 2 * HOUR,
        None,
        None,
        None,
    )


def test_a_new_priority_counts_from_the_opening_and_keeps_the_wait(ticket, customer, staff, frozen):
    staff_reply(staff_user=staff, ticket_id=ticket.pk, body="Which card?", wait_for_customer=True)
    frozen.tick(5 * HOUR)
    ticket_reply(customer=customer, ticket_id=ticket.pk, body="Visa.")

    ticket_set_priority(staff_user=staff, ticket_id=ticket.pk, priority="urgent")

    ticket.refresh_from_db()
    assert (ticket.priority, ticket.first_response_due, ticket.resolution_due) == (
        "urgent",
        NOW + 1 * HOUR + 5 * HOUR,
        NOW + 8 * HOUR + 5 * HOUR,
    )


def test_the_first_public_answer_sets_first_responded_at_once(ticket, staff, frozen):
    staff_reply(staff_user=staff, ticket_id=ticket.pk, body="Checking.", internal=True)
    assert state(ticket)[3] is None
    frozen.tick(HOUR)
    staff_reply(staff_user=staff, ticket_id=ticket.pk, body="On its way.")
    frozen.tick(HOUR)
    staff_reply(staff_user=staff, ticket_id=ticket.pk, body="Sent today.")

    assert state(ticket)[:4] == ("in_progress", NOW + 24 * HOUR, NOW + 72 * HOUR, NOW + HOUR)


def test_a_reply_within_the_reopen_days_reopens(ticket, customer, staff, frozen):
    ticket_resolve(staff_user=staff, ticket_id=ticket.pk)
    assert state(ticket)[0] == "resolved"
    assert state(ticket)[5] == NOW

    frozen.tick(7 * DAY)
    ticket_reply(customer=customer, ticket_id=ticket.pk, body="Still no refund.")

    assert state(ticket)[0] == "open"
    assert state(ticket)[5] is None


def test_a_reply_after_the_reopen_days_is_refused(ticket, customer, staff, frozen):
    ticket_resolve(staff_user=staff, ticket_id=ticket.pk)
    before = snapshot(ticket)
    frozen.tick(7 * DAY + dt.timedelta(seconds=1))

    with pytest.raises(ApplicationError) as refused:
        ticket_reply(customer=customer, ticket_id=ticket.pk, body="Still no refund.")

    assert refused.value.message == "This ticket is closed; open a new one."
    assert snapshot(ticket) == before


def test_a_reply_to_a_closed_ticket_is_refused(ticket, customer):
    ticket_close(customer=customer, ticket_id=ticket.pk)
    before = snapshot(ticket)

    with pytest.raises(ApplicationError) as refused:
        ticket_reply(customer=customer, ticket_id=ticket.pk, body="Hello?")

    assert refused.value.message == "This ticket is closed; open a new one."
    assert refused.value.extra == {}
    assert snapshot(ticket) == before
    assert state(ticket)[6] == NOW


def test_someone_elses_ticket_is_not_found(ticket, staff):
    stranger = CustomerFactory()
    before = snapshot(ticket)

    for attempt in (
        lambda: ticket_reply(customer=stranger, ticket_id=ticket.pk, body="Hi"),
        lambda: ticket_close(customer=stranger, ticket_id=ticket.pk),
        lambda: ticket_rate(customer=stranger, ticket_id=ticket.pk, satisfaction=1),
        lambda: ticket_reply(customer=stranger, ticket_id="nope", body="Hi"),
    ):
        with pytest.raises(TicketNotFound):
            attempt()

    assert snapshot(ticket) == before


def test_only_staff_answer(ticket, customer):
    before = snapshot(ticket)

    with pytest.raises(ApplicationError) as refused:
        staff_reply(staff_user=customer.user, ticket_id=ticket.pk, body="I am staff")

    assert refused.value.message == "Only staff may do this."
    assert snapshot(ticket) == before


def test_an_internal_note_is_hidden_from_the_customer_and_tells_nobody(
    ticket, customer, staff, delivered
):
    mail.outbox.clear()
    outbox_before = OutboxMessage.objects.count()

    note = delivered(
        staff_reply, staff_user=staff, ticket_id=ticket.pk, body="Refund stuck at bank.",
        internal=True,
    )  # fmt: skip

    assert (note.internal, note.from_staff, note.author) == (True, True, staff)
    assert [m.body for m in ticket_messages_for_customer(ticket=ticket)] == ["Where is my refund?"]
    assert [m.body for m in ticket_messages_for_staff(ticket=ticket)] == [
        "Where is my refund?",
        "Refund stuck at bank.",
    ]
    assert mail.outbox == []
    assert Notification.objects.filter(user=customer.user).count() == 0
    assert OutboxMessage.objects.count() == outbox_before
    assert state(ticket)[0] == "open"


def test_a_public_answer_tells_the_customer_once_in_their_language(
    ticket, customer, staff, delivered
):
    customer.preferred_language = "bn"
    customer.save()
    mail.outbox.clear()

    message = delivered(staff_reply, staff_user=staff, ticket_id=ticket.pk, body="Sent today.")

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [customer.user.email]
    assert email.extra_headers["Content-Language"] == "bn"
    assert 'lang="bn"' in email.alternatives[0][0]
    assert "Sent today." in email.body
    assert f"{settings.SITE_URL}/support/{ticket.pk}/" in email.body
    notification = Notification.objects.get(user=customer.user)
    assert (notification.kind, notification.url, notification.body) == (
        "account",
        f"/support/{ticket.pk}/",
        "Sent today.",
    )
    assert ticket.reference in notification.title
    outbox_relay()  # the sweep sends what is still pending (the desk's email of the opening)
    assert [email.to for email in mail.outbox] == [[customer.user.email], [STAFF_DESK]]
    assert (
        OutboxMessage.objects.filter(dedupe_key__contains=f"support-message:{message.pk}").count()
        == 2
    )


def test_a_customer_reply_tells_the_desk(ticket, customer, delivered):
    mail.outbox.clear()

    delivered(ticket_reply, customer=customer, ticket_id=ticket.pk, body="Any news?")

    assert [(email.to, email.subject) for email in mail.outbox] == [
        ([STAFF_DESK], f"Customer reply on {ticket.reference}: Refund for my flight")
    ]
    assert "Any news?" in mail.outbox[0].body


def test_resolving_tells_the_customer_and_asks_for_a_rating(ticket, customer, staff, delivered):
    mail.outbox.clear()

    delivered(ticket_resolve, staff_user=staff, ticket_id=ticket.pk)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Your ticket {ticket.reference} is resolved"
    assert "Rate the help from 1 to 5" in mail.outbox[0].body
    assert Notification.objects.filter(user=customer.user, kind="account").count() == 1


def test_rating_a_resolved_ticket_once(ticket, customer, staff):
    ticket_resolve(staff_user=staff, ticket_id=ticket.pk)

    ticket_rate(customer=customer, ticket_id=ticket.pk, satisfaction=4, comment=" Quick. ")
    ticket.refresh_from_db()
    assert (ticket.satisfaction, ticket.satisfaction_comment) == (4, "Quick.")

    with pytest.raises(ApplicationError) as refused:
        ticket_rate(customer=customer, ticket_id=ticket.pk, satisfaction=1)
    assert refused.value.message == "You have already rated this ticket."
    ticket.refresh_from_db()
    assert (ticket.satisfaction, ticket.satisfaction_comment) == (4, "Quick.")


def test_rating_an_open_ticket_or_out_of_range_is_refused(ticket, customer, staff):
    with pytest.raises(ApplicationError) as refused:
        ticket_rate(customer=customer, ticket_id=ticket.pk, satisfaction=5)
    assert refused.value.message == "You can rate the help once the ticket is resolved."

    ticket_close(staff_user=staff, ticket_id=ticket.pk)
    for bad in (0, 6, "5", None, True):
        with pytest.raises(ApplicationError) as refused:
            ticket_rate(customer=customer, ticket_id=ticket.pk, satisfaction=bad)
        assert refused.value.extra == {"satisfaction": ["Choose a rating from 1 to 5."]}
    ticket.refresh_from_db()
    assert ticket.satisfaction is None

    ticket_rate(customer=customer, ticket_id=ticket.pk, satisfaction=5)
    ticket.refresh_from_db()
    assert ticket.satisfaction == 5


def test_the_job_closes_tickets_resolved_more_than_the_reopen_days_ago(customer, staff, frozen):
    def opened(subject):
        return ticket_open(customer=customer, subject=subject, category="other", body="Help")

    old, recent, open_one = opened("Old one"), opened("Recent one"), opened("Open one")
    ticket_resolve(staff_user=staff, ticket_id=old.pk)
    frozen.tick(2 * DAY)
    ticket_resolve(staff_user=staff, ticket_id=recent.pk)

    run_at = NOW + 7 * DAY + dt.timedelta(seconds=1)
    assert tickets_close_resolved(now=run_at) == 1
    assert tickets_close_resolved(now=run_at) == 0

    assert state(old)[0] == "closed" and state(old)[6] == run_at
    assert state(recent)[0] == "resolved"
    assert state(open_one)[0] == "open"


def test_a_refused_reply_with_attachments_stores_no_file(ticket, customer, storage_dirs):
    ticket_close(customer=customer, ticket_id=ticket.pk)
    before = snapshot(ticket)

    with pytest.raises(ApplicationError):
        ticket_reply(
            customer=customer,
            ticket_id=ticket.pk,
            body="Look",
            attachments=[pdf_upload(), png_upload()],
        )

    assert snapshot(ticket) == before
    assert stored_files(storage_dirs) == []


def test_an_internal_note_cannot_wait_for_the_customer(ticket, staff):
    before = snapshot(ticket)

    with pytest.raises(ApplicationError) as refused:
        staff_reply(
            staff_user=staff, ticket_id=ticket.pk, body="Hm", internal=True, wait_for_customer=True
        )

    assert refused.value.message == "An internal note cannot wait for the customer."
    assert snapshot(ticket) == before


def test_a_staff_reply_with_an_attachment_is_stored_privately(ticket, staff, storage_dirs):
    message = staff_reply(
        staff_user=staff,
        ticket_id=ticket.pk,
        body="Your receipt",
        attachments=[pdf_upload("r.pdf")],
    )

    attachment = message.attachments.get()
    assert attachment.name == "r.pdf"
    assert stored_files(storage_dirs) == [f"private/{attachment.file.name}"]


def test_the_daily_command_closes_tickets_resolved_over_a_week_ago():
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from b2c.models import SupportTicket
    from core.testing.factories import CustomerFactory

    now = timezone.now()
    customer = CustomerFactory()
    values = {"customer": customer, "subject": "Refund", "category": "refund",
              "first_response_due": now, "resolution_due": now, "status": "resolved"}  # fmt: skip
    old = SupportTicket.objects.create(**values, resolved_at=now - dt.timedelta(days=8))
    recent = SupportTicket.objects.create(**values, resolved_at=now - dt.timedelta(days=6))

    call_command("close_resolved_tickets", verbosity=0)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == ("closed", "resolved")
