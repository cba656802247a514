"""/support/<id>/attachments/<id>/: only the ticket's owner (never an internal note's file) and
staff; everyone else is told "not found"."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from b2c.models.support import private_storage
from b2c.services.support import staff_reply
from b2c.tests.support.conftest import pdf_bytes, pdf_upload, png_upload
from b2c.tests.support_pages.conftest import open_ticket
from core.testing.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def download_url(attachment):
    return reverse("b2c:ticket-attachment", args=[attachment.message.ticket_id, attachment.pk])


@pytest.fixture
def pdf(customer):
    ticket = open_ticket(customer, attachments=[pdf_upload("my receipt.pdf")])
    return ticket.messages.get().attachments.get()


@pytest.fixture
def internal_pdf(customer, staff):
    ticket = open_ticket(customer)
    note = staff_reply(
        staff_user=staff,
        ticket_id=ticket.pk,
        body="Refund approved by finance.",
        internal=True,
        attachments=[pdf_upload("finance.pdf")],
    )
    return note.attachments.get()


def test_the_owner_gets_the_exact_bytes_as_a_download(customer_client, pdf):
    response = customer_client.get(download_url(pdf))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="my receipt.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(pdf_bytes()))


def test_an_image_may_be_shown_inline(customer_client, customer):
    ticket = open_ticket(customer, attachments=[png_upload("screen.png")])
    image = ticket.messages.get().attachments.get()

    response = customer_client.get(download_url(image))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="screen.jpg"'
    stored = private_storage().open(image.file.name).read()
    assert b"".join(response.streaming_content) == stored


def test_another_customer_is_told_not_found(client, pdf):
    client.force_login(CustomerFactory().user)

    assert client.get(download_url(pdf)).status_code == 404


def test_the_owner_does_not_get_an_internal_notes_file(customer_client, internal_pdf):
    assert customer_client.get(download_url(internal_pdf)).status_code == 404


def test_staff_who_may_view_tickets_get_any_file(client, staff, pdf, internal_pdf):
    staff.user_permissions.add(Permission.objects.get(codename="view_supportticket"))
    client.force_login(staff)

    for attachment in (pdf, internal_pdf):
        response = client.get(download_url(attachment))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_bytes()


def test_staff_without_the_help_desk_get_no_file(client, staff, pdf, internal_pdf):
    client.force_login(staff)  # is_staff, but not allowed to view tickets

    for attachment in (pdf, internal_pdf):
        assert client.get(download_url(attachment)).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, pdf):
    response = client.get(download_url(pdf))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_signed_in_user_without_a_customer_is_told_not_found(client, pdf):
    client.force_login(UserFactory())

    assert client.get(download_url(pdf)).status_code == 404


def test_the_ticket_in_the_address_must_be_the_attachments(customer_client, customer, pdf):
    other = open_ticket(customer)
    url = reverse("b2c:ticket-attachment", args=[other.pk, pdf.pk])

    assert customer_client.get(url).status_code == 404


def test_a_missing_file_is_not_found(customer_client, pdf):
    private_storage().delete(pdf.file.name)

    assert customer_client.get(download_url(pdf)).status_code == 404


@pytest.mark.parametrize("ticket_id", ["99999999999999999999999999", "0"])
def test_an_impossible_ticket_id_is_not_found(customer_client, pdf, ticket_id):
    url = f"/support/{ticket_id}/attachments/{pdf.pk}/"  # used to overflow the database

    assert customer_client.get(url).status_code == 404
