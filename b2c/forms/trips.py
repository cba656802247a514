"""Forms of the trip planner pages. They read input; b2c.services.trips decides.

Field names are the services' keyword names, so a service's field error lands on its field."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from b2c.models import TripMember
from core.formatting import format_date
from core.money import SUPPORTED_CURRENCIES
from flights.forms import DateInput, TimeInput

CODE_SEPARATORS = re.compile(r"[\s,;]+")
NEW_TRIP = "new"
# A position past the end of any day: the service puts the activity last.
AT_THE_END = 10_000


def _currency_choices(blank: bool = False) -> list[tuple[str, str]]:
    choices = [(code, code) for code in sorted(SUPPORTED_CURRENCIES)]
    return [("", "—"), *choices] if blank else choices


class TripForm(forms.Form):
    """A new trip, or the owner's changes to one (with `notes`)."""

    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    start_date = forms.DateField(label=_("First day"), widget=DateInput())
    end_date = forms.DateField(label=_("Last day"), widget=DateInput())
    destination_codes = forms.CharField(
        label=_("Destinations"),
        required=False,
        max_length=200,
        help_text=_("Airport codes separated by spaces or commas, e.g. DXB AUH."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
    )
    companion_ids = forms.TypedMultipleChoiceField(
        label=_("Who is travelling with you"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    currency = forms.ChoiceField(label=_("Budget currency"))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, companions=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companion_ids"].choices = [(c.pk, str(c)) for c in companions]
        if not companions:
            del self.fields["companion_ids"]
        if editing:
            self.fields["currency"].required = False  # left out: unchanged
        else:
            del self.fields["notes"]
        self.fields["currency"].choices = _currency_choices()

    def clean_destination_codes(self) -> list[str]:
        text = self.cleaned_data["destination_codes"] or ""
        return [code.upper() for code in CODE_SEPARATORS.split(text) if code]


class ActivityForm(forms.Form):
    title = forms.CharField(
        label=_("What"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    start_time = forms.TimeField(label=_("Starts"), required=False, widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends"), required=False, widget=TimeInput())
    time_zone = forms.CharField(
        label=_("Time zone"),
        required=False,
        max_length=64,
        widget=forms.TextInput(
            attrs={"list": "trip-time-zones", "autocomplete": "off", "dir": "ltr"}
        ),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    cost = forms.DecimalField(
        label=_("Cost"),
        required=False,
        max_digits=15,
        decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr", "size": 8}),
    )
    cost_currency = forms.ChoiceField(label=_("Currency"), required=False)
    booking_reference = forms.CharField(
        label=_("Booking reference"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, default_zone: str = "", flight: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost_currency"].choices = _currency_choices(blank=True)
        if default_zone:
            self.fields["time_zone"].help_text = _(
                "The place's own time zone. Empty: %(zone)s."
            ) % {"zone": default_zone}
        if flight:
            # A flight follows its booking: only its notes and cost are the customer's.
            for name in ("title", "start_time", "end_time", "time_zone", "place"):
                del self.fields[name]
            del self.fields["booking_reference"]


class MoveForm(forms.Form):
    day_date = forms.DateField(label=_("Day"))
    position = forms.IntegerField(min_value=0, required=False)


class RestoreForm(forms.Form):
    day_date = forms.DateField(label=_("Put back on"))


class ReorderForm(forms.Form):
    activity_ids = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any ids: whether they are the day's activities is the service's question.
        self.fields["activity_ids"].valid_value = lambda value: str(value).isdigit()


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email of their Safar account"))
    role = forms.ChoiceField(label=_("They can"), choices=TripMember.Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=TripMember.Role.choices)


class AttachBookingForm(forms.Form):
    trip = forms.ChoiceField(label=_("Add the flights to"), widget=forms.RadioSelect)

    def __init__(self, *args, trips=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trip"].choices = [
            (NEW_TRIP, _("A new trip")),
            *[
                (
                    str(t.pk),
                    f"{t.name} ({format_date(t.start_date)} – {format_date(t.end_date)})",
                )
                for t in trips
            ],
        ]
        self.fields["trip"].initial = NEW_TRIP
