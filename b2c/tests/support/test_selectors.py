import datetime as dt

import pytest

from b2c.models import SupportTicket
from b2c.selectors.support import (
    ticket_for_customer,
    ticket_messages_for_customer,
    ticket_messages_for_staff,
    ticket_sla_state,
    tickets_of_customer,
    tickets_overdue,
)
from b2c.services.support import (
    TicketNotFound,
    staff_reply,
    ticket_open,
    ticket_reply,
    ticket_resolve,
)
from b2c.tests.support.conftest import NOW, pdf_upload, png_upload
from core.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def opened(customer, priority="normal", subject="Help me", attachments=()):
    return ticket_open(
        customer=customer,
        subject=subject,
        category="other",
        body="Please help.",
        priority=priority,
        attachments=attachments,
    )


def test_a_customer_sees_only_their_tickets(customer, frozen):
    mine = opened(customer)
    other = opened(CustomerFactory())

    assert list(tickets_of_customer(customer=customer)) == [mine]
    assert ticket_for_customer(customer=customer, ticket_id=mine.pk) == mine
    with pytest.raises(TicketNotFound):
        ticket_for_customer(customer=customer, ticket_id=other.pk)


def thread_size(customer, staff, messages):
    ticket = opened(customer, attachments=[pdf_upload(), png_upload()])
    for n in range(messages):
        staff_reply(staff_user=staff, ticket_id=ticket.pk, body=f"Answer {n}",
                    attachments=[pdf_upload()])  # fmt: skip
        staff_reply(staff_user=staff, ticket_id=ticket.pk, body=f"Note {n}", internal=True)
    return ticket


@pytest.mark.parametrize("selector", [ticket_messages_for_customer, ticket_messages_for_staff])
def test_threads_cost_the_same_queries_whatever_their_length(
    customer, staff, selector, django_assert_num_queries
):
    short, long = thread_size(customer, staff, 1), thread_size(customer, staff, 4)

    for ticket, count in ((short, 2), (long, 5)):
        with django_assert_num_queries(2):
            messages = list(selector(ticket=ticket))
            names = [a.name for m in messages for a in m.attachments.all()]
            authors = [m.author_id and m.author.email for m in messages]
        public = [m for m in messages if not m.internal]
        assert len(public) == count
        assert len(names) == count + 1
        assert len(authors) == len(messages)
    assert all(not m.internal for m in ticket_messages_for_customer(ticket=long))
    assert sum(m.internal for m in ticket_messages_for_staff(ticket=long)) == 4


def test_the_ticket_list_costs_one_query(customer, django_assert_num_queries):
    for n in range(3):
        opened(customer, subject=f"Ticket {n}")

    with django_assert_num_queries(1):
        rows = [(t.subject, t.booking) for t in tickets_of_customer(customer=customer)]
    assert [subject for subject, _booking in rows] == ["Ticket 2", "Ticket 1", "Ticket 0"]


def test_overdue_tickets(customer, staff, frozen, django_assert_num_queries):
    urgent = opened(customer, priority="urgent", subject="Urgent")  # first answer due +1h
    answered = opened(customer, priority="urgent", subject="Answered")
    waiting = opened(customer, priority="urgent", subject="Waiting")
    resolved = opened(customer, priority="urgent", subject="Resolved")
    normal = opened(customer, priority="normal", subject="Normal")
    staff_reply(staff_user=staff, ticket_id=answered.pk, body="On it.")
    staff_reply(staff_user=staff, ticket_id=waiting.pk, body="Which?", wait_for_customer=True)
    ticket_resolve(staff_user=staff, ticket_id=resolved.pk)

    assert list(tickets_overdue(now=NOW + HOUR)) == []
    assert list(tickets_overdue(now=NOW + HOUR + dt.timedelta(seconds=1))) == [urgent]
    with django_assert_num_queries(1):
        late = [(t.subject, t.customer.user.email) for t in tickets_overdue(now=NOW + 9 * HOUR)]
    assert late == [("Urgent", customer.user.email), ("Answered", customer.user.email)]
    assert [t.subject for t in tickets_overdue(now=NOW + 73 * HOUR)] == [
        "Urgent", "Answered", "Normal"
    ]  # fmt: skip
    assert normal.status == SupportTicket.Status.OPEN


def test_the_sla_state(customer, staff, frozen):
    ticket = opened(customer, priority="high")  # first answer +4h, resolution +24h

    assert ticket_sla_state(ticket=ticket, now=NOW) == "on time"
    assert ticket_sla_state(ticket=ticket, now=NOW + 3 * HOUR) == "on time"
    assert ticket_sla_state(ticket=ticket, now=NOW + 3 * HOUR + dt.timedelta(seconds=1)) == (
        "due soon"
    )
    assert ticket_sla_state(ticket=ticket, now=NOW + 4 * HOUR + dt.timedelta(seconds=1)) == (
        "overdue"
    )

    frozen.tick(2 * HOUR)
    staff_reply(staff_user=staff, ticket_id=ticket.pk, body="Which?", wait_for_customer=True)
    ticket.refresh_from_db()
    assert ticket_sla_state(ticket=ticket, now=NOW + 100 * HOUR) == "on time"  # clock stopped

    frozen.tick(10 * HOUR)
    ticket_reply(customer=customer, ticket_id=ticket.pk, body="This one.")
    ticket.refresh_from_db()
    assert ticket.resolution_due == NOW + 34 * HOUR
    assert ticket_sla_state(ticket=ticket, now=NOW + 20 * HOUR) == "on time"
    assert ticket_sla_state(ticket=ticket, now=NOW + 34 * HOUR + dt.timedelta(seconds=1)) == (
        "overdue"
    )
