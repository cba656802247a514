"""b2c.services.support._check_file: a file whose name claims another type (an image called
.pdf, a PDF called .png or .html) is refused, as the product asks ("not what its extension
says"); the content decides the type, and the name shown and downloaded ends as it really is."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from b2c.models import SupportTicket, TicketAttachment
from b2c.tests.support.conftest import pdf_bytes, png_upload
from b2c.tests.support_pages.conftest import open_ticket, stored_files
from core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("receipt.PDF", png_upload().read()),
        SimpleUploadedFile("screen.png", pdf_bytes()),
        SimpleUploadedFile("scan.jpg", pdf_bytes()),
        SimpleUploadedFile("invoice.html", pdf_bytes()),
        SimpleUploadedFile("pic.svg", png_upload().read()),
        SimpleUploadedFile("run.exe", png_upload().read()),
    ],
)
def test_a_name_claiming_the_other_kind_is_refused(customer, storage_dirs, upload):
    message = (
        f"“{upload.name}” is not what its name says: attach a JPEG, PNG or WebP image, or a PDF."
    )

    with pytest.raises(ApplicationError) as refused:
        open_ticket(customer, attachments=[upload])

    assert refused.value.extra == {"attachments": [message]}
    assert SupportTicket.objects.count() == 0
    assert TicketAttachment.objects.count() == 0
    assert stored_files(storage_dirs) == []


@pytest.mark.parametrize(
    ("upload", "content_type", "shown_as"),
    [
        (SimpleUploadedFile("photo.jpg", png_upload().read()), "image/jpeg", "photo.jpg"),
        (SimpleUploadedFile("photo.png", png_upload().read()), "image/jpeg", "photo.jpg"),
        (SimpleUploadedFile("scan", png_upload().read()), "image/jpeg", "scan.jpg"),
        (SimpleUploadedFile("receipt", pdf_bytes()), "application/pdf", "receipt.pdf"),
        (SimpleUploadedFile("Receipt.PDF", pdf_bytes()), "application/pdf", "Receipt.pdf"),
    ],
)
def test_the_content_decides_and_the_name_follows(customer, upload, content_type, shown_as):
    ticket = open_ticket(customer, attachments=[upload])

    attachment = ticket.messages.get().attachments.get()
    assert (attachment.content_type, attachment.name) == (content_type, shown_as)
