"""Help-desk pages: my tickets, a new ticket (with FAQ suggestions as the subject is typed), a
ticket's thread with reply, close and rating, the permission-checked attachment download, and
the public FAQ (/help/) with its search and "Was this helpful?" votes.

Another customer's ticket by id is "not found" (404), and so is an attachment the reader may not
see: the customer never gets the attachments of staff's internal notes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from b2c.forms.support import RatingForm, ReplyForm, TicketForm
from b2c.models import SupportTicket
from b2c.models.support import private_storage
from b2c.selectors.customer import customer_for_user
from b2c.selectors.support import (
    FAQ_LANGUAGES,
    faq_by_category,
    faq_search,
    ticket_attachment_for_user,
    ticket_for_customer,
    ticket_messages_for_customer,
    tickets_of_customer,
)
from b2c.services.support import (
    FAQNotFound,
    TicketNotFound,
    faq_vote,
    ticket_close,
    ticket_open,
    ticket_rate,
    ticket_reply,
)
from bookings.selectors import booking_queryset_for_customer
from core.exceptions import ApplicationError
from core.formatting import format_moment
from core.http import not_found_as_404, private_file_response
from core.middleware import bad_request
from core.models import lookup_id

TICKETS_PER_PAGE = 20
SUGGESTIONS = 5
SEARCH_RESULTS = 20
QUERY_MAX_LENGTH = 150
SUGGEST_ACTION = "suggest"
# The FAQ entries this browser has voted on, so that a second vote is not counted.
FAQ_VOTES_SESSION_KEY = "faq_votes"
# Images are re-encoded by the service and may be shown in the browser; anything else (PDF) is
# downloaded, never rendered in the site's origin.
INLINE_TYPES = {"image/jpeg", "image/png"}


def _add_service_errors(form, error: ApplicationError) -> None:
    for field, problems in (error.extra or {None: [error.message]}).items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _faq_language() -> str:
    code = (get_language() or "en").split("-")[0].lower()
    return code if code in FAQ_LANGUAGES else "en"


def _faq_entries(faqs) -> list[dict]:
    """FAQ rows as the current language reads them (as faq_by_category shapes its entries)."""
    lang = _faq_language()
    return [
        {
            "id": faq.pk,
            "question": getattr(faq, f"question_{lang}"),
            "answer": getattr(faq, f"answer_{lang}"),
        }
        for faq in faqs
    ]


def _suggestions(query: str) -> list[dict]:
    query = (query or "").strip()[:QUERY_MAX_LENGTH]
    if not query:
        return []
    return _faq_entries(faq_search(query=query, language=get_language(), limit=SUGGESTIONS))


# My tickets ------------------------------------------------------------------------------------


class SupportView(LoginRequiredMixin, View):
    """/support/: the customer's tickets, newest first, and the way to a new one."""

    def get(self, request):
        customer = customer_for_user(user=request.user)
        page = Paginator(tickets_of_customer(customer=customer), TICKETS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        tickets = list(page.object_list)
        for ticket in tickets:
            ticket.updated_text = format_moment(ticket.updated_at)
        context = {
            "tickets": tickets,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
        }
        return render(request, "b2c/support/list.html", context)


class TicketNewView(LoginRequiredMixin, View):
    """/support/new/: subject, category, priority, one of the customer's bookings, the message and
    attachments. ?booking=<id> preselects a booking, ?subject= fills the subject (and shows the
    matching FAQ entries, as htmx does while the subject is typed)."""

    def _render(self, request, form, subject, status=200):
        context = {"form": form, "suggestions": _suggestions(subject), "query": subject}
        return render(request, "b2c/support/new.html", context, status=status)

    def _bookings(self, customer):
        return list(booking_queryset_for_customer(customer=customer))

    def get(self, request):
        customer = customer_for_user(user=request.user)
        bookings = self._bookings(customer)
        subject = request.GET.get("subject", "")[:QUERY_MAX_LENGTH]
        initial = {"subject": subject}
        booking_id = lookup_id(request.GET.get("booking", ""))
        if booking_id in {b.pk for b in bookings}:
            initial["booking"] = booking_id
            initial["category"] = SupportTicket.Category.BOOKING
        return self._render(request, TicketForm(initial=initial, bookings=bookings), subject)

    def post(self, request):
        customer = customer_for_user(user=request.user)
        bookings = self._bookings(customer)
        subject = request.POST.get("subject", "")
        if request.POST.get("action") == SUGGEST_ACTION:
            # "Find answers" without JavaScript, or a message carried over from a closed
            # ticket: the form again, as typed, with the matching entries; nothing is opened.
            fields = ("subject", "category", "priority", "booking", "body")
            # Fields left empty keep their defaults (the priority stays "normal").
            initial = {name: request.POST[name] for name in fields if request.POST.get(name)}
            form = TicketForm(initial=initial, bookings=bookings)
            return self._render(request, form, subject)
        form = TicketForm(request.POST, request.FILES, bookings=bookings)
        if form.is_valid():
            try:
                ticket = ticket_open(customer=customer, **form.service_kwargs())
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your ticket %(reference)s is open. We will answer here and by email.")
                    % {"reference": ticket.reference},
                )
                return redirect("b2c:ticket", ticket_id=ticket.pk)
        return self._render(request, form, subject, status=400)


@require_GET
def faq_suggest(request):
    """/support/faq-suggest/?q=: up to five FAQ entries matching the subject being typed (an
    htmx fragment; the FAQ is public)."""
    query = request.GET.get("q") or request.GET.get("subject") or ""
    context = {"suggestions": _suggestions(query), "query": query.strip()}
    return render(request, "b2c/support/_faq_suggestions.html", context)


# One ticket ------------------------------------------------------------------------------------


def _author_label(message) -> str:
    if not message.from_staff:
        return _("You")
    # The staff's first name at most: never their full name or address.
    first_name = (getattr(message.author, "first_name", "") or "").strip()
    if first_name:
        return _("Safar support · %(name)s") % {"name": first_name}
    return _("Safar support")


def _ticket(customer, ticket_id) -> SupportTicket:
    with not_found_as_404(TicketNotFound):
        return ticket_for_customer(customer=customer, ticket_id=ticket_id)


def _ticket_page(
    request, customer, ticket_id, *, reply_form=None, rating_form=None, refusal="", status=200
):
    ticket = _ticket(customer, ticket_id)
    thread = list(ticket_messages_for_customer(ticket=ticket))
    for message in thread:
        message.author_label = _author_label(message)
        message.when = format_moment(message.created_at)
    closed = ticket.status == SupportTicket.Status.CLOSED
    finished = ticket.status in (SupportTicket.Status.RESOLVED, SupportTicket.Status.CLOSED)
    context = {
        "ticket": ticket,
        "thread": thread,
        "closed": closed,
        "reply_form": reply_form or ReplyForm(),
        "can_rate": finished and ticket.satisfaction is None,
        "rating_form": rating_form or RatingForm(),
        "refusal": refusal,
        "suggest_action": SUGGEST_ACTION,
    }
    return render(request, "b2c/support/ticket.html", context, status=status)


class TicketView(LoginRequiredMixin, View):
    """/support/<id>/: the ticket, its thread (never the internal notes), reply, close, rate."""

    def get(self, request, ticket_id):
        return _ticket_page(request, customer_for_user(user=request.user), ticket_id)


class TicketReplyView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, ticket_id):
        customer = customer_for_user(user=request.user)
        _ticket(customer, ticket_id)
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with not_found_as_404(TicketNotFound):
                    ticket_reply(
                        customer=customer,
                        ticket_id=ticket_id,
                        body=form.cleaned_data["body"],
                        attachments=form.cleaned_data["attachments"],
                    )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Your reply is sent."))
                return redirect(reverse("b2c:ticket", args=[ticket_id]) + "#thread")
        return _ticket_page(request, customer, ticket_id, reply_form=form, status=400)


class TicketCloseView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, ticket_id):
        customer = customer_for_user(user=request.user)
        try:
            with not_found_as_404(TicketNotFound):
                ticket = ticket_close(customer=customer, ticket_id=ticket_id)
        except ApplicationError as error:
            return _ticket_page(request, customer, ticket_id, refusal=error.message, status=400)
        messages.success(
            request, _("Ticket %(reference)s is closed.") % {"reference": ticket.reference}
        )
        return redirect("b2c:ticket", ticket_id=ticket.pk)


class TicketRateView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, ticket_id):
        customer = customer_for_user(user=request.user)
        _ticket(customer, ticket_id)
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                with not_found_as_404(TicketNotFound):
                    ticket_rate(
                        customer=customer,
                        ticket_id=ticket_id,
                        satisfaction=form.cleaned_data["satisfaction"],
                        comment=form.cleaned_data["comment"],
                    )
            except ApplicationError as error:
                if error.extra:
                    _add_service_errors(form, error)
                else:  # rated already, or not resolved: there is no form to show it in
                    return _ticket_page(
                        request, customer, ticket_id, refusal=error.message, status=400
                    )
            else:
                messages.success(request, _("Thank you for rating our help."))
                return redirect("b2c:ticket", ticket_id=ticket_id)
        return _ticket_page(request, customer, ticket_id, rating_form=form, status=400)


# Attachments -----------------------------------------------------------------------------------


@login_required
@require_GET
def ticket_attachment(request, ticket_id, attachment_id):
    """/support/<id>/attachments/<id>/: the file from private storage (staff any; the customer
    their own thread's), never cached; images open in the browser, PDFs download."""
    with not_found_as_404(TicketNotFound):
        attachment = ticket_attachment_for_user(
            user=request.user, ticket_id=ticket_id, attachment_id=attachment_id
        )
    return private_file_response(
        private_storage(),
        attachment.file.name,
        filename=attachment.name,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type not in INLINE_TYPES,
    )


# FAQ -------------------------------------------------------------------------------------------


def _voted(request) -> set[int]:
    return set(request.session.get(FAQ_VOTES_SESSION_KEY, []))


@require_GET
def help_page(request):
    """/help/: the FAQ by category in the reader's language, and its search (?q=)."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    results = None
    if query:
        results = _faq_entries(
            faq_search(query=query, language=get_language(), limit=SEARCH_RESULTS)
        )
    context = {
        "query": query,
        "results": results,
        "groups": faq_by_category(language=get_language()),
        "voted": _voted(request),
        "new_ticket_url": reverse("b2c:ticket-new") + "?" + urlencode({"subject": query}),
    }
    return render(request, "b2c/help/help.html", context)


def _next(request, faq_id) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target.split("#", 1)[0] + f"#faq-{faq_id}"
    return reverse("b2c:help") + f"#faq-{faq_id}"


@require_POST
def faq_vote_view(request, faq_id):
    """POST /help/<id>/vote/ (helpful=yes|no): counted once per browser session and entry; a
    second vote gets the same thanks and is not counted. htmx swaps in the thanks; without it,
    back to the entry."""
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no"):
        return bad_request(request, _("Answer yes or no."))
    voted = _voted(request)
    if faq_id not in voted:
        with not_found_as_404(FAQNotFound):
            faq_vote(faq_id=faq_id, helpful=answer == "yes")
        request.session[FAQ_VOTES_SESSION_KEY] = sorted(voted | {faq_id})
    if request.htmx:
        return render(request, "b2c/help/_thanks.html")
    messages.success(request, _("Thank you for your feedback."))
    return redirect(_next(request, faq_id))
