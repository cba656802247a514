"""Reading the help desk: the FAQ in a language, a customer's tickets and their threads (never
the staff's internal notes), the staff's view, and where each ticket stands on its service
levels. Lists load their relations here, so a page's query count does not grow with the data."""

import datetime as dt
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from b2c.models import FAQ, Customer, SupportTicket, TicketAttachment, TicketMessage
from b2c.selectors.customer import customer_for_viewer
from b2c.services.support import TicketNotFound
from core.models import lookup_id

Status = SupportTicket.Status

FAQ_LANGUAGES = ("en", "ar", "bn", "ur")
SEARCH_MAX_WORDS = 8
# A ticket is "due soon" when less than this share of its window (opening to due time) is left.
DUE_SOON_SHARE = 0.25
ON_TIME = "on time"
DUE_SOON = "due soon"
OVERDUE = "overdue"
STOPPED = (Status.WAITING, Status.RESOLVED, Status.CLOSED)


def _language(language: str) -> str:
    code = (language or "").split("-")[0].lower()
    return code if code in FAQ_LANGUAGES else "en"


# FAQ -------------------------------------------------------------------------------------------


def faq_search(*, query: str, language: str, limit: int = 5) -> list[FAQ]:
    """Published entries whose question or answer in `language` contains any word of `query`,
    those matching in the question first, then by how many words match."""
    lang = _language(language)
    words = list(dict.fromkeys((query or "").split()))[:SEARCH_MAX_WORDS]
    if not words:
        return []
    question, answer = f"question_{lang}", f"answer_{lang}"
    matches = Q()
    question_score: Any = Value(0)
    answer_score: Any = Value(0)
    for word in words:
        in_question = Q(**{f"{question}__icontains": word})
        in_answer = Q(**{f"{answer}__icontains": word})
        matches |= in_question | in_answer
        question_score += Case(
            When(in_question, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        answer_score += Case(
            When(in_answer, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    return list(
        FAQ.objects.filter(matches, is_published=True)
        .annotate(question_score=question_score, answer_score=answer_score)
        .order_by("-question_score", "-answer_score", "category", "position", "id")[:limit]
    )


def faq_by_category(*, language: str) -> list[dict[str, Any]]:
    """Published entries grouped by category in the categories' order, each entry's question
    and answer in `language`: [{"category", "label", "entries": [{"id", "question",
    "answer"}]}]."""
    lang = _language(language)
    groups: dict[str, list[dict[str, Any]]] = {}
    for faq in FAQ.objects.filter(is_published=True).order_by("category", "position", "id"):
        groups.setdefault(faq.category, []).append(
            {
                "id": faq.pk,
                "question": getattr(faq, f"question_{lang}"),
                "answer": getattr(faq, f"answer_{lang}"),
            }
        )
    return [
        {"category": value, "label": label, "entries": groups[value]}
        for value, label in FAQ.Category.choices
        if value in groups
    ]


# Customers -------------------------------------------------------------------------------------


def tickets_of_customer(*, customer: Customer) -> QuerySet[SupportTicket]:
    """The customer's tickets, newest first."""
    return SupportTicket.objects.filter(customer=customer).select_related("booking")


def ticket_for_customer(*, customer: Customer, ticket_id: Any) -> SupportTicket:
    try:
        return SupportTicket.objects.select_related("booking").get(
            pk=lookup_id(ticket_id), customer=customer
        )
    except (SupportTicket.DoesNotExist, TypeError, ValueError):
        raise TicketNotFound(_("Ticket not found.")) from None


def ticket_messages_for_customer(*, ticket: SupportTicket) -> QuerySet[TicketMessage]:
    """The thread the customer sees: every message but the internal notes, oldest first."""
    return (
        TicketMessage.objects.filter(ticket=ticket, internal=False)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def ticket_attachment_for_user(
    *, user: Any, ticket_id: Any, attachment_id: Any
) -> TicketAttachment:
    """An attachment of the ticket `ticket_id` that `user` may open: staff allowed to view
    tickets any; a customer only those of their own ticket's messages that are not internal
    notes. TicketNotFound for anything else, so nobody learns whether it exists."""
    not_found = TicketNotFound(_("Attachment not found."))
    ticket_pk, attachment_pk = lookup_id(ticket_id), lookup_id(attachment_id)
    if not (ticket_pk and attachment_pk):
        raise not_found
    attachments = TicketAttachment.objects.filter(pk=attachment_pk, message__ticket_id=ticket_pk)
    if not (getattr(user, "is_staff", False) and user.has_perm("b2c.view_supportticket")):
        customer = customer_for_viewer(user=user)
        if customer is None:
            raise not_found
        attachments = attachments.filter(
            message__ticket__customer=customer, message__internal=False
        )
    attachment = attachments.first()
    if attachment is None:
        raise not_found
    return attachment


# Staff -----------------------------------------------------------------------------------------


def ticket_messages_for_staff(*, ticket: SupportTicket) -> QuerySet[TicketMessage]:
    """The whole thread, internal notes included, oldest first."""
    return (
        TicketMessage.objects.filter(ticket=ticket)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def tickets_overdue(*, now: dt.datetime | None = None) -> QuerySet[SupportTicket]:
    """Open or in-progress tickets past their first-answer or resolution due time, the most
    overdue resolution first (waiting tickets' clocks are stopped)."""
    now = now or timezone.now()
    return (
        SupportTicket.objects.filter(status__in=[Status.OPEN, Status.IN_PROGRESS])
        .filter(
            Q(first_responded_at__isnull=True, first_response_due__lt=now)
            | Q(resolution_due__lt=now)
        )
        .select_related("customer__user", "assigned_to")
        .order_by("resolution_due", "id")
    )


def ticket_sla_state(*, ticket: SupportTicket, now: dt.datetime) -> str:
    """ "on time", "due soon" or "overdue" at `now`. A stopped clock (waiting, resolved,
    closed) is read at the moment it stopped."""
    if ticket.status == Status.WAITING and ticket.paused_at:
        now = ticket.paused_at
    elif ticket.status == Status.RESOLVED and ticket.resolved_at:
        now = ticket.resolved_at
    elif ticket.status == Status.CLOSED:
        now = ticket.resolved_at or ticket.closed_at or now
    pending = [ticket.resolution_due]
    if ticket.first_responded_at is None:
        pending.append(ticket.first_response_due)
    if any(due < now for due in pending):
        return OVERDUE
    for due in pending:
        window = (due - ticket.created_at).total_seconds()
        if (due - now).total_seconds() < window * DUE_SOON_SHARE:
            return DUE_SOON
    return ON_TIME
