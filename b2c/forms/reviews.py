"""Forms of the review pages. They read input; b2c.services.reviews decides (the subject, the
one-review rule, verified purchase, the images, moderation)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from b2c.models import ContentReport
from b2c.models.reviews import SubjectKind
from core.formatting import format_date

OTHER_TRIP = "other"
RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]
SUB_RATINGS = ("comfort", "service", "value", "punctuality")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files under one name; the service checks each one (decoded, not by its name)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(file, initial) for file in files]


def _local_date(flight) -> dt.date:
    return flight.departure_at.astimezone(ZoneInfo(flight.origin.time_zone)).date()


def trip_label(flight) -> str:
    return f"{flight.designator} {flight.origin.iata_code} → {flight.destination.iata_code}, " + (
        format_date(_local_date(flight))
    )


def _sub_rating_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("Not rated"))] + RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )


class ReviewEditForm(forms.Form):
    """What the author may change: the ratings, the title and the text."""

    rating = forms.TypedChoiceField(
        label=_("Overall rating (1 = poor, 5 = excellent)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "rating-choice"}),
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comfort = _sub_rating_field(_("Comfort"))
    service = _sub_rating_field(_("Service"))
    value = _sub_rating_field(_("Value for money"))
    punctuality = _sub_rating_field(_("Punctuality"))
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("Give your review a title.")},
    )
    text = forms.CharField(
        label=_("Your review"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write about your trip.")},
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("rating", *SUB_RATINGS, "title", "text")}


class ReviewForm(ReviewEditForm):
    """A new review: one of the customer's completed flights (verified), or another trip typed
    in by hand (not verified)."""

    trip = forms.ChoiceField(
        label=_("Which trip?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the trip you are reviewing.")},
    )
    subject_kind = forms.ChoiceField(
        label=_("What are you reviewing?"),
        choices=SubjectKind.choices,
        initial=SubjectKind.FLIGHT,
        required=False,
    )
    airline = forms.CharField(
        label=_("Airline (code, e.g. EK)"),
        max_length=3,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "size": 4}),
    )
    origin = forms.CharField(
        label=_("From (airport code)"),
        max_length=3,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "size": 4}),
    )
    destination = forms.CharField(
        label=_("To (airport code)"),
        max_length=3,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "size": 4}),
    )
    subject_name = forms.CharField(label=_("Hotel or package name"), max_length=200, required=False)
    travel_date = forms.DateField(
        label=_("Travel date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    images = MultipleImageField(
        label=_("Photos (up to 6: JPEG, PNG or WebP, at most 5 MB each)"), required=False
    )

    field_order = ["trip", "subject_kind", "airline", "origin", "destination", "subject_name",
                   "travel_date", "rating"]  # fmt: skip

    def __init__(self, *args, trips=(), **kwargs):
        """`trips`: reviewable_bookings(), [(booking, [flight, ...]), ...]."""
        super().__init__(*args, **kwargs)
        self.flights = {}
        choices = []
        for booking, flights in trips:
            for flight in flights:
                value = f"{booking.pk}-{flight.pk}"
                self.flights[value] = (booking, flight)
                choices.append((value, trip_label(flight)))
        other = _("Another trip (not booked with Safar, or a hotel or package)")
        choices.append((OTHER_TRIP, other))
        self.fields["trip"].choices = choices
        if not self.is_bound and len(choices) == 1:
            self.fields["trip"].initial = OTHER_TRIP

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = super().service_kwargs() | {"images": data.get("images") or []}
        chosen = self.flights.get(data["trip"])
        if chosen is not None:
            booking, flight = chosen
            return kwargs | {
                "subject_kind": SubjectKind.FLIGHT,
                "airline_code": flight.airline.iata_code,
                "origin": flight.origin.iata_code,
                "destination": flight.destination.iata_code,
                "booking_id": booking.pk,
                "travel_date": _local_date(flight),
            }
        kind = data.get("subject_kind") or SubjectKind.FLIGHT
        return kwargs | {
            "subject_kind": kind,
            "airline_code": (data.get("airline") or "").upper(),
            "origin": (data.get("origin") or "").upper(),
            "destination": (data.get("destination") or "").upper(),
            "subject_name": data.get("subject_name") or "",
            "travel_date": data.get("travel_date"),
        }


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=ContentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )
    note = forms.CharField(
        label=_("Details (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
