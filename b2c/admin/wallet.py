"""Staff views of wallets. Balances are read-only: staff change one only with an adjustment,
which needs a reason and goes through b2c.services.wallet like every other ledger entry."""

import uuid
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from b2c.models import CustomerWallet, SavedPaymentMethod, WalletTransaction
from b2c.services.wallet import wallet_adjust
from core.exceptions import ApplicationError


class WalletAdjustForm(forms.Form):
    amount = forms.DecimalField(
        label=_("amount"),
        max_digits=14,
        decimal_places=3,
        help_text=_("Positive to add to the balance, negative to take away."),
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    # Made when the form is shown: submitting it twice adjusts once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


@admin.register(CustomerWallet)
class CustomerWalletAdmin(admin.ModelAdmin):
    list_display = ("customer_email", "currency", "balance", "updated_at")
    list_filter = ("currency",)
    search_fields = ("customer__user__email",)
    list_select_related = ("customer__user",)
    fields = ("customer", "currency", "balance", "ledger", "created_at", "updated_at")
    readonly_fields = fields

    @admin.display(description=_("customer"), ordering="customer__user__email")
    def customer_email(self, obj):
        return obj.customer.user.email

    @admin.display(description=_("ledger"))
    def ledger(self, obj):
        transactions = reverse("admin:b2c_wallettransaction_changelist")
        adjust = reverse("admin:b2c_customerwallet_adjust", args=[obj.pk])
        return format_html(
            '<a href="{}?wallet__id__exact={}">{}</a> · <a href="{}">{}</a>',
            transactions,
            obj.pk,
            _("Transactions"),
            adjust,
            _("Adjust the balance"),
        )

    # Wallets come with their customer; balances move only through ledger entries.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:wallet_id>/adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="b2c_customerwallet_adjust",
            ),
            *super().get_urls(),
        ]

    def adjust_view(self, request, wallet_id):
        # has_change_permission is False for everyone (no direct edits): ask the real permission.
        if not request.user.has_perm("b2c.change_customerwallet"):
            raise PermissionDenied
        wallet = get_object_or_404(
            CustomerWallet.objects.select_related("customer__user"), pk=wallet_id
        )
        if request.method == "POST":
            form = WalletAdjustForm(request.POST)
            if form.is_valid():
                try:
                    entry = wallet_adjust(
                        wallet=wallet,
                        amount=form.cleaned_data["amount"],
                        reason=form.cleaned_data["reason"],
                        user=request.user,
                        idempotency_key=f"admin-adjust:{form.cleaned_data['idempotency_key']}",
                    )
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                else:
                    self.message_user(
                        request,
                        _("Adjusted by %(amount)s %(currency)s; the balance is %(balance)s.")
                        % {
                            "amount": entry.amount,
                            "currency": entry.currency,
                            "balance": entry.balance_after,
                        },
                        messages.SUCCESS,
                    )
                    return redirect("admin:b2c_customerwallet_change", wallet.pk)
        else:
            form = WalletAdjustForm(
                initial={"idempotency_key": uuid.uuid4().hex, "amount": Decimal(0)}
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": wallet,
            "wallet": wallet,
            "form": form,
            "title": _("Adjust wallet balance"),
        }
        return TemplateResponse(request, "admin/b2c/customerwallet/adjust.html", context)


@admin.register(WalletTransaction)
class WalletTransactionAdmin(admin.ModelAdmin):
    """The ledger is evidence: staff read and filter it; corrections are new entries."""

    list_display = (
        "created_at",
        "wallet",
        "kind",
        "amount",
        "currency",
        "balance_after",
        "idempotency_key",
    )
    list_filter = ("kind", "currency", "created_at")
    search_fields = ("wallet__customer__user__email", "idempotency_key", "reason")
    list_select_related = ("wallet__customer__user",)
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SavedPaymentMethod)
class SavedPaymentMethodAdmin(admin.ModelAdmin):
    """Customers' saved cards as the customer sees them. Staff may remove one (a customer's
    request, a compromised card); the gateway token and fingerprint are never shown."""

    list_display = ("customer", "brand", "last4", "exp_month", "exp_year", "holder_name",
                    "is_default", "created_at")  # fmt: skip
    list_filter = ("brand", "is_default")
    search_fields = ("customer__user__email", "last4", "holder_name")
    list_select_related = ("customer__user",)
    fields = ("customer", "brand", "last4", "exp_month", "exp_year", "holder_name", "is_default",
              "created_at", "updated_at")  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
