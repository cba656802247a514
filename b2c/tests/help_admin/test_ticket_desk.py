"""The ticket's page in the admin: staff answer, write internal notes, assign, change the
priority, resolve and close, each through the support services; the queue's bulk actions."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone

from b2c.models import SupportTicket, TicketAttachment, TicketMessage
from b2c.services.support import staff_reply, ticket_close, ticket_open, ticket_resolve
from b2c.tests.referrals.helpers import booking_for
from b2c.tests.support.conftest import NOW, pdf_upload, png_upload, stored_files
from core.testing.factories import CustomerFactory, UserFactory
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def ticket(customer, frozen):
    customer.user.email = "layla@example.com"
    customer.user.save()
    return ticket_open(
        customer=customer,
        subject="Refund for my flight",
        category=SupportTicket.Category.REFUND,
        body="Where is my refund?",
        booking_id=booking_for(customer).pk,
    )


def url(name, ticket):
    return reverse(f"admin:b2c_supportticket_{name}", args=[ticket.pk])


def state(ticket):
    ticket.refresh_from_db()
    return (
        ticket.status, ticket.priority, ticket.assigned_to_id,
        ticket.first_response_due, ticket.resolution_due, ticket.first_responded_at,
        ticket.paused_at, ticket.resolved_at, ticket.closed_at,
    )  # fmt: skip


def snapshot(ticket):
    return (
        state(ticket),
        TicketMessage.objects.count(),
        TicketAttachment.objects.count(),
        OutboxMessage.objects.count(),
    )


def shown(response):
    """The messages for staff queued by the request that `response` answered."""
    storage = get_messages(response.wsgi_request)
    return [str(m) for m in storage]


def post(client, path, data=None):
    """Post as a browser does, and read the messages shown on the page it lands on."""
    response = client.post(path, data or {})
    if response.status_code == 302:
        page = client.get(response.url)
        response.shown = [str(m) for m in page.context["messages"]]
    else:
        response.shown = [str(m) for m in response.context["messages"]]
    return response


def moment(value):
    """A date and time as the admin shows it."""
    return formats.localize(timezone.template_localtime(value))


def test_a_staff_answer_is_stored_and_emailed_to_the_customer(
    desk_client, ticket, agent, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = desk_client.post(
            url("reply", ticket),
            {"body": "Your refund left us today.", "attachments": [pdf_upload()]},
        )

    assert response.status_code == 302
    assert response.url == url("change", ticket)
    assert shown(response) == ["The answer is sent to the customer."]
    message = ticket.messages.order_by("id").last()
    assert (message.body, message.from_staff, message.internal, message.author) == (
        "Your refund left us today.", True, False, agent,
    )  # fmt: skip
    assert [a.name for a in message.attachments.all()] == ["ticket.pdf"]
    assert [email.to for email in mail.outbox] == [["layla@example.com"]]
    assert "Your refund left us today." in mail.outbox[0].body
    assert state(ticket)[0] == "in_progress"
    assert state(ticket)[5] == NOW


def test_an_internal_note_is_stored_and_nobody_is_told(
    desk_client, ticket, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    outbox = OutboxMessage.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = desk_client.post(
            url("reply", ticket), {"body": "Bank says 3 more days.", "internal": "on"}
        )

    assert response.status_code == 302
    assert shown(response) == ["The internal note is added."]
    note = ticket.messages.order_by("id").last()
    assert (note.body, note.from_staff, note.internal) == ("Bank says 3 more days.", True, True)
    assert mail.outbox == []
    assert OutboxMessage.objects.count() == outbox
    assert state(ticket)[0] == "open"


def test_an_empty_answer_is_refused_and_nothing_is_stored(desk_client, ticket, storage_dirs):
    before = snapshot(ticket)

    response = desk_client.post(
        url("reply", ticket),
        {"body": "   ", "wait_for_customer": "on", "attachments": [png_upload()]},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert shown(response) == ["Write a message."]
    assert page.count("Write a message.") == 2  # the page's message and beside the field
    assert 'id="id_wait_for_customer" checked' in page
    assert snapshot(ticket) == before
    assert stored_files(storage_dirs / "private") == []


def test_a_refused_answer_keeps_what_staff_wrote(desk_client, ticket):
    before = snapshot(ticket)

    response = desk_client.post(
        url("reply", ticket),
        {"body": "Checking with the airline", "internal": "on", "wait_for_customer": "on"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert shown(response) == ["An internal note cannot wait for the customer."]
    assert ">\nChecking with the airline</textarea>" in page
    assert 'id="id_internal" checked' in page
    assert snapshot(ticket) == before


def test_the_reply_page_shows_the_form(desk_client, ticket):
    response = desk_client.get(url("reply", ticket))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<textarea name="body"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Where is my refund?" in page


def test_staff_assign_and_unassign_a_ticket(desk_client, ticket):
    colleague = UserFactory(is_staff=True, email="omar@safar.test")

    assigned = post(desk_client, url("assign", ticket), {"assignee": colleague.pk})
    assert (assigned.status_code, assigned.shown) == (
        302, ["The ticket is assigned to omar@safar.test."]
    )  # fmt: skip
    assert state(ticket)[2] == colleague.pk

    unassigned = post(desk_client, url("assign", ticket), {"assignee": ""})
    assert unassigned.shown == ["The ticket is assigned to nobody."]
    assert state(ticket)[2] is None


def test_a_ticket_is_not_given_to_someone_outside_the_staff(desk_client, ticket, customer):
    before = snapshot(ticket)

    response = desk_client.post(url("assign", ticket), {"assignee": customer.user.pk})

    assert response.status_code == 200
    assert shown(response) == ["Choose a member of staff."]
    assert snapshot(ticket) == before


def test_a_new_priority_moves_the_due_times(desk_client, ticket):
    response = desk_client.post(url("priority", ticket), {"priority": "urgent"})

    assert shown(response) == ["The priority is now Urgent."]
    assert state(ticket)[1:5] == ("urgent", None, NOW + HOUR, NOW + 8 * HOUR)


def test_an_unknown_priority_is_refused(desk_client, ticket):
    before = snapshot(ticket)

    response = desk_client.post(url("priority", ticket), {"priority": "critical"})

    assert response.status_code == 200
    assert shown(response) == ["Choose a priority."]
    assert snapshot(ticket) == before


def test_staff_resolve_then_close_a_ticket(desk_client, ticket, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resolved = post(desk_client, url("resolve", ticket))

    assert (resolved.status_code, resolved.shown) == (
        302, ["The ticket is resolved; the customer is told."]
    )  # fmt: skip
    assert state(ticket)[0] == "resolved" and state(ticket)[7] == NOW
    assert [email.to for email in mail.outbox] == [["layla@example.com"]]

    before = snapshot(ticket)
    again = post(desk_client, url("resolve", ticket))
    assert (again.status_code, again.shown) == (200, ["This ticket is already resolved."])
    assert snapshot(ticket) == before

    closed = post(desk_client, url("close", ticket))
    assert closed.shown == ["The ticket is closed."]
    assert state(ticket)[0] == "closed" and state(ticket)[8] == NOW

    before = snapshot(ticket)
    again = post(desk_client, url("close", ticket))
    assert again.shown == ["This ticket is already closed."]
    assert snapshot(ticket) == before


def test_the_desk_actions_answer_only_posts(desk_client, ticket):
    assert desk_client.get(url("close", ticket)).status_code == 405
    assert state(ticket)[0] == "open"


def test_people_outside_the_staff_cannot_reach_the_desk(client, ticket, customer):
    client.force_login(customer.user)
    before = snapshot(ticket)

    responses = [
        client.get(url("reply", ticket)),
        client.post(url("reply", ticket), {"body": "I am staff"}),
        client.post(url("assign", ticket), {"assignee": customer.user.pk}),
        client.post(url("priority", ticket), {"priority": "urgent"}),
        client.post(url("resolve", ticket)),
        client.post(url("close", ticket)),
    ]

    login = reverse("admin:login")
    assert [r.status_code for r in responses] == [302] * 6
    assert all(r.url.startswith(login) for r in responses)
    assert snapshot(ticket) == before


def test_staff_without_the_ticket_permission_cannot_work_on_tickets(client, ticket):
    client.force_login(UserFactory(is_staff=True))
    before = snapshot(ticket)

    reply = client.post(url("reply", ticket), {"body": "Hello"})
    close = client.post(url("close", ticket))

    assert (reply.status_code, close.status_code) == (403, 403)
    assert snapshot(ticket) == before


def test_the_ticket_page_shows_the_booking_the_thread_and_the_service_level(
    desk_client, ticket, agent, frozen
):
    staff_reply(staff_user=agent, ticket_id=ticket.pk, body="Refund stuck at bank.", internal=True)
    answer = staff_reply(
        staff_user=agent, ticket_id=ticket.pk, body="Here is the receipt.",
        attachments=[pdf_upload()],
    )  # fmt: skip
    attachment = answer.attachments.get()
    frozen.tick(70 * HOUR)  # the resolution is due in 2 hours of 72: "due soon"
    desk_client.force_login(agent)  # the earlier session has been idle too long

    response = desk_client.get(url("change", ticket))

    page = response.content.decode()
    assert response.status_code == 200
    booking = ticket.booking
    assert f"{booking.reference} (Confirmed)" in page
    assert page.count("Internal note — not shown to the customer") == 1
    thread = page[
        page.index('id="ticket-thread-heading"') : page.index('id="ticket-reply-heading"')
    ]
    bodies = ("Where is my refund?", "Refund stuck at bank.", "Here is the receipt.")
    positions = [thread.index(body) for body in bodies]
    assert positions == sorted(positions)  # oldest first, the internal note among them
    href = reverse(
        "b2c:ticket-attachment", kwargs={"ticket_id": ticket.pk, "attachment_id": attachment.pk}
    )
    assert f'<a href="{href}">ticket.pdf</a>' in page
    assert "Due soon" in page
    assert moment(NOW + 24 * HOUR) in page and moment(NOW + 72 * HOUR) in page
    assert 'name="body"' in page and url("reply", ticket) in page
    assert 'name="subject"' not in page  # the ticket's own fields stay read only


def test_an_overdue_ticket_stands_out_on_its_page(desk_client, ticket, agent, frozen):
    frozen.tick(25 * HOUR)  # no first answer within 24 hours
    desk_client.force_login(agent)

    page = desk_client.get(url("change", ticket)).content.decode()

    assert "<strong>⚠ Overdue</strong>" in page


def test_the_ticket_fields_cannot_be_changed_directly(desk_client, ticket):
    before = snapshot(ticket)

    response = desk_client.post(url("change", ticket), {"status": "closed", "priority": "low"})

    assert response.status_code == 403
    assert snapshot(ticket) == before


# Bulk actions on the queue ----------------------------------------------------------------------


def opened(subject):
    return ticket_open(
        customer=CustomerFactory(), subject=subject, category="booking", body="Please help."
    )


def bulk(client, action, tickets):
    return client.post(
        reverse("admin:b2c_supportticket_changelist"),
        {"action": action, "_selected_action": [t.pk for t in tickets]},
    )


def test_bulk_close_reports_the_ticket_it_refused(desk_client, agent, frozen):
    first, second = opened("Seat change"), opened("Lost receipt")
    ticket_close(staff_user=agent, ticket_id=second.pk)
    second_before = snapshot(second)

    response = bulk(desk_client, "close_tickets", [first, second])

    assert response.status_code == 302
    assert shown(response) == [
        f"{second.reference} Lost receipt: This ticket is already closed.",
        "1 ticket closed.",
    ]
    assert state(first)[0] == "closed"
    assert snapshot(second) == second_before


def test_bulk_resolve_reports_the_ticket_it_refused(desk_client, agent, frozen):
    first, second, third = opened("Seat change"), opened("Lost receipt"), opened("Name typo")
    ticket_resolve(staff_user=agent, ticket_id=third.pk)

    response = bulk(desk_client, "mark_resolved", [first, second, third])

    assert shown(response) == [
        f"{third.reference} Name typo: This ticket is already resolved.",
        "2 tickets resolved.",
    ]
    assert [state(t)[0] for t in (first, second, third)] == ["resolved"] * 3


def test_bulk_assign_to_me(desk_client, agent, frozen):
    first, second = opened("Seat change"), opened("Lost receipt")

    response = bulk(desk_client, "assign_to_me", [first, second])

    assert shown(response) == ["2 tickets assigned to you."]
    assert [state(t)[2] for t in (first, second)] == [agent.pk, agent.pk]


def test_staff_without_the_ticket_permission_get_no_bulk_actions(client, frozen):
    client.force_login(UserFactory(is_staff=True, is_superuser=False))
    ticket = opened("Seat change")
    before = snapshot(ticket)

    response = bulk(client, "close_tickets", [ticket])

    assert response.status_code == 403
    assert snapshot(ticket) == before
