from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, BookingSegment, Passenger
from bookings.services import booking_cancel, booking_cancel_quote
from core.exceptions import ApplicationError
from payments.models import Payment


class SegmentInline(admin.TabularInline):
    model = BookingSegment
    extra = 0
    can_delete = False
    fields = ("position", "direction", "flight", "cabin", "brand", "adult_base", "adult_taxes")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PassengerInline(admin.TabularInline):
    model = Passenger
    extra = 0
    can_delete = False
    fields = ("type", "given_names", "surname", "date_of_birth", "passport_number", "ticket_number")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ("created_at", "method", "amount", "currency", "status", "card_brand", "card_last4",
              "refunded_amount")  # fmt: skip
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("reference", "customer", "status", "departure_at", "total", "currency",
                    "created_at")  # fmt: skip
    list_filter = ("status", "departure_at", "created_at")
    search_fields = ("reference", "customer__user__email", "contact_email", "passengers__surname")
    list_select_related = ("customer__user",)
    date_hierarchy = "departure_at"
    inlines = [SegmentInline, PassengerInline, PaymentInline]
    actions = ["cancel_and_refund"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel and refund by the fare rules"), permissions=["change"])
    def cancel_and_refund(self, request, queryset):
        for booking in queryset.filter(status=Booking.Status.CONFIRMED).order_by("pk"):
            try:
                quote = booking_cancel_quote(booking=booking)
                booking_cancel(booking=booking, quote_token=quote.token)
            except ApplicationError as error:
                self.message_user(request, f"{booking}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{booking}: {quote.refund} {quote.currency}", messages.SUCCESS
                )
