"""The help desk in the admin: the ticket queue (filters by status, priority, overdue and
assignee; overdue tickets stand out) and the FAQ, which staff write in four languages.

A ticket's fields are read only: staff answer, write internal notes, assign, change the
priority, resolve and close from the ticket's page (or in bulk from the queue), and each of
these goes through b2c.services.support, which keeps the due times and tells the customer."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from b2c.models import FAQ, SupportTicket, TicketAttachment, TicketMessage
from b2c.selectors.support import (
    DUE_SOON,
    ON_TIME,
    OVERDUE,
    ticket_messages_for_staff,
    ticket_sla_state,
)
from b2c.services.support import (
    staff_reply,
    ticket_assign,
    ticket_close,
    ticket_resolve,
    ticket_set_priority,
)
from core.admin import ReadOnlyAdminMixin, problems_text, service_action
from core.exceptions import ApplicationError

OPEN = (SupportTicket.Status.OPEN, SupportTicket.Status.IN_PROGRESS)
SLA_LABELS = {ON_TIME: _("On time"), DUE_SOON: _("Due soon"), OVERDUE: _("Overdue")}


def overdue_q(now) -> Q:
    """Open tickets past a due time: no first answer by its due time, or not resolved by its."""
    return Q(status__in=OPEN) & (
        Q(first_responded_at__isnull=True, first_response_due__lt=now) | Q(resolution_due__lt=now)
    )


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("On time"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_q(timezone.now()))
        if self.value() == "no":
            return queryset.exclude(overdue_q(timezone.now()))
        return queryset


# The ticket page's forms: they only parse; every rule is the service's. ----------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files, handed to the service as they came (it checks their content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [upload for upload in data if upload]
        return [data] if data else []


class StaffReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    internal = forms.BooleanField(
        label=_("Internal note (only staff see it; the customer is not told)"), required=False
    )
    wait_for_customer = forms.BooleanField(
        label=_("Wait for the customer's answer"),
        required=False,
        help_text=_("Stops the service-level clock until the customer answers."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("JPEG, PNG or WebP images, or PDFs."),
    )


class TicketAssignForm(forms.Form):
    assignee = forms.IntegerField(label=_("Assign to"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("email")
        self.fields["assignee"].widget = forms.Select(
            choices=[("", _("Nobody"))] + [(user.pk, str(user)) for user in staff]
        )


class TicketPriorityForm(forms.Form):
    priority = forms.CharField(
        label=_("Priority"), widget=forms.Select(choices=SupportTicket.Priority.choices)
    )


def _form_errors(form: forms.Form, error: ApplicationError) -> None:
    """The service's refusal beside the field it is about (the page's message says it too)."""
    for field, problems in (error.extra or {}).items():
        if field in form.fields:
            for problem in problems:
                form.add_error(field, problem)


@admin.register(SupportTicket)
class SupportTicketAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("reference", "subject", "customer_email", "category", "priority", "status",
                    "booking_state", "assigned_to", "due")  # fmt: skip
    list_filter = ("status", "priority", OverdueFilter, "category",
                   ("assigned_to", admin.RelatedOnlyFieldListFilter))  # fmt: skip
    search_fields = ("reference", "subject", "customer__user__email", "booking__reference")
    list_select_related = ("customer__user", "booking", "assigned_to")
    actions = ("assign_to_me", "mark_resolved", "close_tickets")
    change_form_template = "admin/b2c/supportticket/change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": (
                    "reference",
                    "subject",
                    "customer_email",
                    "category",
                    "status",
                    "priority",
                    "assigned_to",
                    "created_at",
                )
            },
        ),  # fmt: skip
        (_("Booking"), {"fields": ("booking_state",)}),
        (
            _("Service level"),
            {
                "fields": (
                    "sla",
                    "first_response_due",
                    "first_responded_at",
                    "resolution_due",
                    "paused_at",
                    "resolved_at",
                    "closed_at",
                ),  # fmt: skip
            },
        ),
        (_("Customer's rating"), {"fields": ("satisfaction", "satisfaction_comment")}),
    ]
    readonly_fields = ("reference", "subject", "customer_email", "category", "status", "priority",
                       "assigned_to", "created_at", "booking_state", "sla", "first_response_due",
                       "first_responded_at", "resolution_due", "paused_at", "resolved_at",
                       "closed_at", "satisfaction", "satisfaction_comment")  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer__user", "booking",
                                                            "assigned_to")  # fmt: skip

    @admin.display(description=_("customer"))
    def customer_email(self, obj):
        return obj.customer.user.email

    @admin.display(description=_("booking"))
    def booking_state(self, obj):
        if obj.booking is None:
            return "—"
        return f"{obj.booking.reference} ({obj.booking.get_status_display()})"

    @admin.display(description=_("due"), ordering="resolution_due")
    def due(self, obj):
        now = timezone.now()
        late = obj.status in OPEN and (
            (obj.first_responded_at is None and obj.first_response_due < now)
            or obj.resolution_due < now
        )
        if late:
            return format_html("<strong>⚠ {}</strong>", _("Overdue"))
        return obj.resolution_due

    @admin.display(description=_("service level"))
    def sla(self, obj):
        state = ticket_sla_state(ticket=obj, now=timezone.now())
        if state == OVERDUE:
            return format_html("<strong>⚠ {}</strong>", SLA_LABELS[state])
        return SLA_LABELS[state]

    # Who may work on tickets: the ticket's fields are never edited directly (has_change_permission
    # is False for everyone), so the desk asks for the real permission.

    def has_desk_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm("b2c.change_supportticket")

    # Bulk actions on the queue ----------------------------------------------------------------

    @admin.action(description=_("Assign to me"), permissions=["desk"])
    def assign_to_me(self, request, queryset):
        service_action(
            self, request, queryset,
            lambda ticket: ticket_assign(
                staff_user=request.user, ticket_id=ticket.pk, assignee_id=request.user.pk
            ),
            lambda n: ngettext("%(count)d ticket assigned to you.",
                               "%(count)d tickets assigned to you.", n) % {"count": n},
        )  # fmt: skip

    @admin.action(description=_("Mark resolved"), permissions=["desk"])
    def mark_resolved(self, request, queryset):
        service_action(
            self, request, queryset,
            lambda ticket: ticket_resolve(staff_user=request.user, ticket_id=ticket.pk),
            lambda n: ngettext("%(count)d ticket resolved.", "%(count)d tickets resolved.", n)
            % {"count": n},
        )  # fmt: skip

    @admin.action(description=_("Close"), permissions=["desk"])
    def close_tickets(self, request, queryset):
        service_action(
            self, request, queryset,
            lambda ticket: ticket_close(staff_user=request.user, ticket_id=ticket.pk),
            lambda n: ngettext("%(count)d ticket closed.", "%(count)d tickets closed.", n)
            % {"count": n},
        )  # fmt: skip

    # The ticket's page: the thread, the reply form and the desk's actions ----------------------

    def get_urls(self):
        def desk(view, name):
            return path(f"<int:ticket_id>/{name}/", self.admin_site.admin_view(view),
                        name=f"b2c_supportticket_{name}")  # fmt: skip

        return [
            desk(self.reply_view, "reply"),
            desk(require_POST(self.assign_view), "assign"),
            desk(require_POST(self.priority_view), "priority"),
            desk(require_POST(self.resolve_view), "resolve"),
            desk(require_POST(self.close_view), "close"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, unquote(object_id))
        if ticket is not None and self.has_view_permission(request, ticket):
            extra_context = {**(extra_context or {}), **self._desk_context(request, ticket)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _desk_context(self, request, ticket, **forms_given):
        can_act = self.has_desk_permission(request)
        context = {
            "ticket": ticket,
            "thread": ticket_messages_for_staff(ticket=ticket),
            "can_act": can_act,
        }
        if can_act:
            closed = ticket.status == SupportTicket.Status.CLOSED
            context |= {
                "reply_form": forms_given.get("reply_form") or StaffReplyForm(),
                "assign_form": forms_given.get("assign_form")
                or TicketAssignForm(initial={"assignee": ticket.assigned_to_id}),
                "priority_form": forms_given.get("priority_form")
                or TicketPriorityForm(initial={"priority": ticket.priority}),
                "can_resolve": not closed and ticket.status != SupportTicket.Status.RESOLVED,
                "can_close": not closed,
            }
        return context

    def _desk_ticket(self, request, ticket_id) -> SupportTicket:
        if not self.has_desk_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            SupportTicket.objects.select_related("customer__user", "booking", "assigned_to"),
            pk=ticket_id,
        )

    def _desk_page(self, request, ticket, **forms_given):
        """The ticket's thread and the desk's forms on a page of their own: shown to write a
        reply, and again, filled in as sent, when a service refuses."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": ticket,
            "title": _("Ticket %(reference)s") % {"reference": ticket.reference},
            "subtitle": ticket.subject,
            "sla": self.sla(ticket),
            "booking": self.booking_state(ticket),
            **self._desk_context(request, ticket, **forms_given),
        }
        return TemplateResponse(request, "admin/b2c/supportticket/desk.html", context)

    def _done(self, request, ticket, text):
        self.message_user(request, text, messages.SUCCESS)
        return redirect("admin:b2c_supportticket_change", ticket.pk)

    def _refused(self, request, ticket, error, **forms_given):
        self.message_user(request, problems_text(error), messages.ERROR)
        for form in forms_given.values():
            _form_errors(form, error)
        return self._desk_page(request, ticket, **forms_given)

    def reply_view(self, request, ticket_id):
        ticket = self._desk_ticket(request, ticket_id)
        if request.method != "POST":
            return self._desk_page(request, ticket)
        form = StaffReplyForm(request.POST, request.FILES)
        form.is_valid()  # no rules of its own: it only reads the fields
        data = form.cleaned_data
        try:
            message = staff_reply(
                staff_user=request.user,
                ticket_id=ticket.pk,
                body=data.get("body", ""),
                internal=data.get("internal", False),
                attachments=data.get("attachments", []),
                wait_for_customer=data.get("wait_for_customer", False),
            )
        except ApplicationError as error:
            return self._refused(request, ticket, error, reply_form=form)
        if message.internal:
            return self._done(request, ticket, _("The internal note is added."))
        return self._done(request, ticket, _("The answer is sent to the customer."))

    def assign_view(self, request, ticket_id):
        ticket = self._desk_ticket(request, ticket_id)
        form = TicketAssignForm(request.POST)
        if not form.is_valid():
            error = ApplicationError(_("Choose a member of staff."))
            return self._refused(request, ticket, error, assign_form=form)
        try:
            ticket = ticket_assign(
                staff_user=request.user,
                ticket_id=ticket.pk,
                assignee_id=form.cleaned_data["assignee"],
            )
        except ApplicationError as error:
            return self._refused(request, ticket, error, assign_form=form)
        if ticket.assigned_to is None:
            return self._done(request, ticket, _("The ticket is assigned to nobody."))
        text = _("The ticket is assigned to %(name)s.") % {"name": ticket.assigned_to}
        return self._done(request, ticket, text)

    def priority_view(self, request, ticket_id):
        ticket = self._desk_ticket(request, ticket_id)
        form = TicketPriorityForm(request.POST)
        form.is_valid()
        try:
            ticket = ticket_set_priority(
                staff_user=request.user,
                ticket_id=ticket.pk,
                priority=form.cleaned_data.get("priority", ""),
            )
        except ApplicationError as error:
            return self._refused(request, ticket, error, priority_form=form)
        text = _("The priority is now %(priority)s.") % {"priority": ticket.get_priority_display()}
        return self._done(request, ticket, text)

    def resolve_view(self, request, ticket_id):
        ticket = self._desk_ticket(request, ticket_id)
        try:
            ticket = ticket_resolve(staff_user=request.user, ticket_id=ticket.pk)
        except ApplicationError as error:
            return self._refused(request, ticket, error)
        return self._done(request, ticket, _("The ticket is resolved; the customer is told."))

    def close_view(self, request, ticket_id):
        ticket = self._desk_ticket(request, ticket_id)
        try:
            ticket = ticket_close(staff_user=request.user, ticket_id=ticket.pk)
        except ApplicationError as error:
            return self._refused(request, ticket, error)
        return self._done(request, ticket, _("The ticket is closed."))


@admin.register(TicketMessage)
class TicketMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Messages are written from the ticket's page (or by the customer); here staff find them."""

    list_display = ("ticket", "author", "from_staff", "internal", "created_at")
    list_filter = ("from_staff", "internal")
    search_fields = ("ticket__reference", "body", "author__email")
    list_select_related = ("ticket", "author")
    fields = ("ticket", "author", "from_staff", "internal", "body", "created_at")
    readonly_fields = fields


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "content_type", "size", "message", "created_at")
    exclude = ("file",)  # never a public link: attachments open from the ticket page


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ("question_en", "category", "position", "is_published", "helpful_yes",
                    "helpful_no")  # fmt: skip
    list_filter = ("category", "is_published")
    list_editable = ("position", "is_published")
    search_fields = ("question_en", "question_ar", "question_bn", "question_ur")
    readonly_fields = ("helpful_yes", "helpful_no")
    fieldsets = [
        (None, {"fields": ("category", "position", "is_published")}),
        (_("English"), {"fields": ("question_en", "answer_en")}),
        (_("Arabic"), {"fields": ("question_ar", "answer_ar")}),
        (_("Bengali"), {"fields": ("question_bn", "answer_bn")}),
        (_("Urdu"), {"fields": ("question_ur", "answer_ur")}),
        (_("Was it helpful?"), {"fields": ("helpful_yes", "helpful_no")}),
    ]
