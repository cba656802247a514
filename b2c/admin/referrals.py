"""Staff views of referrals and affiliates. Programmes and partners are edited here; referrals,
clicks and commissions are evidence of what happened and are read-only (they change only through
b2c.services.referrals). A partner's statement shows a month or a range of days, with CSV."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from b2c.forms.referrals import ReferralProgramForm, StatementPeriodForm
from b2c.models import (
    AffiliateClick,
    AffiliateCommission,
    AffiliatePartner,
    CustomerReferral,
    ReferralProgram,
)
from b2c.selectors.referrals import PartnerStatement, affiliate_partner_statement

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_HEADER = [
    "partner",
    "event",
    "date",
    "booking",
    "booking_status",
    "amount_paid",
    "currency",
    "rate",
    "commission",
    "commission_status",
]


def csv_safe(value) -> str:
    """A cell as text that a spreadsheet shows and never evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def statement_csv_rows(statement: PartnerStatement) -> list[list[str]]:
    name = statement.partner.name
    rows = [CSV_HEADER]
    for row in statement.rows:
        commission, booking = row.commission, row.commission.booking
        rows.append(
            [
                name,
                row.event,
                row.at.isoformat(),
                booking.reference,
                booking.status,
                str(booking.amount_due),
                commission.currency,
                str(commission.rate),
                str(commission.amount),
                commission.status,
            ]
        )
    for label, totals in (
        ("total_earned", statement.earned_totals),
        ("total_reversed", statement.reversed_totals),
    ):
        for currency, amount in totals.items():
            rows.append([name, label, "", "", "", "", currency, "", str(amount), ""])
    rows.append([name, "clicks", "", "", "", "", "", "", str(statement.clicks), ""])
    return [[csv_safe(cell) for cell in row] for row in rows]


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReferralProgram)
class ReferralProgramAdmin(admin.ModelAdmin):
    form = ReferralProgramForm
    list_display = (
        "name",
        "is_active",
        "reward_kind",
        "referrer_amount",
        "referee_amount",
        "currency",
        "referrer_points",
        "referee_points",
        "max_rewards_per_referrer",
    )
    list_filter = ("is_active", "reward_kind")

    def has_delete_permission(self, request, obj=None):
        # Referrals point at their programme (PROTECT); an old one is switched off instead.
        if obj is not None and obj.referrals.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(CustomerReferral)
class CustomerReferralAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "referrer",
        "referee",
        "status",
        "reject_reason",
        "qualifying_booking",
        "rewarded_at",
    )
    list_filter = ("status", "reject_reason", "program")
    search_fields = ("referrer__user__email", "referee__user__email", "referrer__referral_code")
    list_select_related = ("referrer__user", "referee__user", "qualifying_booking")
    date_hierarchy = "created_at"


@admin.register(AffiliatePartner)
class AffiliatePartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "commission_rate", "is_active", "statement_link")
    list_filter = ("is_active",)
    search_fields = ("name", "code", "contact_email")
    readonly_fields = ("tracking_link", "statement_link")

    @admin.display(description=_("tracking link"))
    def tracking_link(self, obj):
        if not obj.pk:
            return "—"
        return reverse("b2c:affiliate-link", args=[obj.code]) + "?to=/"

    @admin.display(description=_("statement"))
    def statement_link(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:b2c_affiliatepartner_statement", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Statement"))

    def has_delete_permission(self, request, obj=None):
        # Clicks and commissions point at their partner (PROTECT); deactivate instead.
        if obj is not None and obj.clicks.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        return [
            path(
                "<int:partner_id>/statement/",
                self.admin_site.admin_view(self.statement_view),
                name="b2c_affiliatepartner_statement",
            ),
            *super().get_urls(),
        ]

    def statement_view(self, request, partner_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        partner = get_object_or_404(AffiliatePartner, pk=partner_id)
        # Every field is optional: no period given is this month.
        form = StatementPeriodForm(request.GET)
        statement = None
        if form.is_valid():
            start, end = form.period()
            statement = affiliate_partner_statement(partner=partner, start=start, end=end)
            if request.GET.get("format") == "csv":
                return self._csv(statement)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": partner,
            "partner": partner,
            "form": form,
            "statement": statement,
            "csv_query": request.GET.urlencode(),
            "title": _("Statement of %(partner)s") % {"partner": partner.name},
        }
        return TemplateResponse(request, "admin/b2c/affiliatepartner/statement.html", context)

    def _csv(self, statement: PartnerStatement) -> HttpResponse:
        filename = f"statement-{statement.partner.code}-{statement.start}-{statement.end}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        csv.writer(response).writerows(statement_csv_rows(statement))
        return response


@admin.register(AffiliateClick)
class AffiliateClickAdmin(ReadOnlyAdmin):
    list_display = ("clicked_at", "partner", "landing_page", "referrer")
    list_filter = ("partner",)
    list_select_related = ("partner",)
    date_hierarchy = "clicked_at"


@admin.register(AffiliateCommission)
class AffiliateCommissionAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "partner",
        "booking",
        "rate",
        "amount",
        "currency",
        "status",
        "earned_at",
        "reversed_at",
    )
    list_filter = ("status", "partner", "currency")
    search_fields = ("booking__reference", "partner__name", "partner__code")
    list_select_related = ("partner", "booking")
    date_hierarchy = "created_at"
