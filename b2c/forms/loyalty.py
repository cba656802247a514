"""Forms of the loyalty pages: confirming a redemption."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

KEY_FORMAT = re.compile(r"^[A-Za-z0-9_-]{8,50}$")


class RedeemRewardForm(forms.Form):
    # Made when the confirmation page is shown: submitting it twice redeems once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=50)

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        if not KEY_FORMAT.match(key):
            raise forms.ValidationError(_("This form has expired. Please try again."))
        return key
