"""The fix to b2c.services.support._check_file: a file whose name claims the other accepted kind
(an image called .pdf, a PDF called .png) is refused, as the product asks ("not what its
extension says"); the content still decides the type otherwise."""

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
    ("upload", "content_type"),
    [
        (SimpleUploadedFile("photo.jpg", png_upload().read()), "image/jpeg"),
        (SimpleUploadedFile("scan", png_upload().read()), "image/jpeg"),
        (SimpleUploadedFile("receipt", pdf_bytes()), "application/pdf"),
    ],
)
def test_other_names_are_left_to_the_content(customer, upload, content_type):
    ticket = open_ticket(customer, attachments=[upload])

    assert ticket.messages.get().attachments.get().content_type == content_type
