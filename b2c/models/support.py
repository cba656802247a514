"""The help desk: tickets with their threads and attachments, and the FAQ."""

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel


def ticket_reference_new() -> str:
    # Unambiguous letters and digits (no 0/O, 1/I), e.g. "T-7KQ4M2".
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "T-" + "".join(secrets.choice(alphabet) for _ in range(6))


def private_storage() -> FileSystemStorage:
    """Attachments live outside MEDIA_ROOT (settings.PRIVATE_MEDIA_ROOT) and have no URL: they
    are served only by a view that checks the ticket's owner or staff. A callable, so that
    migrations name it rather than a machine's path."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def attachment_path(instance, filename: str) -> str:
    # The name is the service's (random), never the upload's; the upload's is kept in `name`.
    return f"support/{filename}"


class SupportTicket(TimeStampedModel):
    """A customer's request for help, with service-level due times set by its priority.

    "Waiting on customer" pauses the clock: the time spent waiting is added to the due times
    when the customer answers (`paused_at` marks the start of the pause)."""

    class Category(models.TextChoices):
        BOOKING = "booking", _("A booking")
        PAYMENT = "payment", _("A payment")
        REFUND = "refund", _("A refund")
        LOYALTY = "loyalty", _("Points and rewards")
        TECHNICAL = "technical", _("The website or app")
        OTHER = "other", _("Something else")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("ticket status", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting", _("Waiting for your reply")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(
        _("reference"), max_length=10, unique=True, default=ticket_reference_new
    )
    customer = models.ForeignKey(
        "b2c.Customer", on_delete=models.CASCADE, related_name="support_tickets"
    )
    subject = models.CharField(_("subject"), max_length=150)
    category = models.CharField(_("about"), max_length=12, choices=Category.choices)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_tickets",
        verbose_name=_("booking"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assigned to"),
        limit_choices_to={"is_staff": True},
    )
    first_response_due = models.DateTimeField(_("first answer due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    first_responded_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    satisfaction_comment = models.CharField(_("comment on the help"), max_length=500, blank=True)

    class Meta:
        db_table = "b2c_support_ticket"
        ordering = ["-created_at", "-id"]
        verbose_name = _("support ticket")
        verbose_name_plural = _("support tickets")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="ticket_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(paused_at__isnull=True) | Q(status="waiting"),
                name="ticket_paused_only_when_waiting",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_new"),
            models.Index(
                fields=["resolution_due"],
                condition=Q(status__in=["open", "in_progress"]),
                name="ticket_due_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"


# What a customer may choose when opening a ticket: staff raise a ticket to urgent, the
# tightest service level.
CUSTOMER_PRIORITIES = [
    (value, label)
    for value, label in SupportTicket.Priority.choices
    if value != SupportTicket.Priority.URGENT
]


class TicketMessage(models.Model):
    """One message in a ticket's thread. An internal note (`internal`) is written by staff for
    staff: never shown to the customer, in a page, the API or an email."""

    ticket = models.ForeignKey(SupportTicket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_staff = models.BooleanField(_("from staff"), default=False)
    internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "b2c_ticket_message"
        ordering = ["ticket", "created_at", "id"]
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(from_staff=True), name="ticket_note_by_staff"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} #{self.pk}"


class TicketAttachment(models.Model):
    """A file with a message (an image or a PDF, checked by content), kept out of public media."""

    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "b2c_ticket_attachment"
        ordering = ["message", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class FAQ(TimeStampedModel):
    """A question and its answer in each of the site's four languages, in a category."""

    class Category(models.TextChoices):
        BOOKING = "booking", _("Booking and changes")
        PAYMENT = "payment", _("Payments and refunds")
        BAGGAGE = "baggage", _("Baggage and check-in")
        LOYALTY = "loyalty", _("Points, rewards and wallet")
        ACCOUNT = "account", _("Account and privacy")

    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    question_en = models.CharField(_("question (English)"), max_length=250)
    answer_en = models.TextField(_("answer (English)"))
    question_ar = models.CharField(_("question (Arabic)"), max_length=250)
    answer_ar = models.TextField(_("answer (Arabic)"))
    question_bn = models.CharField(_("question (Bengali)"), max_length=250)
    answer_bn = models.TextField(_("answer (Bengali)"))
    question_ur = models.CharField(_("question (Urdu)"), max_length=250)
    answer_ur = models.TextField(_("answer (Urdu)"))
    helpful_yes = models.PositiveIntegerField(_("found it helpful"), default=0)
    helpful_no = models.PositiveIntegerField(_("did not"), default=0)

    class Meta:
        db_table = "b2c_faq"
        ordering = ["category", "position", "id"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self) -> str:
        return self.question_en
