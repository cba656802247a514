"""Forms of the price-alert pages. They read input; b2c.services.alerts decides (dates,
airports, target, the cap)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import currency_choices
from flights.models import Cabin


class PriceAlertForm(forms.Form):
    origin = forms.CharField(
        label=_("From (airport code)"),
        max_length=3,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "size": 4}),
    )
    destination = forms.CharField(
        label=_("To (airport code)"),
        max_length=3,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "size": 4}),
    )
    date_from = forms.DateField(
        label=_("Departing from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Departing until"),
        required=False,
        help_text=_("Leave empty to watch one day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    cabin = forms.ChoiceField(label=_("Cabin"), choices=Cabin.choices, initial=Cabin.ECONOMY)
    adults = forms.IntegerField(label=_("Adults"), min_value=1, max_value=9, initial=1)
    children = forms.IntegerField(label=_("Children (2–11)"), min_value=0, max_value=8, initial=0)
    infants = forms.IntegerField(label=_("Infants (under 2)"), min_value=0, max_value=9, initial=0)
    currency = forms.ChoiceField(label=_("Currency"))
    target_price = forms.DecimalField(
        label=_("Tell me when the price is at or below"),
        required=False,
        help_text=_("Leave empty to hear of any drop."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "dir": "ltr", "step": "any"}),
    )

    def __init__(self, *args, currency: str = "USD", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
        self.fields["currency"].initial = currency

    @classmethod
    def initial_from(cls, query) -> dict | None:
        """Initial values from a link's query string (the search page's "Get price alerts for
        this route": origin, destination, date_from, cabin, passengers, currency); keys that
        are not fields of the form are ignored. None when there are none."""
        values = {name: query[name] for name in cls.base_fields if query.get(name)}
        return values or None

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "origin": data["origin"],
            "destination": data["destination"],
            "date_from": data["date_from"],
            "date_to": data["date_to"] or data["date_from"],
            "cabin": data["cabin"],
            "adults": data["adults"],
            "children": data["children"] or 0,
            "infants": data["infants"] or 0,
            "currency": data["currency"],
            "target_price": data["target_price"],
        }


class VisitorPriceAlertForm(PriceAlertForm):
    email = forms.EmailField(
        label=_("Your email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
        help_text=_("We send a link to confirm it is you; no account is needed."),
    )

    field_order = ["email"]
