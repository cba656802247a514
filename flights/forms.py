"""The flight search form, shared by the /search/ page and (wrapped by a serializer) the API."""

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import FastSelectMixin
from core.money import currency_choices
from flights import selectors
from flights.models import Airline, Airport, Cabin
from flights.search import MAX_SEATS, Filters, Passengers, SearchQuery

# Airlines sell about a year ahead; a bound also keeps date arithmetic far from year 9999.
MAX_DAYS_AHEAD = 365
AIRLINE_CODE = re.compile(r"^[A-Z0-9]{2}$")
MAX_AIRLINES = 20


def earliest_today() -> dt.date:
    """The date where the day is youngest (UTC-12): no date that is still today somewhere on
    Earth is in the past."""
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=12)).date()


class TripType(models.TextChoices):
    ONE_WAY = "one_way", _("One way")
    RETURN = "return", pgettext_lazy("trip type", "Return")


SORT_CHOICES = [
    ("price", _("Lowest price")),
    ("duration", _("Shortest")),
    ("departure", _("Earliest departure")),
]
STOPS_CHOICES = [("", _("Any number of stops")), ("0", _("Direct only")), ("1", _("Up to 1 stop"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class AirportField(forms.CharField):
    """An airport typed as its IATA code (any case) or as a city or airport name that names
    exactly one airport. Cleans to an Airport."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "off",
                "hx-get": reverse_lazy("flights:airport-suggestions"),
                "hx-trigger": "input changed delay:250ms",
                "hx-swap": "innerHTML",
            }
        )
        return attrs

    def clean(self, value):
        term = super().clean(value)
        if term in self.empty_values:
            return None
        found = selectors.airport_resolve(term)
        if not found:
            raise ValidationError(
                _("No airport matches “%(term)s”. Type a city, an airport or its 3-letter code."),
                code="unknown_airport",
                params={"term": term},
            )
        if len(found) > 1:
            codes = [a.iata_code for a in found[: selectors.AMBIGUOUS_SHOWN]]
            if len(found) > selectors.AMBIGUOUS_SHOWN:
                codes.append("…")
            raise ValidationError(
                _("“%(term)s” matches more than one airport (%(codes)s): type the airport's "
                  "3-letter code or choose a suggestion."),
                code="ambiguous_airport",
                params={"term": term, "codes": ", ".join(codes)},
            )  # fmt: skip
        return found[0]


class AirlineCodesField(forms.Field):
    """IATA airline codes, from checkboxes (repeated parameters), "EK,BA" or both. Cleans to a
    frozenset of known codes."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        if value in self.empty_values:
            return frozenset()
        values = [value] if isinstance(value, str) else list(value)
        codes = {
            part.strip().upper() for item in values for part in str(item).split(",") if part.strip()
        }
        malformed = sorted(code for code in codes if not AIRLINE_CODE.match(code))
        if malformed:
            raise ValidationError(
                _("Airline codes have two letters or digits, e.g. EK: %(codes)s."),
                code="invalid_airline",
                params={"codes": ", ".join(malformed)},
            )
        if len(codes) > MAX_AIRLINES:
            raise ValidationError(
                _("Choose at most %(count)s airlines."),
                code="too_many_airlines",
                params={"count": MAX_AIRLINES},
            )
        return frozenset(codes)

    def validate(self, value):
        super().validate(value)
        if value:
            known = set(
                Airline.objects.filter(iata_code__in=value).values_list("iata_code", flat=True)
            )
            unknown = sorted(value - known)
            if unknown:
                raise ValidationError(
                    _("Unknown airline code: %(codes)s."),
                    code="unknown_airline",
                    params={"codes": ", ".join(unknown)},
                )


class FlightSearchForm(FastSelectMixin, forms.Form):
    trip = forms.ChoiceField(
        label=_("Trip"), choices=TripType.choices, required=False, widget=forms.RadioSelect
    )
    origin = AirportField(label=_("From"), help_text=_("City, airport or code, e.g. DXB."))
    destination = AirportField(label=_("To"), help_text=_("City, airport or code, e.g. LHR."))
    departure_date = forms.DateField(label=_("Departure date"), widget=DateInput())
    return_date = forms.DateField(
        label=_("Return date"),
        required=False,
        widget=DateInput(),
        help_text=_("For return trips."),
    )
    adults = forms.IntegerField(
        label=_("Adults"),
        required=False,
        min_value=1,
        max_value=MAX_SEATS,
        help_text=_("12 years and over"),
    )
    children = forms.IntegerField(
        label=_("Children"),
        required=False,
        min_value=0,
        max_value=MAX_SEATS - 1,
        help_text=_("2 to 11 years"),
    )
    infants = forms.IntegerField(
        label=_("Infants"),
        required=False,
        min_value=0,
        max_value=MAX_SEATS,
        help_text=_("Under 2, on an adult's lap"),
    )
    cabin = forms.ChoiceField(label=_("Cabin"), choices=Cabin.choices, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    max_stops = forms.ChoiceField(
        label=_("Stops"), choices=STOPS_CHOICES, required=False, widget=forms.RadioSelect
    )
    airlines = AirlineCodesField(label=_("Airlines"), required=False)
    depart_after = forms.TimeField(label=_("Departing after"), required=False, widget=TimeInput())
    depart_before = forms.TimeField(label=_("Departing before"), required=False, widget=TimeInput())
    max_price = forms.DecimalField(
        label=_("Maximum total price"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=3,
    )

    FILTER_FIELDS = ("max_stops", "airlines", "depart_after", "depart_before", "max_price")

    DEFAULTS = {
        "adults": "1",
        "children": "0",
        "infants": "0",
        "cabin": Cabin.ECONOMY,
        "sort": "price",
    }

    def __init__(self, data=None, *args, currency: str = "", **kwargs):
        # A short query string is a whole search: what it leaves out takes the defaults, in the
        # data itself so that the form shows them as chosen. `currency` is the visitor's own.
        currency = currency or settings.DEFAULT_CURRENCY
        if data is not None:
            data = data.copy()
            for name, default in {**self.DEFAULTS, "currency": currency}.items():
                if not data.get(name):
                    data[name] = default
            if not data.get("trip"):
                data["trip"] = TripType.RETURN if data.get("return_date") else TripType.ONE_WAY
        initial = {
            **self.DEFAULTS,
            "trip": TripType.ONE_WAY,
            "max_stops": "",
            "currency": currency,
            **kwargs.pop("initial", {}),
        }
        super().__init__(data, *args, initial=initial, **kwargs)
        for name in ("origin", "destination"):
            self.fields[name].widget.attrs["list"] = f"{name}-suggestions"
            self.fields[name].widget.attrs["hx-target"] = f"#{name}-suggestions"
        today = earliest_today()
        for name in ("departure_date", "return_date"):
            self.fields[name].widget.attrs.update(
                {
                    "min": today.isoformat(),
                    "max": (today + dt.timedelta(days=MAX_DAYS_AHEAD)).isoformat(),
                }
            )
        for name in ("adults", "children", "infants"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.fields["max_price"].widget.attrs["inputmode"] = "decimal"

    def clean_max_stops(self) -> int | None:
        value = self.cleaned_data["max_stops"]
        return None if value in ("", None) else int(value)

    def _check_date(self, name: str, today: dt.date) -> None:
        value = self.cleaned_data.get(name)
        if value is None:
            return
        if value < today:
            self.add_error(
                name, ValidationError(_("This date is in the past."), code="date_in_past")
            )
        elif value > today + dt.timedelta(days=MAX_DAYS_AHEAD):
            self.add_error(
                name,
                ValidationError(
                    _("Flights can be searched up to %(days)s days ahead."),
                    code="date_too_far",
                    params={"days": MAX_DAYS_AHEAD},
                ),
            )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        origin: Airport | None = data.get("origin")
        destination: Airport | None = data.get("destination")
        if origin and destination and origin.pk == destination.pk:
            self.add_error(
                "destination",
                ValidationError(
                    _("The destination must be different from the origin."),
                    code="same_airport",
                ),
            )

        trip = data.get("trip") or TripType.ONE_WAY
        if trip == TripType.ONE_WAY:
            # A return date left in the form after switching to one way is not an error.
            data["return_date"] = None
            self.errors.pop("return_date", None)
        elif "return_date" not in self.errors and data.get("return_date") is None:
            self.add_error(
                "return_date",
                ValidationError(_("Choose a return date for a return trip."), code="required"),
            )

        # "Today" is the traveller's day at the origin airport (a late-evening search in Los
        # Angeles is already tomorrow in UTC); without a valid origin, the youngest day on Earth.
        if origin:
            today = dt.datetime.now(zoneinfo.ZoneInfo(origin.time_zone)).date()
        else:
            today = earliest_today()
        self._check_date("departure_date", today)
        self._check_date("return_date", today)
        departure, back = data.get("departure_date"), data.get("return_date")
        if departure and back and back < departure and "return_date" not in self.errors:
            self.add_error(
                "return_date",
                ValidationError(
                    _("The return date cannot be before the departure date."),
                    code="return_before_departure",
                ),
            )

        adults, children, infants = (data.get(k) for k in ("adults", "children", "infants"))
        if adults is not None and children is not None and adults + children > MAX_SEATS:
            self.add_error(
                "children",
                ValidationError(
                    _("At most %(seats)s seats per booking: adults and children together "
                      "cannot be more than %(seats)s."),
                    code="too_many_passengers",
                    params={"seats": MAX_SEATS},
                ),
            )  # fmt: skip
        if adults is not None and infants is not None and infants > adults:
            self.add_error(
                "infants",
                ValidationError(
                    _("Each infant travels on an adult's lap: no more infants than adults."),
                    code="too_many_infants",
                ),
            )

        after, before = data.get("depart_after"), data.get("depart_before")
        if after and before and before < after:
            self.add_error(
                "depart_before",
                ValidationError(
                    _("Choose a time later than “departing after”."), code="empty_window"
                ),
            )
        return data

    # What the search service takes, from valid data.

    def search_query(self) -> SearchQuery:
        data = self.cleaned_data
        return SearchQuery(
            origin=data["origin"],
            destination=data["destination"],
            departure_date=data["departure_date"],
            return_date=data["return_date"],
            passengers=Passengers(
                adults=data["adults"], children=data["children"], infants=data["infants"]
            ),
            cabin=data["cabin"],
            currency=data["currency"],
        )

    def filters(self, *, airlines: bool = True) -> Filters:
        data = self.cleaned_data
        return Filters(
            max_stops=data["max_stops"],
            airlines=data["airlines"] if airlines else frozenset(),
            depart_after=data["depart_after"],
            depart_before=data["depart_before"],
            max_price=data["max_price"],
        )

    def sort_order(self) -> str:
        return self.cleaned_data["sort"]

    def offer_airlines(self, airlines: list[tuple[str, str]]) -> None:
        """The airlines to show as checkboxes: (code, name), those of the results."""
        widget = self.fields["airlines"].widget
        assert isinstance(widget, forms.CheckboxSelectMultiple)
        widget.choices = airlines

    def has_filters(self) -> bool:
        if not self.is_bound:
            return False
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) not in (None, "", frozenset()) for name in self.FILTER_FIELDS)
