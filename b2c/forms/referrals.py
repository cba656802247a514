"""Forms of the referral and affiliate admin: a programme's amounts, a statement's period."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from b2c.models import ReferralProgram
from core.money import quantize


class ReferralProgramForm(forms.ModelForm):
    """A credit must be payable in its currency: 10.005 USD cannot be paid into a wallet."""

    class Meta:
        model = ReferralProgram
        fields = [
            "name",
            "is_active",
            "reward_kind",
            "referrer_amount",
            "referee_amount",
            "currency",
            "referrer_points",
            "referee_points",
            "max_rewards_per_referrer",
        ]

    def clean(self):
        data = super().clean()
        if data.get("reward_kind") == ReferralProgram.RewardKind.WALLET_CREDIT:
            currency = data.get("currency")
            if not currency:
                self.add_error("currency", _("A wallet credit needs a currency."))
            for name in ("referrer_amount", "referee_amount"):
                amount = data.get(name)
                if amount is None or amount <= 0:
                    self.add_error(name, _("A wallet credit needs an amount greater than zero."))
                elif currency and quantize(amount, currency) != amount:
                    self.add_error(
                        name,
                        _("%(amount)s has more decimals than %(currency)s allows.")
                        % {"amount": amount, "currency": currency},
                    )
        if data.get("reward_kind") == ReferralProgram.RewardKind.POINTS:
            for name in ("referrer_points", "referee_points"):
                if not data.get(name):
                    self.add_error(name, _("Points rewards need points greater than zero."))
        return data


class StatementPeriodForm(forms.Form):
    """A calendar month, or a range of days (both included)."""

    month = forms.CharField(
        label=_("month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("YYYY-MM"),
    )
    start = forms.DateField(
        label=pgettext_lazy("date range", "from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("date range", "to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        try:
            return dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Give a month as YYYY-MM.")) from None

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The first and last day; this month when nothing was given."""
        data = self.cleaned_data
        if data.get("start") or data.get("end"):
            start = data.get("start") or data.get("end")
            end = data.get("end") or data.get("start")
            return start, end
        first = data.get("month") or timezone.localdate().replace(day=1)
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return first, following - dt.timedelta(days=1)
