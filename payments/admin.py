from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import ApplicationError
from core.money import currency_choices
from payments.fx import exchange_rate_set, exchange_rate_validate
from payments.models import ExchangeRate, Payment, Refund
from payments.services import OWED, refund_retry_schedule


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("created_at", "destination", "amount", "currency", "status", "attempts",
              "next_attempt_at",
              "last_error", "reason", "gateway_refund_id")  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PaymentPurposeFilter(admin.SimpleListFilter):
    title = _("paid for")
    parameter_name = "for"

    def lookups(self, request, model_admin):
        return [("booking", _("Bookings")), ("top_up", _("Wallet top-ups"))]

    def queryset(self, request, queryset):
        if self.value() == "booking":
            return queryset.filter(booking__isnull=False)
        if self.value() == "top_up":
            return queryset.filter(wallet__isnull=False)
        return queryset


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payments are records of what the gateway did: read, never edited."""

    list_display = ("paid_for", "method", "amount", "currency", "status", "card_brand",
                    "card_last4", "created_at")  # fmt: skip
    list_filter = ("status", "method", PaymentPurposeFilter, "currency", "created_at")
    search_fields = ("booking__reference", "booking__customer__user__email",
                     "wallet__customer__user__email", "gateway_charge_id")  # fmt: skip
    list_select_related = ("booking", "wallet__customer__user")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [RefundInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("for"))
    def paid_for(self, payment):
        if payment.booking_id is not None:
            return payment.booking
        return _("Wallet top-up: %(customer)s") % {"customer": payment.wallet.customer}


class OwedRefundFilter(admin.SimpleListFilter):
    """Refunds the customer has not had back yet, and those of them staff must act on."""

    title = _("owed")
    parameter_name = "owed"

    def lookups(self, request, model_admin):
        return [
            ("all", _("Owed (not refunded yet)")),
            ("staff", _("Needs staff (given up)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset.filter(status__in=OWED)
        if self.value() == "staff":
            return queryset.filter(status=Refund.Status.FAILED)
        return queryset


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Refunds are records of what the gateway did; staff can only ask for another attempt."""

    list_display = ("payment", "destination", "amount", "currency", "status", "attempts",
                    "next_attempt_at", "last_error", "reason", "created_at")  # fmt: skip
    list_filter = (OwedRefundFilter, "status", "destination", "created_at")
    search_fields = ("payment__booking__reference", "gateway_refund_id")
    list_select_related = ("payment",)
    readonly_fields = [f.name for f in Refund._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        scheduled = refused = 0
        for refund in queryset.order_by("pk"):
            try:
                refund_retry_schedule(refund=refund, user=request.user)
            except ApplicationError:
                refused += 1
            else:
                scheduled += 1
        if scheduled:
            self.message_user(
                request,
                ngettext(
                    "%(count)d refund will be sent again within 5 minutes.",
                    "%(count)d refunds will be sent again within 5 minutes.",
                    scheduled,
                )
                % {"count": scheduled},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d refund was left as it is: only retrying or given-up refunds "
                    "can be retried.",
                    "%(count)d refunds were left as they are: only retrying or given-up refunds "
                    "can be retried.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )


class ExchangeRateForm(forms.ModelForm):
    base = forms.ChoiceField(
        label=_("base currency"), choices=currency_choices, initial=settings.DEFAULT_CURRENCY
    )
    quote = forms.ChoiceField(label=_("quote currency"), choices=currency_choices)

    class Meta:
        model = ExchangeRate
        fields = ("base", "quote", "rate")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            try:
                exchange_rate_validate(base=data["base"], quote=data["quote"], rate=data["rate"])
            except ApplicationError as exc:
                for field, messages in exc.extra.items():
                    self.add_error(field, messages)
        return data


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Rates are appended, never edited: a correction is a new rate, current from now."""

    form = ExchangeRateForm
    list_display = ("pair", "rate", "source", "fetched_at")
    list_filter = ("quote", "source")

    @admin.display(description=_("pair"), ordering="base")
    def pair(self, obj):
        return f"{obj.base}/{obj.quote}"

    def get_readonly_fields(self, request, obj=None):
        return ("source", "fetched_at", "created_at") if obj else ()

    def save_model(self, request, obj, form, change):
        row = exchange_rate_set(base=obj.base, quote=obj.quote, rate=obj.rate, user=request.user)
        obj.pk = row.pk
        obj.refresh_from_db()

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
