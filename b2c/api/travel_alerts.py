"""Travel alerts API: a customer's reminders and flight changes (list, one, and the answer to a
change: accept it, or cancel the booking for a full refund), and the travel advisories in force
(public).

Times come twice: in UTC (`*_at`) and in the airport's own time with its offset (`*_local`:
departures at the flight's origin, arrivals at its destination). Another customer's alert is 404.
"""

import zoneinfo

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from b2c.forms.travel_alerts import REFUND_TO_CHOICES
from b2c.models import TravelAlert
from b2c.selectors.customer import customer_for_user
from b2c.selectors.travel_alerts import (
    advisories_in_force,
    travel_alert_get,
    travel_alert_refund_amount,
    travel_alerts_for_customer,
)
from b2c.services.travel_alerts import (
    TravelAlertNotFound,
    travel_alert_accept,
    travel_alert_refund,
)
from core.api import ApiErrorSerializer, Pagination, validated

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="Not one of this customer's alerts.")
INVALID = OpenApiResponse(ApiErrorSerializer, description="Refused; nothing was changed.")


@extend_schema_field(
    {"type": "string", "format": "date-time", "nullable": True,
     "example": "2030-03-10T10:00:00+04:00"}
)  # fmt: skip
class LocalTimeField(serializers.Field):
    """A UTC instant in the time of the alert flight's `airport` ("origin" or "destination"),
    with its UTC offset; null when empty."""

    def __init__(self, *, airport: str, **kwargs):
        kwargs["read_only"] = True
        self.airport = airport
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        moment = super().get_attribute(instance)
        if moment is None:
            return None
        zone = getattr(instance.flight, self.airport).time_zone
        return moment.astimezone(zoneinfo.ZoneInfo(zone)).isoformat()

    def to_representation(self, value):
        return value


class TravelAlertSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TravelAlert"

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TravelAlert.Kind.choices)
    reminder = serializers.CharField(
        help_text='Reminders: "check_in", "24h" or "3h"; empty otherwise.'
    )
    change = serializers.CharField(help_text='Changes: "retimed" or "cancelled"; empty otherwise.')
    state = serializers.ChoiceField(
        choices=TravelAlert.State.choices,
        help_text="awaiting: a change waiting for the customer's answer (accept or refund).",
    )
    title = serializers.SerializerMethodField(help_text="What happened, in the caller's language.")
    booking_id = serializers.IntegerField()
    booking_reference = serializers.CharField(source="booking.reference")
    flight = serializers.CharField(source="flight.designator", help_text="e.g. EK1")
    airline = serializers.CharField(source="flight.airline.name")
    origin = serializers.CharField(source="flight.origin.iata_code", help_text="IATA code")
    destination = serializers.CharField(
        source="flight.destination.iata_code", help_text="IATA code"
    )
    departure_at = serializers.DateTimeField(source="flight.departure_at")
    departure_local = LocalTimeField(source="flight.departure_at", airport="origin")
    arrival_at = serializers.DateTimeField(source="flight.arrival_at")
    arrival_local = LocalTimeField(source="flight.arrival_at", airport="destination")
    previous_departure_at = serializers.DateTimeField(allow_null=True)
    previous_departure_local = LocalTimeField(source="previous_departure_at", airport="origin")
    previous_arrival_at = serializers.DateTimeField(allow_null=True)
    previous_arrival_local = LocalTimeField(source="previous_arrival_at", airport="destination")
    new_departure_at = serializers.DateTimeField(
        allow_null=True, help_text="Null when the flight is cancelled."
    )
    new_departure_local = LocalTimeField(source="new_departure_at", airport="origin")
    new_arrival_at = serializers.DateTimeField(allow_null=True)
    new_arrival_local = LocalTimeField(source="new_arrival_at", airport="destination")
    answered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    refund_amount = serializers.SerializerMethodField(
        help_text="A change awaiting an answer: what cancelling for a full refund returns, in "
        "the currency's minor unit; null otherwise."
    )
    currency = serializers.CharField(source="booking.currency", help_text="ISO 4217.")

    def get_title(self, alert) -> str:
        if alert.kind == TravelAlert.Kind.FLIGHT_CHANGE:
            return str(alert.get_change_display())
        return str(alert.get_reminder_display())

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True,
                          "example": "500.00"})  # fmt: skip
    def get_refund_amount(self, alert) -> str | None:
        amount = travel_alert_refund_amount(alert=alert)
        return None if amount is None else str(amount)


class AdvisorySerializer(serializers.Serializer):
    class Meta:
        ref_name = "TravelAdvisory"

    id = serializers.IntegerField()
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2.")
    country_name = serializers.CharField(
        source="country.name", help_text="In the caller's language."
    )
    severity = serializers.ChoiceField(choices=TravelAlert.Severity.choices)
    severity_label = serializers.CharField(source="get_severity_display")
    title = serializers.CharField()
    body = serializers.CharField()
    valid_from = serializers.DateTimeField(allow_null=True, help_text="Null: in force already.")
    valid_until = serializers.DateTimeField(
        allow_null=True, help_text="Null: until further notice."
    )
    created_at = serializers.DateTimeField()


class TravelAlertRefundInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TravelAlertRefundInput"

    refund_to = serializers.ChoiceField(
        choices=[code for code, _ in REFUND_TO_CHOICES],
        default="card",
        help_text="card: back to the card that paid (5 to 10 working days); wallet: into the "
        "Safar wallet at once. What a wallet paid always goes back to the wallet.",
    )


def _detail(customer, alert_id: int) -> dict:
    return TravelAlertSerializer(travel_alert_get(customer=customer, alert_id=alert_id)).data


class TravelAlertsApi(APIView):
    """The customer's reminders and flight changes, newest first."""

    pagination_class = Pagination

    @extend_schema(responses=TravelAlertSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        paginator = self.pagination_class()
        alerts = travel_alerts_for_customer(customer=customer)
        page = paginator.paginate_queryset(alerts, request, view=self)
        return paginator.get_paginated_response(TravelAlertSerializer(page, many=True).data)


class TravelAlertDetailApi(APIView):
    """One of the customer's reminders or flight changes."""

    @extend_schema(responses={200: TravelAlertSerializer, 404: NOT_FOUND})
    def get(self, request, alert_id: int):
        return Response(_detail(customer_for_user(user=request.user), alert_id))


class TravelAlertAcceptApi(APIView):
    """Accept a flight change: the booking stays, on the new times."""

    @extend_schema(
        request=None, responses={200: TravelAlertSerializer, 400: INVALID, 404: NOT_FOUND}
    )
    def post(self, request, alert_id: int):
        customer = customer_for_user(user=request.user)
        try:
            travel_alert_accept(customer=customer, alert_id=alert_id)
        except TravelAlertNotFound:
            raise Http404 from None
        return Response(_detail(customer, alert_id))


class TravelAlertRefundApi(APIView):
    """Answer a flight change by cancelling the booking for a full refund."""

    @extend_schema(
        request=TravelAlertRefundInputSerializer,
        responses={200: TravelAlertSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, alert_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(TravelAlertRefundInputSerializer, request.data)
        try:
            travel_alert_refund(customer=customer, alert_id=alert_id, refund_to=data["refund_to"])
        except TravelAlertNotFound:
            raise Http404 from None
        return Response(_detail(customer, alert_id))


class AdvisoriesApi(APIView):
    """The travel advisories in force, by country, the most serious first; for everyone."""

    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = Pagination

    @extend_schema(responses=AdvisorySerializer(many=True))
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(advisories_in_force(), request, view=self)
        return paginator.get_paginated_response(AdvisorySerializer(page, many=True).data)


urlpatterns = [
    path("travel-alerts/", TravelAlertsApi.as_view(), name="travel-alerts"),
    path("travel-alerts/<int:alert_id>/", TravelAlertDetailApi.as_view(), name="travel-alert"),
    path(
        "travel-alerts/<int:alert_id>/accept/",
        TravelAlertAcceptApi.as_view(),
        name="travel-alert-accept",
    ),
    path(
        "travel-alerts/<int:alert_id>/refund/",
        TravelAlertRefundApi.as_view(),
        name="travel-alert-refund",
    ),
    path("advisories/", AdvisoriesApi.as_view(), name="advisories"),
]
