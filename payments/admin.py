from django.contrib import admin

from payments.models import Payment, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("created_at", "amount", "currency", "status", "reason", "gateway_refund_id")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payments are records of what the gateway did: read, never edited."""

    list_display = ("booking", "method", "amount", "currency", "status", "card_brand",
                    "card_last4", "created_at")  # fmt: skip
    list_filter = ("status", "method", "currency", "created_at")
    search_fields = ("booking__reference", "booking__customer__user__email", "gateway_charge_id")
    list_select_related = ("booking",)
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [RefundInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("payment", "amount", "currency", "status", "reason", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("payment__booking__reference", "gateway_refund_id")
    readonly_fields = [f.name for f in Refund._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
