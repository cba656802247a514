"""Staff views of price alerts and their checks (alert activity). Checks are the engine's
record: read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from b2c.models import PriceAlert, PriceAlertCheck


class PriceAlertCheckInline(admin.TabularInline):
    model = PriceAlertCheck
    fields = ("checked_at", "price", "notified")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-checked_at", "-id")
    show_change_link = False

    def get_queryset(self, request):
        # The newest 50 only: an alert checked every 30 minutes has thousands.
        queryset = super().get_queryset(request)
        ids = list(queryset.order_by("-checked_at", "-id").values_list("pk", flat=True)[:50])
        return queryset.filter(pk__in=ids)


@admin.register(PriceAlert)
class PriceAlertAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "recipient", "state", "cabin", "target_price", "last_price", "currency",
        "last_checked_at", "last_notified_at",
    )  # fmt: skip
    list_filter = ("state", "cabin", "currency", "armed")
    search_fields = (
        "email",
        "customer__user__email",
        "origin__iata_code",
        "destination__iata_code",
    )
    list_select_related = ("customer__user", "origin", "destination")
    raw_id_fields = ("customer", "origin", "destination")
    readonly_fields = (
        "token", "start_price", "last_price", "notified_price", "armed", "last_checked_at",
        "last_notified_at", "created_at", "updated_at",
    )  # fmt: skip
    inlines = [PriceAlertCheckInline]
    date_hierarchy = "created_at"

    @admin.display(description=_("recipient"), ordering="customer__user__email")
    def recipient(self, obj):
        return obj.customer.user.email if obj.customer_id else obj.email


@admin.register(PriceAlertCheck)
class PriceAlertCheckAdmin(admin.ModelAdmin):
    list_display = ("alert", "checked_at", "price", "notified")
    list_filter = ("notified",)
    list_select_related = ("alert",)
    raw_id_fields = ("alert",)
    date_hierarchy = "checked_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
