import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from PIL import Image

from b2c.models import SupportTicket, TicketAttachment, TicketMessage
from b2c.services.support import ticket_open
from b2c.tests.support.conftest import (
    NOW,
    STAFF_DESK,
    pdf_upload,
    png_upload,
    stored_files,
)
from b2c.tests.travel_alerts.helpers import flight_fare, paid_booking
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def open_ticket(customer, **kwargs):
    values = {
        "customer": customer,
        "subject": "Seat on my flight",
        "category": SupportTicket.Category.BOOKING,
        "body": "I would like an aisle seat.",
    }
    values.update(kwargs)
    return ticket_open(**values)


def nothing_stored(tmp_path):
    assert SupportTicket.objects.count() == 0
    assert TicketMessage.objects.count() == 0
    assert TicketAttachment.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert stored_files(tmp_path) == []


def test_opening_with_a_pdf_and_an_image_stores_both_privately(
    customer, storage_dirs, delivered, frozen
):
    ticket = delivered(
        open_ticket,
        customer=customer,
        attachments=[pdf_upload("my booking.pdf"), png_upload("../../etc/screen.png")],
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.customer) == ("open", "normal", customer)
    assert ticket.created_at == NOW
    message = ticket.messages.get()
    assert (message.body, message.author, message.from_staff, message.internal) == (
        "I would like an aisle seat.",
        customer.user,
        False,
        False,
    )
    pdf, image = message.attachments.order_by("id")
    assert (pdf.name, pdf.content_type, pdf.size) == ("my booking.pdf", "application/pdf", 46)
    assert (image.name, image.content_type) == ("screen.jpg", "image/jpeg")
    private = storage_dirs / "private"
    assert pdf.file.name.startswith("support/") and pdf.file.name.endswith(".pdf")
    assert pdf.file.name != "support/my booking.pdf"
    assert (private / pdf.file.name).read_bytes().startswith(b"%PDF-1.4")
    stored_image = private / image.file.name
    assert image.file.name.endswith(".jpg")
    assert image.size == stored_image.stat().st_size
    with Image.open(stored_image) as decoded:
        assert (decoded.format, decoded.size) == ("JPEG", (40, 30))
    assert stored_files(storage_dirs) == sorted(
        f"private/{name}" for name in (pdf.file.name, image.file.name)
    )
    assert not (storage_dirs / "media").exists()
    assert [(email.to, email.subject) for email in mail.outbox] == [
        ([STAFF_DESK], f"New ticket {ticket.reference}: Seat on my flight")
    ]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.pdf", b"just some text\n%%EOF\n"),
            "Attach a JPEG, PNG or WebP image, or a PDF.",
        ),
        (
            SimpleUploadedFile("page.pdf", b"<html><body>%PDF-1.4</body></html>"),
            "Attach a JPEG, PNG or WebP image, or a PDF.",
        ),
        (
            SimpleUploadedFile("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n"),
            "This PDF is damaged or incomplete.",
        ),
        (
            pdf_upload(padding=2000),
            "This file is too large: an attachment may be at most 1.0\xa0KB.",
        ),
    ],
)
def test_refused_attachments_leave_no_file_and_no_row(
    customer, storage_dirs, settings, upload, message
):
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 1024

    with pytest.raises(ApplicationError) as refused:
        open_ticket(customer, attachments=[pdf_upload("good.pdf"), upload])

    assert refused.value.message == message
    assert refused.value.extra == {"attachments": [message]}
    nothing_stored(storage_dirs)


def test_six_files_are_refused(customer, storage_dirs):
    with pytest.raises(ApplicationError) as refused:
        open_ticket(customer, attachments=[pdf_upload(f"{n}.pdf") for n in range(6)])

    assert refused.value.extra == {"attachments": ["Attach at most 5 files to a message."]}
    nothing_stored(storage_dirs)


def test_five_files_are_accepted(customer, storage_dirs):
    ticket = open_ticket(customer, attachments=[pdf_upload(f"{n}.pdf") for n in range(5)])

    assert ticket.messages.get().attachments.count() == 5
    assert len(stored_files(storage_dirs / "private")) == 5


def test_a_failure_after_storing_removes_the_stored_files(customer, storage_dirs, monkeypatch):
    import b2c.services.support as support

    def broken(*args, **kwargs):
        raise RuntimeError("mail down")

    monkeypatch.setattr(support, "_tell_staff", broken)

    with pytest.raises(RuntimeError):
        open_ticket(customer, attachments=[pdf_upload(), png_upload()])

    nothing_stored(storage_dirs)


def test_someone_elses_booking_is_refused_as_not_found(customer, storage_dirs):
    with freeze_time("2030-03-01 09:00:00"):
        flight_fare()
        booking = paid_booking(CustomerFactory())

    with pytest.raises(ApplicationError) as refused:
        open_ticket(customer, booking_id=booking.pk, attachments=[pdf_upload()])

    assert refused.value.extra == {"booking": ["Booking not found."]}
    nothing_stored(storage_dirs)


def test_the_customers_own_booking_is_linked(customer):
    with freeze_time("2030-03-01 09:00:00"):
        flight_fare()
        booking = paid_booking(customer)

    assert open_ticket(customer, booking_id=booking.pk).booking == booking


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"subject": "Hi"}, {"subject": ["The subject must be 3 to 150 characters long."]}),
        ({"subject": "x" * 151}, {"subject": ["The subject must be 3 to 150 characters long."]}),
        ({"body": "   "}, {"body": ["Write a message."]}),
        ({"body": "x" * 5001}, {"body": ["A message may be at most 5000 characters long."]}),
        ({"category": "weather"}, {"category": ["Choose what the ticket is about."]}),
        ({"priority": "asap"}, {"priority": ["Choose a priority."]}),
    ],
)
def test_bad_input_is_refused(customer, storage_dirs, fields, errors):
    with pytest.raises(ApplicationError) as refused:
        open_ticket(customer, **fields)

    assert refused.value.extra == errors
    nothing_stored(storage_dirs)


def test_limits_are_accepted(customer):
    ticket = open_ticket(customer, subject="abc", body="x" * 5000)
    assert ticket.subject == "abc"
    ticket = open_ticket(customer, subject="s" * 150)
    assert len(ticket.subject) == 150


@pytest.mark.parametrize(
    ("priority", "first", "resolution"),
    [("urgent", 1, 8), ("high", 4, 24), ("normal", 24, 72), ("low", 48, 120)],
)
def test_due_times_follow_the_priority(customer, frozen, priority, first, resolution):
    ticket = open_ticket(customer, priority=priority)

    assert ticket.first_response_due == NOW + first * HOUR
    assert ticket.resolution_due == NOW + resolution * HOUR


def test_the_assigned_agent_is_told_of_a_reply_instead_of_the_desk(customer, staff, delivered):
    from b2c.services.support import ticket_assign, ticket_reply

    ticket = open_ticket(customer)
    ticket_assign(staff_user=staff, ticket_id=ticket.pk, assignee_id=staff.pk)
    mail.outbox.clear()

    delivered(ticket_reply, customer=customer, ticket_id=ticket.pk, body="Any news?")

    assert [(email.to, email.subject) for email in mail.outbox] == [
        (["agent@safar.test"], f"Customer reply on {ticket.reference}: Seat on my flight")
    ]
