"""Staff views of the loyalty programme, points ledgers and rewards. Points balances are
read-only: staff change one only with an adjustment, which needs a reason and goes through
b2c.services.loyalty like every other ledger entry."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from b2c.models import Customer, CustomerReward, LoyaltyProgram, LoyaltyTransaction, Reward
from b2c.services.loyalty import customer_reward_cancel, loyalty_adjust
from core.exceptions import ApplicationError


class LoyaltyAdjustForm(forms.Form):
    points = forms.IntegerField(
        label=_("points"), help_text=_("Positive to add to the balance, negative to take away.")
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    # Made when the form is shown: submitting it twice adjusts once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


@admin.register(LoyaltyProgram)
class LoyaltyProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "currency", "points_per_unit", "points_validity_months")
    list_filter = ("is_active",)
    fieldsets = (
        (None, {"fields": ("name", "is_active", "currency", "points_per_unit")}),
        (
            _("Tiers"),
            {
                "fields": (
                    ("silver_threshold", "gold_threshold", "platinum_threshold"),
                    (
                        "bronze_multiplier",
                        "silver_multiplier",
                        "gold_multiplier",
                        "platinum_multiplier",
                    ),
                    "tier_benefits",
                    "qualification_months",
                )
            },
        ),
        (_("Expiry"), {"fields": ("points_validity_months",)}),
    )

    def has_delete_permission(self, request, obj=None):
        return False  # ledger entries point at it


@admin.register(LoyaltyTransaction)
class LoyaltyTransactionAdmin(admin.ModelAdmin):
    """The ledger is evidence: staff read and filter it; corrections are new entries."""

    list_display = (
        "created_at",
        "customer_email",
        "kind",
        "status",
        "points",
        "balance_after",
        "remaining",
        "expires_at",
        "booking",
        "adjust_link",
    )
    list_filter = ("kind", "status", "created_at")
    search_fields = ("customer__user__email", "idempotency_key", "reason", "booking__reference")
    list_select_related = ("customer__user", "booking")
    date_hierarchy = "created_at"

    @admin.display(description=_("customer"), ordering="customer__user__email")
    def customer_email(self, obj):
        return obj.customer.user.email

    @admin.display(description=_("adjust"))
    def adjust_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:b2c_loyaltytransaction_adjust", args=[obj.customer_id]),
            _("Adjust points"),
        )

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "adjust/<int:customer_id>/",
                self.admin_site.admin_view(self.adjust_view),
                name="b2c_loyaltytransaction_adjust",
            ),
            *super().get_urls(),
        ]

    def adjust_view(self, request, customer_id):
        # has_add_permission is False for everyone (no direct entries): ask the real permission.
        if not request.user.has_perm("b2c.add_loyaltytransaction"):
            raise PermissionDenied
        customer = get_object_or_404(Customer.objects.select_related("user"), pk=customer_id)
        if request.method == "POST":
            form = LoyaltyAdjustForm(request.POST)
            if form.is_valid():
                try:
                    entry = loyalty_adjust(
                        customer=customer,
                        points=form.cleaned_data["points"],
                        reason=form.cleaned_data["reason"],
                        user=request.user,
                        idempotency_key=f"admin-adjust:{form.cleaned_data['idempotency_key']}",
                    )
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                else:
                    self.message_user(
                        request,
                        _("Adjusted by %(points)s points; the balance is %(balance)s.")
                        % {"points": entry.points, "balance": entry.balance_after},
                        messages.SUCCESS,
                    )
                    changelist = reverse("admin:b2c_loyaltytransaction_changelist")
                    return redirect(f"{changelist}?customer__id__exact={customer.pk}")
        else:
            form = LoyaltyAdjustForm(initial={"idempotency_key": uuid.uuid4().hex, "points": 0})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "customer": customer,
            "form": form,
            "title": _("Adjust points balance"),
        }
        return TemplateResponse(request, "admin/b2c/loyaltytransaction/adjust.html", context)


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "points_cost",
        "stock",
        "min_tier",
        "available_from",
        "available_until",
        "is_active",
        "position",
    )
    list_filter = ("kind", "min_tier", "is_active")
    list_editable = ("stock", "is_active", "position")
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False  # issued rewards point at it; make it inactive instead


@admin.register(CustomerReward)
class CustomerRewardAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "customer_email",
        "reward",
        "state",
        "points_spent",
        "expires_at",
        "used_at",
        "created_at",
        "adjust_link",
    )
    list_filter = ("state", "reward")
    search_fields = ("code", "customer__user__email")
    list_select_related = ("customer__user", "reward")
    actions = ["cancel_rewards"]

    @admin.display(description=_("customer"), ordering="customer__user__email")
    def customer_email(self, obj):
        return obj.customer.user.email

    @admin.display(description=_("points"))
    def adjust_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:b2c_loyaltytransaction_adjust", args=[obj.customer_id]),
            _("Adjust points"),
        )

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel the selected rewards and return their points"))
    def cancel_rewards(self, request, queryset):
        cancelled = 0
        for customer_reward in queryset.order_by("pk"):
            try:
                customer_reward_cancel(
                    customer_reward=customer_reward,
                    reason=f"Cancelled in the admin by {request.user.email}",
                    user=request.user,
                )
            except ApplicationError as exc:
                self.message_user(request, f"{customer_reward.code}: {exc.message}", messages.ERROR)
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request,
                _("%(count)s reward(s) cancelled and their points returned.")
                % {"count": cancelled},
                messages.SUCCESS,
            )
