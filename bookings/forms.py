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
