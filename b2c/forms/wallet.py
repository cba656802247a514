"""Forms of the wallet pages: a top-up, and adding a saved card. Services decide; forms only
read input (amounts are checked by `wallet_top_up`, cards by the gateway's tokenising)."""

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.forms import CardNumberInput

KEY_FORMAT = re.compile(r"^[A-Za-z0-9_-]{8,50}$")
EXPIRED = _("This form has expired. Please try again.")


def card_label(card, today) -> str:
    """ "Visa •••• 4242 · 08/2027", and "(expired)" when it can no longer be charged."""
    label = f"{card.brand.title()} •••• {card.last4} · {card.exp_month:02d}/{card.exp_year}"
    if card.expired(today):
        label = f"{label} ({_('expired')})"
    return label


class CardChoiceSelect(forms.RadioSelect):
    """Radio buttons whose expired cards are shown but cannot be chosen."""

    def __init__(self, *args, disabled_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values = set(disabled_values)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class NewCardFieldsMixin(forms.Form):
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=CardNumberInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "dir": "ltr"}
        ),
    )
    exp_month = forms.IntegerField(
        label=_("Expiry month"),
        min_value=1,
        max_value=12,
        widget=forms.NumberInput(attrs={"autocomplete": "cc-exp-month", "dir": "ltr"}),
    )
    exp_year = forms.IntegerField(
        label=_("Expiry year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"autocomplete": "cc-exp-year", "dir": "ltr"}),
    )
    cvc = forms.CharField(
        label=_("Security code"),
        max_length=4,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "cc-csc", "inputmode": "numeric", "dir": "ltr"}
        ),
    )
    holder_name = forms.CharField(
        label=_("Name on card"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "cc-name"}),
    )

    CARD_FIELDS = ("card_number", "exp_month", "exp_year", "cvc", "holder_name")


class TopUpForm(NewCardFieldsMixin, forms.Form):
    """Add money: an amount, then one of the saved cards or a new one (saved if asked)."""

    NEW_CARD = "new"

    # One key per rendering of the form: a double click sends the same key twice.
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=50,
        error_messages={"required": EXPIRED, "max_length": EXPIRED},
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    payment_method = forms.ChoiceField(label=_("Pay with"), required=False, widget=CardChoiceSelect)
    save_card = forms.BooleanField(label=_("Save this card for next time"), required=False)

    field_order = ["amount", "payment_method", *NewCardFieldsMixin.CARD_FIELDS, "save_card"]

    def __init__(self, *args, saved_cards=(), today=None, currency="", **kwargs):
        super().__init__(*args, **kwargs)
        if currency:
            self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": currency}
        usable = [card for card in saved_cards if not card.expired(today)]
        self.fields["payment_method"].choices = [
            *((str(card.pk), card_label(card, today)) for card in saved_cards),
            (self.NEW_CARD, _("A new card")),
        ]
        self.fields["payment_method"].widget.disabled_values = {
            str(card.pk) for card in saved_cards if card.expired(today)
        }
        if not saved_cards:
            self.fields["payment_method"].widget = forms.HiddenInput()
        for name in self.CARD_FIELDS:
            self.fields[name].required = False
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex
            chosen = next((c for c in usable if c.is_default), usable[0] if usable else None)
            self.initial["payment_method"] = str(chosen.pk) if chosen else self.NEW_CARD

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        if not KEY_FORMAT.match(key):
            raise forms.ValidationError(EXPIRED)
        return key

    def saved_card_id(self) -> int | None:
        method = self.cleaned_data.get("payment_method") or self.NEW_CARD
        return None if method == self.NEW_CARD else int(method)

    def clean(self):
        data = super().clean()
        if self.saved_card_id() is None:
            for name in ("card_number", "exp_month", "exp_year", "cvc"):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        return data

    def renew_idempotency_key(self) -> None:
        """Shown again after a refusal or a decline, sending it is a new attempt: a new key."""
        self.data = self.data.copy()
        self.data["idempotency_key"] = uuid.uuid4().hex


class PaymentMethodAddForm(NewCardFieldsMixin, forms.Form):
    make_default = forms.BooleanField(label=_("Make this my default card"), required=False)
