"""Passenger and card forms of the booking pages. Services decide; forms only read input."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from b2c.forms.customer import DateInput
from bookings.models import Passenger
from core.forms import FastSelectMixin


class PassengerForm(FastSelectMixin, forms.Form):
    type = forms.ChoiceField(choices=Passenger.Type.choices, widget=forms.HiddenInput)
    given_names = forms.CharField(label=_("Given names (as on passport)"), max_length=100)
    surname = forms.CharField(label=_("Surname (as on passport)"), max_length=100)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", "—"), ("female", _("Female")), ("male", _("Male"))],
        required=False,
    )
    nationality = LazyTypedChoiceField(label=_("Nationality"), choices=countries, required=False)
    passport_number = forms.CharField(label=_("Passport number"), max_length=12, required=False)
    passport_country = LazyTypedChoiceField(
        label=_("Passport issuing country"), choices=countries, required=False
    )
    passport_expiry = forms.DateField(
        label=_("Passport expiry date"), widget=DateInput(), required=False
    )

    def clean_passport_number(self) -> str:
        return "".join(self.cleaned_data["passport_number"].split()).upper()


PassengerFormSet = forms.formset_factory(PassengerForm, extra=0, min_num=1, max_num=9)


class ContactForm(forms.Form):
    # Not required: a page rendered before the field existed still holds, only without the key.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    contact_email = forms.EmailField(label=_("Email for the e-tickets"))
    contact_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # One key per rendering of the form: a double click holds the seats once.
            self.initial["idempotency_key"] = uuid.uuid4().hex


class CardNumberInput(forms.TextInput):
    """Never renders a card number back into the page."""

    def format_value(self, value):
        return None


class CardForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=CardNumberInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    exp_month = forms.IntegerField(
        label=_("Expiry month"),
        min_value=1,
        max_value=12,
        widget=forms.NumberInput(attrs={"autocomplete": "cc-exp-month"}),
    )
    exp_year = forms.IntegerField(
        label=_("Expiry year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"autocomplete": "cc-exp-year"}),
    )
    cvc = forms.CharField(
        label=_("Security code"),
        max_length=4,
        widget=forms.PasswordInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # One key per rendering of the form: a double click sends the same key twice.
            self.initial["idempotency_key"] = uuid.uuid4().hex


class BookingPayForm(CardForm):
    """How a held booking is paid: a voucher, part or all from the wallet, a saved or new card.
    The card fields are needed only for what the voucher and wallet leave to pay."""

    NEW_CARD = "new"

    voucher_code = forms.CharField(
        label=_("Reward voucher code"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    wallet_amount = forms.DecimalField(
        label=_("Pay from my wallet"),
        min_value=0,
        max_digits=12,
        decimal_places=3,
        required=False,
        help_text=_("In the booking's currency. Leave empty to pay everything by card."),
    )
    payment_method = forms.ChoiceField(label=_("Card"), required=False, widget=forms.RadioSelect)
    field_order = [
        "voucher_code",
        "wallet_amount",
        "payment_method",
        "card_number",
        "exp_month",
        "exp_year",
        "cvc",
    ]

    def __init__(self, *args, saved_cards=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for card in saved_cards:
            label = f"{card.brand.title()} •••• {card.last4} · {card.exp_month:02d}/{card.exp_year}"
            if today is not None and card.expired(today):
                label = f"{label} ({_('expired')})"
            choices.append((str(card.pk), label))
        choices.append((self.NEW_CARD, _("A new card")))
        self.fields["payment_method"].choices = choices
        if not self.is_bound:
            default = next((c for c in saved_cards if c.is_default), None)
            self.initial["payment_method"] = str(default.pk) if default else self.NEW_CARD
        if not saved_cards:
            self.fields["payment_method"].widget = forms.HiddenInput()
        for name in ("card_number", "exp_month", "exp_year", "cvc"):
            self.fields[name].required = False

    def new_card_given(self) -> bool:
        # A typed card number is the card meant, whichever saved card is pre-selected (without
        # JavaScript the radio stays on the default).
        return bool(self.cleaned_data.get("card_number"))

    def saved_card_id(self) -> int | None:
        method = self.cleaned_data.get("payment_method") or self.NEW_CARD
        if method == self.NEW_CARD or self.new_card_given():
            return None
        return int(method)

    def clean(self):
        data = super().clean()
        if self.new_card_given():
            for name in ("exp_month", "exp_year", "cvc"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("This field is required."))
        return data
