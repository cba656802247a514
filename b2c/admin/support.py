"""The help desk in the admin: the ticket queue (filters by status, priority, overdue and
assignee; overdue tickets stand out) and the FAQ, which staff write in four languages."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from b2c.models import FAQ, SupportTicket, TicketAttachment, TicketMessage
from core.admin import ReadOnlyAdminMixin

OPEN = (SupportTicket.Status.OPEN, SupportTicket.Status.IN_PROGRESS)


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


class TicketMessageInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = TicketMessage
    extra = 0
    fields = ("created_at", "author", "from_staff", "internal", "body")
    readonly_fields = fields


@admin.register(SupportTicket)
class SupportTicketAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("reference", "subject", "customer_email", "category", "priority", "status",
                    "booking_state", "assigned_to", "due")  # fmt: skip
    list_filter = ("status", "priority", OverdueFilter, "category", "assigned_to")
    search_fields = ("reference", "subject", "customer__user__email", "booking__reference")
    list_select_related = ("customer__user", "booking", "assigned_to")
    inlines = [TicketMessageInline]

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
