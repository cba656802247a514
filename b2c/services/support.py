"""The help desk: customers open tickets and reply, staff answer, assign, resolve and close;
the FAQ's votes.

Service levels (settings.SUPPORT_SLA): each priority has hours to the first answer and to the
resolution, counted from the ticket's opening. "Waiting for the customer" stops the clock: when
the customer answers, the time spent waiting is added to both due times.

Attachments are checked by content, never by name or declared type: an image is decoded and
re-encoded (core.images.image_process), a PDF must start with "%PDF-" and end with "%%EOF". They
are stored under a random name in private storage (settings.PRIVATE_MEDIA_ROOT), and a refused
message leaves no file behind.
"""

import contextlib
import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from b2c.models import FAQ, Customer, SupportTicket, TicketAttachment, TicketMessage
from b2c.models.support import attachment_path, private_storage
from core.exceptions import ApplicationError
from core.images import files_cleanup_on_error, image_process
from core.models import lookup_id

Status = SupportTicket.Status
Priority = SupportTicket.Priority

SUBJECT_MIN_LENGTH = 3
SUBJECT_MAX_LENGTH = 150
BODY_MAX_LENGTH = 5000
COMMENT_MAX_LENGTH = 500  # SupportTicket.satisfaction_comment
NAME_MAX_LENGTH = 200  # TicketAttachment.name
PDF_END_WINDOW = 1024  # "%%EOF" may be followed by a newline or a little padding
PDF_CONTENT_TYPE = "application/pdf"
ATTACHMENTS_FIELD = "attachments"
IMAGE_EXTENSIONS = {"jpg", "jpeg", "jpe", "jfif", "png", "webp"}


class TicketNotFound(ApplicationError):
    """Not one of this customer's tickets, or no such ticket (the API answers 404)."""


class FAQNotFound(ApplicationError):
    """No such published FAQ entry."""


def _refused(field: str | None, message: str) -> ApplicationError:
    return ApplicationError(message, extra={field: [message]} if field else {})


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def ticket_url(ticket: SupportTicket) -> str:
    """The customer's page of a ticket (a path)."""
    try:
        return reverse("b2c:support-ticket", args=[ticket.pk])
    except NoReverseMatch:  # the page is not routed yet
        return f"/support/{ticket.pk}/"


# Service levels --------------------------------------------------------------------------------


def sla_hours(priority: str) -> tuple[int, int]:
    """Hours to the first answer and to the resolution for `priority`."""
    first, resolution = settings.SUPPORT_SLA[priority]
    return int(first), int(resolution)


def sla_due(*, priority: str, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    first, resolution = sla_hours(priority)
    return start + dt.timedelta(hours=first), start + dt.timedelta(hours=resolution)


# Attachments -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CheckedFile:
    name: str  # the upload's name, kept for display
    stored_name: str  # random
    content: ContentFile
    content_type: str
    size: int


def _upload_name(upload: Any) -> str:
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return (name or _("attachment"))[:NAME_MAX_LENGTH]


def _read_bounded(upload: Any, max_bytes: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(max_bytes)
    # A form may already have read the file to validate it.
    with contextlib.suppress(AttributeError, OSError, ValueError):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if isinstance(data, str) or not data:
        raise _not_accepted()
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return bytes(data)


def _too_large(max_bytes: int) -> ApplicationError:
    return _refused(
        ATTACHMENTS_FIELD,
        _("This file is too large: an attachment may be at most %(limit)s.")
        % {"limit": filesizeformat(max_bytes)},
    )


def _not_accepted() -> ApplicationError:
    return _refused(ATTACHMENTS_FIELD, _("Attach a JPEG, PNG or WebP image, or a PDF."))


def _looks_like_image(data: bytes) -> bool:
    """JPEG, PNG or WebP by their first bytes (image_process then decodes it for real)."""
    return (
        data.startswith(b"\xff\xd8\xff")
        or data.startswith(b"\x89PNG\r\n\x1a\n")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


def _not_what_its_name_says(name: str) -> ApplicationError:
    return _refused(
        ATTACHMENTS_FIELD,
        _("“%(name)s” is not what its name says: attach a JPEG, PNG or WebP image, or a PDF.")
        % {"name": name},
    )


def _named_as(name: str, extension: str) -> str:
    """`name` ending in the extension of what the file really is now."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem[: NAME_MAX_LENGTH - len(extension) - 1]}.{extension}"


def _check_file(upload: Any) -> _CheckedFile:
    """The content decides the type. A name whose extension claims anything else (an image
    called "receipt.pdf", a PDF called "invoice.html") is refused rather than stored under a
    misleading name; a name without one gets the real one, and a re-encoded image is named after
    its new format, so whoever downloads it opens it as what it is."""
    max_bytes = int(settings.SUPPORT_ATTACHMENT_MAX_BYTES)
    data = _read_bounded(upload, max_bytes)
    name = _upload_name(upload)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(b"%PDF-"):
        if extension not in ("", "pdf"):
            raise _not_what_its_name_says(name)
        if b"%%EOF" not in data[-PDF_END_WINDOW:]:
            raise _refused(ATTACHMENTS_FIELD, _("This PDF is damaged or incomplete."))
        stored_name = f"{secrets.token_hex(16)}.pdf"
        return _CheckedFile(
            name=_named_as(name, "pdf"),
            stored_name=stored_name,
            content=ContentFile(data, name=stored_name),
            content_type=PDF_CONTENT_TYPE,
            size=len(data),
        )
    if not _looks_like_image(data):
        raise _not_accepted()
    if extension and extension not in IMAGE_EXTENSIONS:
        raise _not_what_its_name_says(name)
    image = image_process(ContentFile(data, name=name), field=ATTACHMENTS_FIELD)
    is_png = image.name.endswith(".png")
    content_type = "image/png" if is_png else "image/jpeg"
    if extension in ("jpg", "jpeg") and not is_png:
        display = name  # already right: keep the customer's own spelling
    else:
        display = _named_as(name, "png" if is_png else "jpg")
    return _CheckedFile(
        name=display,
        stored_name=image.name,
        content=image.content,
        content_type=content_type,
        size=image.content.size,
    )


def _check_files(attachments: Sequence[Any]) -> list[_CheckedFile]:
    """Every attachment checked (and images re-encoded) before anything is stored."""
    limit = int(settings.SUPPORT_ATTACHMENTS_PER_MESSAGE)
    if len(attachments) > limit:
        raise _refused(
            ATTACHMENTS_FIELD,
            _("Attach at most %(limit)d files to a message.") % {"limit": limit},
        )
    return [_check_file(upload) for upload in attachments]


def _store_files(
    message: TicketMessage, files: Iterable[_CheckedFile], storage, stored: list[str]
) -> None:
    """Store each file and its row; `stored` (files_cleanup_on_error's list) learns each name
    as soon as it is written, so a failure after it removes the file."""
    for checked in files:
        name = storage.save(attachment_path(None, checked.stored_name), checked.content)
        stored.append(name)
        TicketAttachment.objects.create(
            message=message,
            file=name,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
        )


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise _refused("body", _("Write a message."))
    if len(body) > BODY_MAX_LENGTH:
        raise _refused(
            "body",
            _("A message may be at most %(limit)d characters long.") % {"limit": BODY_MAX_LENGTH},
        )
    return body


# Telling people --------------------------------------------------------------------------------


def _staff_addresses(ticket: SupportTicket) -> list[str]:
    if ticket.assigned_to_id and ticket.assigned_to and ticket.assigned_to.email:
        return [ticket.assigned_to.email]
    return [address for _name, address in settings.ADMINS]


def _tell_staff(ticket: SupportTicket, message: TicketMessage, *, opened: bool) -> None:
    from notifications.services import email_render, email_write

    language = settings.LANGUAGE_CODE
    context = {
        "reference": ticket.reference,
        "subject": ticket.subject,
        "priority": ticket.get_priority_display(),
        "body": message.body,
        "opened": opened,
        "admin_url": _admin_url(ticket),
    }
    subject = (
        gettext_lazy("New ticket %(reference)s: %(subject)s")
        if opened
        else gettext_lazy("Customer reply on %(reference)s: %(subject)s")
    )
    email = email_render(
        template="b2c/support/email/staff_message",
        context=context,
        language=language,
        subject=subject,
    )
    for address in _staff_addresses(ticket):
        email_write(to=address, email=email, dedupe_key=f"support:{message.pk}:staff:{address}")


def _admin_url(ticket: SupportTicket) -> str:
    try:
        return _site_url() + reverse("admin:b2c_supportticket_change", args=[ticket.pk])
    except NoReverseMatch:  # the ticket admin is not registered yet
        return ""


def _tell_customer(
    ticket: SupportTicket, *, template: str, title: Any, body: str, dedupe_key: str
) -> None:
    from dataclasses import replace

    from django.utils import translation

    from notifications.models import Kind
    from notifications.services import email_render, notify

    customer = ticket.customer
    language = customer.preferred_language
    url = ticket_url(ticket)
    with translation.override(language):
        title_text = str(title) % {"reference": ticket.reference}
    context = {
        "title": title_text,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "body": body,
        "ticket_url": _site_url() + url,
        "language": language,
    }
    email = email_render(template=template, context=context, language=language, subject=title)
    email = replace(email, headers={**(email.headers or {}), "Content-Language": language})
    notify(
        user=customer.user,
        kind=Kind.ACCOUNT,
        title=title_text,
        body=body,
        url=url,
        dedupe_key=dedupe_key,
        email=email,
    )


# Customers -------------------------------------------------------------------------------------


def _own_ticket_locked(*, customer: Customer, ticket_id: Any) -> SupportTicket:
    try:
        return (
            SupportTicket.objects.select_for_update(of=("self",))
            .select_related("customer__user", "assigned_to")
            .get(pk=lookup_id(ticket_id), customer=customer)
        )
    except (SupportTicket.DoesNotExist, TypeError, ValueError):
        raise TicketNotFound(_("Ticket not found.")) from None


def _ticket_locked(ticket_id: Any) -> SupportTicket:
    try:
        return (
            SupportTicket.objects.select_for_update(of=("self",))
            .select_related("customer__user", "assigned_to")
            .get(pk=lookup_id(ticket_id))
        )
    except (SupportTicket.DoesNotExist, TypeError, ValueError):
        raise TicketNotFound(_("Ticket not found.")) from None


def _require_staff(user: Any) -> None:
    if not getattr(user, "is_staff", False):
        raise _refused(None, _("Only staff may do this."))


def ticket_open(
    *,
    customer: Customer,
    subject: str,
    category: str,
    body: str,
    priority: str = Priority.NORMAL,
    booking_id: int | None = None,
    attachments: Sequence[Any] = (),
) -> SupportTicket:
    """Open a ticket with its first message (and attachments); due times start now and the
    staff (the ADMINS) are told."""
    from bookings.models import Booking

    subject = (subject or "").strip()
    if not SUBJECT_MIN_LENGTH <= len(subject) <= SUBJECT_MAX_LENGTH:
        raise _refused(
            "subject",
            _("The subject must be %(min)d to %(max)d characters long.")
            % {"min": SUBJECT_MIN_LENGTH, "max": SUBJECT_MAX_LENGTH},
        )
    if category not in SupportTicket.Category.values:
        raise _refused("category", _("Choose what the ticket is about."))
    if priority not in Priority.values:
        raise _refused("priority", _("Choose a priority."))
    body = _check_body(body)
    booking = None
    if booking_id is not None:
        booking = Booking.objects.filter(pk=lookup_id(booking_id), customer=customer).first()
        if booking is None:
            raise _refused("booking", _("Booking not found."))
    files = _check_files(attachments)

    storage = private_storage()
    now = timezone.now()
    first_due, resolution_due = sla_due(priority=priority, start=now)
    with files_cleanup_on_error(storage) as stored, transaction.atomic():
        ticket = SupportTicket.objects.create(
            customer=customer,
            subject=subject,
            category=category,
            priority=priority,
            booking=booking,
            first_response_due=first_due,
            resolution_due=resolution_due,
        )
        message = TicketMessage.objects.create(ticket=ticket, author=customer.user, body=body)
        _store_files(message, files, storage, stored)
        _tell_staff(ticket, message, opened=True)
    return ticket


def ticket_reply(
    *, customer: Customer, ticket_id: Any, body: str, attachments: Sequence[Any] = ()
) -> TicketMessage:
    """The customer answers on their ticket: a waiting ticket is back in progress (the wait is
    added to the due times), a recently resolved one reopens; the staff are told."""
    body = _check_body(body)
    files = _check_files(attachments)
    storage = private_storage()
    with files_cleanup_on_error(storage) as stored, transaction.atomic():
        ticket = _own_ticket_locked(customer=customer, ticket_id=ticket_id)
        now = timezone.now()
        closed = _("This ticket is closed; open a new one.")
        if ticket.status == Status.CLOSED:
            raise _refused(None, closed)
        if ticket.status == Status.RESOLVED:
            resolved_at = ticket.resolved_at or now
            reopen_until = resolved_at + dt.timedelta(days=settings.SUPPORT_REOPEN_DAYS)
            if now > reopen_until:
                raise _refused(None, closed)
            ticket.status = Status.OPEN
            ticket.resolved_at = None
        elif ticket.status == Status.WAITING:
            paused = now - (ticket.paused_at or now)
            ticket.first_response_due += paused
            ticket.resolution_due += paused
            ticket.paused_at = None
            ticket.status = Status.IN_PROGRESS
        ticket.save()
        message = TicketMessage.objects.create(ticket=ticket, author=customer.user, body=body)
        _store_files(message, files, storage, stored)
        _tell_staff(ticket, message, opened=False)
    return message


def ticket_rate(
    *, customer: Customer, ticket_id: Any, satisfaction: int, comment: str = ""
) -> SupportTicket:
    """The customer rates the help on a resolved or closed ticket, once (1 to 5)."""
    comment = (comment or "").strip()
    if (
        not isinstance(satisfaction, int)
        or isinstance(satisfaction, bool)
        or not 1 <= satisfaction <= 5
    ):
        raise _refused("satisfaction", _("Choose a rating from 1 to 5."))
    if len(comment) > COMMENT_MAX_LENGTH:
        raise _refused(
            "comment",
            _("A comment may be at most %(limit)d characters long.")
            % {"limit": COMMENT_MAX_LENGTH},
        )
    with transaction.atomic():
        ticket = _own_ticket_locked(customer=customer, ticket_id=ticket_id)
        if ticket.status not in (Status.RESOLVED, Status.CLOSED):
            raise _refused(None, _("You can rate the help once the ticket is resolved."))
        if ticket.satisfaction is not None:
            raise _refused(None, _("You have already rated this ticket."))
        ticket.satisfaction = satisfaction
        ticket.satisfaction_comment = comment
        ticket.save(update_fields=["satisfaction", "satisfaction_comment", "updated_at"])
    return ticket


def ticket_close(
    *, ticket_id: Any, staff_user: Any = None, customer: Customer | None = None
) -> SupportTicket:
    """Close a ticket: staff close any, a customer only their own."""
    if (staff_user is None) == (customer is None):
        raise TypeError("Pass either staff_user or customer.")
    if staff_user is not None:
        _require_staff(staff_user)
    with transaction.atomic():
        if customer is not None:
            ticket = _own_ticket_locked(customer=customer, ticket_id=ticket_id)
        else:
            ticket = _ticket_locked(ticket_id)
        if ticket.status == Status.CLOSED:
            raise _refused(None, _("This ticket is already closed."))
        ticket.status = Status.CLOSED
        ticket.closed_at = timezone.now()
        ticket.paused_at = None
        ticket.save()
    return ticket


# Staff -----------------------------------------------------------------------------------------


def staff_reply(
    *,
    staff_user: Any,
    ticket_id: Any,
    body: str,
    internal: bool = False,
    attachments: Sequence[Any] = (),
    wait_for_customer: bool = False,
) -> TicketMessage:
    """Staff answer the customer (who is told, in their language) or write an internal note
    (nobody is told). The first answer stops the first-response clock; `wait_for_customer`
    pauses the clock until the customer answers."""
    _require_staff(staff_user)
    body = _check_body(body)
    if internal and wait_for_customer:
        raise _refused(None, _("An internal note cannot wait for the customer."))
    files = _check_files(attachments)
    storage = private_storage()
    with files_cleanup_on_error(storage) as stored, transaction.atomic():
        ticket = _ticket_locked(ticket_id)
        if ticket.status == Status.CLOSED and not internal:
            raise _refused(None, _("This ticket is closed."))
        message = TicketMessage.objects.create(
            ticket=ticket, author=staff_user, from_staff=True, internal=internal, body=body
        )
        _store_files(message, files, storage, stored)
        if not internal:
            now = timezone.now()
            if ticket.first_responded_at is None:
                ticket.first_responded_at = now
            if wait_for_customer:
                ticket.resolved_at = None
                if ticket.status != Status.WAITING:
                    ticket.status = Status.WAITING
                    ticket.paused_at = now
            elif ticket.status == Status.OPEN:
                ticket.status = Status.IN_PROGRESS
            ticket.save()
            _tell_customer(
                ticket,
                template="b2c/support/email/staff_reply",
                title=gettext_lazy("New answer on your ticket %(reference)s"),
                body=body,
                dedupe_key=f"support-message:{message.pk}",
            )
    return message


def ticket_assign(*, staff_user: Any, ticket_id: Any, assignee_id: int | None) -> SupportTicket:
    """Give the ticket to a staff member (None: to nobody)."""
    from django.contrib.auth import get_user_model

    _require_staff(staff_user)
    assignee = None
    if assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=assignee_id, is_staff=True).first()
        if assignee is None:
            raise _refused("assignee", _("Choose a member of staff."))
    with transaction.atomic():
        ticket = _ticket_locked(ticket_id)
        ticket.assigned_to = assignee
        ticket.save(update_fields=["assigned_to", "updated_at"])
    return ticket


def ticket_set_priority(*, staff_user: Any, ticket_id: Any, priority: str) -> SupportTicket:
    """Change the priority: due times are counted again from the opening, keeping the time
    already spent waiting for the customer."""
    _require_staff(staff_user)
    if priority not in Priority.values:
        raise _refused("priority", _("Choose a priority."))
    with transaction.atomic():
        ticket = _ticket_locked(ticket_id)
        old_first, old_resolution = sla_hours(ticket.priority)
        new_first, new_resolution = sla_hours(priority)
        # The due times are opening + hours + time waited: swap the hours, keep the rest.
        ticket.first_response_due += dt.timedelta(hours=new_first - old_first)
        ticket.resolution_due += dt.timedelta(hours=new_resolution - old_resolution)
        ticket.priority = priority
        ticket.save(
            update_fields=["priority", "first_response_due", "resolution_due", "updated_at"]
        )
    return ticket


def ticket_resolve(*, staff_user: Any, ticket_id: Any) -> SupportTicket:
    """Mark the ticket resolved; the customer is told and asked to rate the help."""
    _require_staff(staff_user)
    with transaction.atomic():
        ticket = _ticket_locked(ticket_id)
        if ticket.status in (Status.RESOLVED, Status.CLOSED):
            raise _refused(None, _("This ticket is already resolved."))
        now = timezone.now()
        ticket.status = Status.RESOLVED
        ticket.resolved_at = now
        ticket.paused_at = None
        ticket.save()
        _tell_customer(
            ticket,
            template="b2c/support/email/resolved",
            title=gettext_lazy("Your ticket %(reference)s is resolved"),
            body=ticket.subject,
            dedupe_key=f"support-resolved:{ticket.pk}:{int(now.timestamp())}",
        )
    return ticket


def tickets_close_resolved(*, now: dt.datetime | None = None) -> int:
    """Close every ticket resolved more than SUPPORT_REOPEN_DAYS ago; returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.SUPPORT_REOPEN_DAYS)
    return SupportTicket.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff).update(
        status=Status.CLOSED, closed_at=now, updated_at=now
    )


# FAQ -------------------------------------------------------------------------------------------


def faq_vote(*, faq_id: Any, helpful: bool) -> None:
    """Count one reader's answer to "Was this helpful?"."""
    field = "helpful_yes" if helpful else "helpful_no"
    updated = FAQ.objects.filter(pk=lookup_id(faq_id), is_published=True).update(
        **{field: F(field) + 1}
    )
    if not updated:
        raise FAQNotFound(_("Question not found."))
