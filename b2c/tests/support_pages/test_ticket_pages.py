"""/support/, /support/new/ and a ticket's page: opening, replying, closing, rating."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from b2c.models import SupportTicket, TicketAttachment, TicketMessage
from b2c.services.support import staff_reply, ticket_close, ticket_rate, ticket_resolve
from b2c.tests.support.conftest import pdf_bytes, pdf_upload, png_upload
from b2c.tests.support_pages.conftest import a_booking, open_ticket, stored_files
from core.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SUPPORT = reverse("b2c:support")
NEW = reverse("b2c:ticket-new")


def ticket_url(ticket):
    return reverse("b2c:ticket", args=[ticket.pk])


def form_data(**overrides):
    data = {
        "subject": "Refund for my cancelled flight",
        "category": "refund",
        "priority": "normal",
        "booking": "",
        "body": "The airline cancelled it on 2 March.",
    }
    data.update(overrides)
    return data


def nothing_stored(storage_dirs):
    assert SupportTicket.objects.count() == 0
    assert TicketMessage.objects.count() == 0
    assert TicketAttachment.objects.count() == 0
    assert stored_files(storage_dirs) == []


def test_pages_need_a_signed_in_customer(client):
    for url in (SUPPORT, NEW, reverse("b2c:ticket", args=[1])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_opening_a_ticket_with_a_pdf(customer_client, customer, storage_dirs):
    booking = a_booking(customer)

    response = customer_client.post(
        NEW,
        form_data(
            booking=str(booking.pk), priority="high", attachments=[pdf_upload("my receipt.pdf")]
        ),
    )

    ticket = SupportTicket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == ticket_url(ticket)
    assert (ticket.customer, ticket.subject, ticket.category, ticket.priority, ticket.booking) == (
        customer,
        "Refund for my cancelled flight",
        "refund",
        "high",
        booking,
    )
    message = ticket.messages.get()
    assert (message.body, message.from_staff) == ("The airline cancelled it on 2 March.", False)
    attachment = message.attachments.get()
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "my receipt.pdf",
        "application/pdf",
        len(pdf_bytes()),
    )
    assert stored_files(storage_dirs) == [f"private/{attachment.file.name}"]

    page = customer_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Your ticket {ticket.reference} is open. We will answer here and by email." in html
    assert f'<bdi class="code reference" dir="ltr">{ticket.reference}</bdi>' in html
    assert "my receipt.pdf" in html
    assert reverse("b2c:ticket-attachment", args=[ticket.pk, attachment.pk]) in html
    assert f"{booking.reference}</bdi> · Confirmed" in html


def test_several_files_in_one_field(customer_client, storage_dirs):
    customer_client.post(NEW, form_data(attachments=[pdf_upload("a.pdf"), png_upload("b.png")]))

    names = list(TicketAttachment.objects.order_by("id").values_list("name", flat=True))
    assert names == ["a.pdf", "b.jpg"]


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (
            SimpleUploadedFile("receipt.pdf", png_upload().read(), content_type="application/pdf"),
            "“receipt.pdf” is not what its name says: attach a JPEG, PNG or WebP image, or a PDF.",
        ),
        (
            pdf_upload("big.pdf", padding=2000),
            "This file is too large: an attachment may be at most 1.0\xa0KB.",
        ),
        (
            SimpleUploadedFile("notes.pdf", b"just some text"),
            "Attach a JPEG, PNG or WebP image, or a PDF.",
        ),
    ],
)
def test_a_refused_attachment_keeps_what_was_typed(
    customer_client, settings, storage_dirs, upload, error
):
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 1024

    response = customer_client.post(NEW, form_data(attachments=[upload]))

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    form = response.context["form"]
    assert form.errors == {"attachments": [error]}
    assert 'value="Refund for my cancelled flight"' in html
    assert ">\nThe airline cancelled it on 2 March.</textarea>" in html
    nothing_stored(storage_dirs)


def test_someone_elses_booking_is_refused(customer_client, storage_dirs):
    theirs = a_booking(CustomerFactory())

    response = customer_client.post(
        NEW, form_data(booking=str(theirs.pk), attachments=[pdf_upload()])
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"booking": ["Booking not found."]}
    assert theirs.reference not in response.content.decode()
    nothing_stored(storage_dirs)


def test_urgent_is_not_for_customers_to_choose(customer_client, storage_dirs):
    response = customer_client.post(NEW, form_data(priority="urgent"))

    assert response.status_code == 400
    assert response.context["form"].errors == {"priority": ["Choose a priority."]}
    nothing_stored(storage_dirs)


def test_service_refusals_show_on_their_fields(customer_client, storage_dirs):
    response = customer_client.post(NEW, form_data(subject="Hi", body="   "))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "subject": ["The subject must be 3 to 150 characters long."],
    }
    nothing_stored(storage_dirs)


def test_the_form_offers_only_the_customers_bookings_and_preselects_one(customer_client, customer):
    mine = a_booking(customer)
    theirs = a_booking(CustomerFactory())

    response = customer_client.get(NEW, {"booking": mine.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{mine.pk}" selected>{mine.reference} · Dubai → London' in html
    assert theirs.reference not in html
    assert '<option value="booking" selected>' in html
    assert [value for value, _label in response.context["form"].fields["priority"].choices] == [
        "low",
        "normal",
        "high",
    ]


def test_someone_elses_booking_id_in_the_link_is_ignored(customer_client):
    theirs = a_booking(CustomerFactory())

    response = customer_client.get(NEW, {"booking": theirs.pk})

    assert response.context["form"].initial.get("booking") is None
    assert theirs.reference not in response.content.decode()


def test_my_tickets(customer_client, customer):
    booking = a_booking(customer)
    mine = open_ticket(customer, subject="Where is my refund?", booking_id=booking.pk)
    theirs = open_ticket(CustomerFactory(), subject="Someone else's question")

    response = customer_client.get(SUPPORT)

    html = response.content.decode()
    assert response.status_code == 200
    assert [t.pk for t in response.context["tickets"]] == [mine.pk]
    assert "Where is my refund?" in html
    assert mine.reference in html and booking.reference in html
    assert "Someone else&#x27;s question" not in html and theirs.reference not in html
    assert f'href="{NEW}"' in html


def test_my_tickets_cost_the_same_queries_for_1_or_10(
    customer_client, customer, django_assert_max_num_queries, django_assert_num_queries
):
    open_ticket(customer, booking_id=a_booking(customer).pk)
    with django_assert_max_num_queries(50) as one:
        customer_client.get(SUPPORT)
    for _ in range(9):
        open_ticket(customer, booking_id=a_booking(customer).pk)

    with django_assert_num_queries(len(one.captured_queries)):
        response = customer_client.get(SUPPORT)
    assert len(response.context["tickets"]) == 10


def test_someone_elses_ticket_is_not_found(customer_client, storage_dirs):
    theirs = open_ticket(CustomerFactory())

    assert customer_client.get(ticket_url(theirs)).status_code == 404
    for action in ("reply", "close", "rate"):
        response = customer_client.post(
            reverse(f"b2c:ticket-{action}", args=[theirs.pk]),
            {"body": "Hello", "satisfaction": "5"},
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.satisfaction, theirs.messages.count()) == ("open", None, 1)


def test_the_thread_shows_staff_answers_but_never_internal_notes(customer_client, customer, staff):
    ticket = open_ticket(customer)
    staff_reply(staff_user=staff, ticket_id=ticket.pk, body="We have moved you to seat 12C.")
    staff_reply(
        staff_user=staff,
        ticket_id=ticket.pk,
        body="Customer flagged for goodwill voucher.",
        internal=True,
        attachments=[pdf_upload("internal.pdf")],
    )

    response = customer_client.get(ticket_url(ticket))

    html = response.content.decode()
    assert "We have moved you to seat 12C." in html
    assert "<strong>Safar support · Layla</strong>" in html
    assert "Customer flagged for goodwill voucher." not in html
    assert "internal.pdf" not in html
    assert staff.email not in html and staff.last_name not in html
    assert "I would like an aisle seat." in html


def test_a_reply(customer_client, customer, storage_dirs):
    ticket = open_ticket(customer)

    response = customer_client.post(
        reverse("b2c:ticket-reply", args=[ticket.pk]),
        {"body": "Also a vegetarian meal, please.", "attachments": [png_upload()]},
    )

    assert response.status_code == 302
    assert response["Location"] == ticket_url(ticket) + "#thread"
    reply = ticket.messages.order_by("id").last()
    assert (reply.body, reply.from_staff, reply.attachments.count()) == (
        "Also a vegetarian meal, please.",
        False,
        1,
    )


def test_a_reply_to_a_closed_ticket_is_refused_and_the_text_kept(
    customer_client, customer, storage_dirs
):
    ticket = open_ticket(customer)
    ticket_close(customer=customer, ticket_id=ticket.pk)
    files = stored_files(storage_dirs)

    response = customer_client.post(
        reverse("b2c:ticket-reply", args=[ticket.pk]),
        {"body": "One more thing about my seat.", "attachments": [pdf_upload()]},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "This ticket is closed; open a new one." in html
    assert response.context["reply_form"].errors == {
        "__all__": ["This ticket is closed; open a new one."]
    }
    assert ">One more thing about my seat.</textarea>" in html
    assert f'action="{NEW}"' in html
    assert ticket.messages.count() == 1
    assert TicketAttachment.objects.count() == 0
    assert stored_files(storage_dirs) == files


def test_a_closed_ticket_has_no_reply_form(customer_client, customer):
    ticket = open_ticket(customer)
    ticket_close(customer=customer, ticket_id=ticket.pk)

    html = customer_client.get(ticket_url(ticket)).content.decode()

    assert "This ticket is closed; open a new one." in html
    assert reverse("b2c:ticket-reply", args=[ticket.pk]) not in html
    assert reverse("b2c:ticket-close", args=[ticket.pk]) not in html


def test_closing_a_ticket(customer_client, customer):
    ticket = open_ticket(customer)

    response = customer_client.post(reverse("b2c:ticket-close", args=[ticket.pk]))

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    page = customer_client.get(response["Location"]).content.decode()
    assert f"Ticket {ticket.reference} is closed." in page


def test_closing_twice_is_refused(customer_client, customer):
    ticket = open_ticket(customer)
    ticket_close(customer=customer, ticket_id=ticket.pk)
    ticket.refresh_from_db()
    closed_at = ticket.closed_at

    response = customer_client.post(reverse("b2c:ticket-close", args=[ticket.pk]))

    assert response.status_code == 400
    assert "This ticket is already closed." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.closed_at == closed_at


def test_rating_a_resolved_ticket_once(customer_client, customer, staff):
    ticket = open_ticket(customer)
    rate = reverse("b2c:ticket-rate", args=[ticket.pk])
    assert rate not in customer_client.get(ticket_url(ticket)).content.decode()
    ticket_resolve(staff_user=staff, ticket_id=ticket.pk)
    html = customer_client.get(ticket_url(ticket)).content.decode()
    assert rate in html
    assert "<legend>How would you rate our help?</legend>" in html

    response = customer_client.post(rate, {"satisfaction": "4", "comment": "Quick, thanks."})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.satisfaction, ticket.satisfaction_comment) == (4, "Quick, thanks.")
    html = customer_client.get(ticket_url(ticket)).content.decode()
    assert "Thank you for rating our help." in html
    assert "4 out of 5" in html and "Quick, thanks." in html
    assert rate not in html

    again = customer_client.post(rate, {"satisfaction": "1", "comment": "Changed my mind"})

    assert again.status_code == 400
    assert "You have already rated this ticket." in again.content.decode()
    ticket.refresh_from_db()
    assert (ticket.satisfaction, ticket.satisfaction_comment) == (4, "Quick, thanks.")


def test_a_rating_needs_a_choice(customer_client, customer, staff):
    ticket = open_ticket(customer)
    ticket_resolve(staff_user=staff, ticket_id=ticket.pk)

    response = customer_client.post(
        reverse("b2c:ticket-rate", args=[ticket.pk]), {"comment": "Kept text"}
    )

    assert response.status_code == 400
    assert response.context["rating_form"].errors == {
        "satisfaction": ["Choose a rating from 1 to 5."]
    }
    assert ">\nKept text</textarea>" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.satisfaction is None


def test_rating_an_open_ticket_is_refused(customer_client, customer):
    ticket = open_ticket(customer)

    response = customer_client.post(
        reverse("b2c:ticket-rate", args=[ticket.pk]), {"satisfaction": "5"}
    )

    assert response.status_code == 400
    assert "You can rate the help once the ticket is resolved." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.satisfaction is None


def test_a_rated_ticket_shows_its_rating(customer_client, customer, staff):
    ticket = open_ticket(customer)
    ticket_resolve(staff_user=staff, ticket_id=ticket.pk)
    ticket_rate(customer=customer, ticket_id=ticket.pk, satisfaction=5)

    html = customer_client.get(ticket_url(ticket)).content.decode()

    assert "5 out of 5" in html


def test_the_service_links_to_the_ticket_page(customer):
    from b2c.services.support import ticket_url as service_ticket_url

    ticket = open_ticket(customer)

    assert service_ticket_url(ticket) == f"/support/{ticket.pk}/"


def test_a_refused_reply_carries_over_to_a_new_ticket(customer_client, customer):
    booking = a_booking(customer)
    ticket = open_ticket(customer, booking_id=booking.pk)
    ticket_close(customer=customer, ticket_id=ticket.pk)

    response = customer_client.post(
        NEW,
        {
            "action": "suggest",
            "subject": ticket.subject,
            "category": ticket.category,
            "booking": str(booking.pk),
            "body": "One more thing about my seat.",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Seat on my flight"' in html
    assert '<option value="booking" selected>' in html
    assert f'<option value="{booking.pk}" selected>' in html
    assert '<option value="normal" selected>' in html
    assert ">\nOne more thing about my seat.</textarea>" in html
    assert SupportTicket.objects.count() == 1


def test_my_tickets_are_paged(customer_client, customer):
    for n in range(21):
        open_ticket(customer, subject=f"Question number {n}")

    first = customer_client.get(SUPPORT)
    second = customer_client.get(SUPPORT, {"page": 2})

    assert len(first.context["tickets"]) == 20
    assert 'aria-label="Pages of tickets"' in first.content.decode()
    assert [t.subject for t in second.context["tickets"]] == ["Question number 0"]


@pytest.mark.parametrize("booking", ["²", "99999999999999999999999999", "x", "-1"])
def test_a_booking_in_the_address_that_cannot_be_one_is_ignored(customer_client, booking):
    response = customer_client.get(NEW, {"booking": booking})

    assert response.status_code == 200
    assert response.context["form"]["booking"].value() in (None, "")
