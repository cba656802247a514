"""Flight search API: offers, the ±3-day price calendar and airport suggestions. Anonymous
access, throttled per client under the "flight_search" scope."""

import json

from django.http import HttpResponse
from django.urls import path
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from b2c.selectors.customer import customer_currency
from core.api import Pagination
from core.money import SUPPORTED_CURRENCIES
from flights import selectors
from flights.forms import SORT_CHOICES, STOPS_CHOICES, FlightSearchForm, TripType
from flights.models import Airport, Cabin
from flights.search import MAX_SEATS, OFFER_TTL, flight_search
from flights.search_cache import search_cache_get, search_cache_key, search_cache_set


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors under the API's field names."""
    return {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }


class TripParamsSerializer(serializers.Serializer):
    """The trip of a flight search. The fields document the parameters; the validation is the
    search form's, so the page and the API refuse the same input with the same messages."""

    origin = serializers.CharField(
        help_text="IATA airport code (any case), or a city or airport name naming one airport."
    )
    destination = serializers.CharField(help_text="As origin; must differ from it.")
    departure_date = serializers.DateField(
        help_text="Local date of departure at the origin; today or later, within a year."
    )
    return_date = serializers.DateField(
        required=False, help_text="For a return trip; not before departure_date."
    )
    trip = serializers.ChoiceField(
        choices=TripType.choices,
        required=False,
        help_text="Defaults to return when return_date is given, one_way otherwise.",
    )
    adults = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_SEATS, help_text="Default 1."
    )
    children = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_SEATS - 1,
        help_text=f"Default 0; adults and children together at most {MAX_SEATS}.",
    )
    infants = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_SEATS, help_text="Default 0; at most adults."
    )
    cabin = serializers.ChoiceField(
        choices=Cabin.choices, required=False, help_text="Default economy."
    )
    currency = serializers.ChoiceField(
        choices=list(SUPPORTED_CURRENCIES),
        required=False,
        help_text="Currency of the prices (ISO 4217). Default: the signed-in customer's "
        "preferred currency, else USD.",
    )

    def to_internal_value(self, data):
        currency = self.context.get("currency")
        if currency is None:
            request = self.context.get("request")
            currency = customer_currency(user=request.user) if request else ""
        form = FlightSearchForm(self._form_data(data), currency=currency)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {"query": form.search_query(), "filters": form.filters(), "sort": form.sort_order()}

    def _form_data(self, data):
        """Only the parameters this serializer documents reach the form."""
        data = data.copy()
        for name in list(data):
            if name not in self.fields:
                data.pop(name)
        return data


class FlightSearchParamsSerializer(TripParamsSerializer):
    """A trip with the filters and order of its offers."""

    sort = serializers.ChoiceField(
        choices=[value for value, _label in SORT_CHOICES],
        required=False,
        help_text="Default price.",
    )
    max_stops = serializers.ChoiceField(
        choices=[value for value, _label in STOPS_CHOICES if value],
        required=False,
        help_text="0: direct flights only; 1: up to one stop. Default: any.",
    )
    airlines = serializers.CharField(
        required=False,
        help_text="Comma-separated IATA airline codes, e.g. EK,BA: only offers flown entirely "
        "by these airlines.",
    )
    depart_after = serializers.TimeField(
        required=False, help_text="Outbound departure at or after this local time (HH:MM)."
    )
    depart_before = serializers.TimeField(
        required=False, help_text="Outbound departure at or before this local time (HH:MM)."
    )
    max_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        required=False,
        help_text="Maximum total price for all passengers, in the currency of the prices.",
    )


@extend_schema_field({"type": "string", "format": "decimal", "example": "1825.00"})
class AmountField(serializers.Field):
    """An amount as a string, rounded to its currency's minor unit ("1825.00", "12.500")."""

    def to_representation(self, value):
        return str(value)


@extend_schema_field(
    {"type": "string", "format": "date-time", "example": "2030-01-20T08:15:00+04:00"}
)
class LocalDateTimeField(serializers.Field):
    """An airport's local time with its UTC offset, not converted to UTC."""

    def to_representation(self, value):
        return value.isoformat()


def minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


class AirlineRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="airline_code")
    name = serializers.CharField(source="airline_name")


class FlightLegSerializer(serializers.Serializer):
    flight = serializers.CharField(source="designator", help_text="e.g. EK1")
    airline = AirlineRefSerializer(source="*")
    origin = serializers.CharField(help_text="IATA airport code")
    destination = serializers.CharField(help_text="IATA airport code")
    departure_local = LocalDateTimeField()
    arrival_local = LocalDateTimeField()
    duration_minutes = serializers.SerializerMethodField()
    aircraft = serializers.CharField()

    def get_duration_minutes(self, leg) -> int:
        return minutes(leg.duration)


class FareTermsSerializer(serializers.Serializer):
    cabin = serializers.ChoiceField(choices=Cabin.choices)
    brand = serializers.CharField()
    cabin_baggage_kg = serializers.IntegerField()
    checked_baggage_kg = serializers.IntegerField()
    refundable = serializers.BooleanField()
    changeable = serializers.BooleanField()


class FlightJourneySerializer(serializers.Serializer):
    stops = serializers.IntegerField()
    duration_minutes = serializers.SerializerMethodField()
    co2_kg_per_passenger = serializers.IntegerField(
        source="co2_kg", help_text="Estimate (distance × cabin factor, after DESNZ 2024)."
    )
    fare = FareTermsSerializer(source="terms")
    legs = FlightLegSerializer(many=True)

    def get_duration_minutes(self, journey) -> int:
        return minutes(journey.duration)


class OfferPriceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    total = AmountField(help_text="For all passengers.")
    base = AmountField()
    taxes = AmountField()
    per_adult = AmountField(source="adult")
    per_child = AmountField(source="child")
    per_infant = AmountField(source="infant")


class PassengerCountSerializer(serializers.Serializer):
    adults = serializers.IntegerField()
    children = serializers.IntegerField()
    infants = serializers.IntegerField()


class FlightOfferSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Signed reference to this offer, to book it.")
    expires_in_seconds = serializers.SerializerMethodField()
    passengers = PassengerCountSerializer()
    price = OfferPriceSerializer()
    journeys = FlightJourneySerializer(many=True)

    def get_expires_in_seconds(self, offer) -> int:
        return int(OFFER_TTL.total_seconds())


class FlightSearchApi(APIView):
    """Offers for a one-way or return trip, 20 a page; bad input is a 400 with field errors."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "flight_search"
    pagination_class = Pagination

    @extend_schema(
        parameters=[FlightSearchParamsSerializer],
        responses=FlightOfferSerializer(many=True),
    )
    def get(self, request):
        # The same question in the same currency has the same answer for everyone
        # (flights/search_cache.py); only successful answers are kept.
        currency = customer_currency(user=request.user)
        cache_key = search_cache_key("api", request.query_params.lists(), currency=currency)
        cached = search_cache_get(cache_key)
        if cached is not None:
            if isinstance(request.accepted_renderer, JSONRenderer):
                return HttpResponse(cached, content_type="application/json")
            return Response(json.loads(cached))
        params = FlightSearchParamsSerializer(
            data=request.query_params, context={"request": request, "currency": currency}
        )
        params.is_valid(raise_exception=True)
        search = params.validated_data
        results = flight_search(search["query"], filters=search["filters"], sort=search["sort"])
        paginator = self.pagination_class()
        # Django's Paginator pages a list as well as a queryset.
        page = paginator.paginate_queryset(results, request, view=self)  # type: ignore[arg-type,var-annotated]
        response = paginator.get_paginated_response(FlightOfferSerializer(page, many=True).data)
        search_cache_set(cache_key, JSONRenderer().render(response.data))
        return response


class PriceCalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    return_date = serializers.DateField(allow_null=True)
    lowest_total = AmountField(allow_null=True, help_text="null: no offer that day.")


class PriceCalendarSerializer(serializers.Serializer):
    currency = serializers.CharField(allow_null=True)
    days = PriceCalendarDaySerializer(many=True)


class FlightCalendarApi(APIView):
    """The lowest total for the same trip departing up to 3 days before or after the date
    asked (return trips keep their length), whatever the filters."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "flight_search"

    @extend_schema(parameters=[TripParamsSerializer], responses=PriceCalendarSerializer)
    def get(self, request):
        params = TripParamsSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        calendar = selectors.price_calendar_for(params.validated_data["query"])
        return Response(PriceCalendarSerializer(calendar).data)


class AirportSuggestionSerializer(serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = Airport
        fields = ["iata_code", "name", "city", "country"]


class AirportSuggestionsApi(APIView):
    """Airports for an autocomplete: the exact IATA code first, then cities and airport names
    starting with `q`, airports with upcoming flights first. Fewer than 2 characters: []."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "flight_search"

    class ParamsSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
        limit = serializers.IntegerField(required=False, min_value=1, max_value=20, default=8)

    @extend_schema(parameters=[ParamsSerializer], responses=AirportSuggestionSerializer(many=True))
    def get(self, request):
        params = self.ParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        term, limit = params.validated_data["q"].strip(), params.validated_data["limit"]
        airports = selectors.airport_suggestions(term, limit=limit) if len(term) >= 2 else []
        return Response(AirportSuggestionSerializer(airports, many=True).data)


urlpatterns = [
    path("search/", FlightSearchApi.as_view(), name="search"),
    path("calendar/", FlightCalendarApi.as_view(), name="calendar"),
    path("airports/", AirportSuggestionsApi.as_view(), name="airports"),
]
