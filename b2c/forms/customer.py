"""Forms of the profile pages. They validate input; the services decide and save."""

import copy

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from b2c.models import Customer, CustomerProfile, FrequentFlyerNumber, TravelCompanion
from b2c.models.customer import DocumentNumberFormField
from b2c.selectors.customer import travel_companion_list
from core.forms import FastSelectMixin
from core.money import currency_choices
from flights.models import Airline


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def detached(instance):
    """A copy for a ModelForm to validate against, so the real object changes only in a service."""
    return copy.copy(instance)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, under the fields it names."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class PersonalDetailsForm(FastSelectMixin, forms.ModelForm):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    class Meta:
        model = Customer
        fields = [
            "customer_type",
            "company_name",
            "preferred_language",
            "preferred_currency",
            "phone",
            "marketing_consent",
        ]
        help_texts = {"phone": _("International format, e.g. +971 50 123 4567.")}

    field_order = ["first_name", "last_name", *Meta.fields]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_currency"].choices = currency_choices()
        if user is not None and not self.is_bound:
            self.initial.update({"first_name": user.first_name, "last_name": user.last_name})
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def user_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("first_name", "last_name")}

    def customer_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class TravelDocumentForm(FastSelectMixin, forms.ModelForm):
    class Meta:
        model = CustomerProfile
        fields = list(CustomerProfile.DOCUMENT_FIELDS)
        widgets = {"date_of_birth": DateInput(), "passport_expiry": DateInput()}
        help_texts = {"passport_number": _("As printed on the passport's photo page.")}


class ContactAddressForm(FastSelectMixin, forms.ModelForm):
    class Meta:
        model = CustomerProfile
        fields = list(CustomerProfile.CONTACT_FIELDS)


class TravelCompanionForm(FastSelectMixin, forms.ModelForm):
    class Meta:
        model = TravelCompanion
        fields = [*TravelCompanion.NAME_FIELDS, *TravelCompanion.DOCUMENT_FIELDS]
        widgets = {"date_of_birth": DateInput(), "passport_expiry": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].required = True


class FrequentFlyerNumberForm(FastSelectMixin, forms.Form):
    airline = forms.ModelChoiceField(
        label=_("Airline"),
        queryset=Airline.objects.filter(is_active=True).order_by("name"),
        empty_label=_("Choose an airline"),
    )
    number = DocumentNumberFormField(label=_("Membership number"), max_length=20)
    companion = forms.ModelChoiceField(
        label=_("Belongs to"),
        queryset=TravelCompanion.objects.none(),
        required=False,
        empty_label=_("Me"),
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companion"].queryset = travel_companion_list(customer=customer)

    def clean_number(self) -> str:
        number = self.cleaned_data["number"]
        FrequentFlyerNumber._meta.get_field("number").run_validators(number)
        return number


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my profile, documents and companions will be erased."),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # Through authenticate(), so django-axes counts wrong guesses like failed sign-ins.
        user = authenticate(self.request, username=self.request.user.email, password=password)
        if user is None or user.pk != self.request.user.pk:
            raise ValidationError(_("The password is not correct."), code="password_incorrect")
        return password
