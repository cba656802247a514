"""Price alerts API: a customer's alerts (list, create, one with its price history, pause,
resume, delete), and a visitor's alert by email with its confirmation.

A visitor's alert starts `pending`; the emailed link (its token goes to
POST /price-alerts/confirm/) starts it. Another customer's alert, or a tampered token, is 404.
"""

import time

from django.http import Http404
from django.urls import path
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from b2c.api.wallet import AmountField
from b2c.models import PriceAlert
from b2c.selectors.alerts import price_alert_get, price_alert_history, price_alert_list
from b2c.selectors.customer import customer_for_user
from b2c.services.alerts import (
    PriceAlertNotFound,
    price_alert_confirm,
    price_alert_create,
    price_alert_delete,
    price_alert_pause,
    price_alert_resume,
)
from core.api import ApiErrorSerializer, Pagination, validated
from core.money import SUPPORTED_CURRENCIES
from flights.models import Cabin

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="Not one of this customer's alerts.")
INVALID = OpenApiResponse(ApiErrorSerializer, description="Refused; nothing was changed.")


class PriceAlertSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PriceAlert"

    id = serializers.IntegerField()
    state = serializers.ChoiceField(
        choices=PriceAlert.State.choices,
        help_text="pending: waits for the email link; active: watched; paused; ended.",
    )
    origin = serializers.CharField(source="origin.iata_code")
    destination = serializers.CharField(source="destination.iata_code")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    cabin = serializers.ChoiceField(choices=Cabin.choices)
    adults = serializers.IntegerField()
    children = serializers.IntegerField()
    infants = serializers.IntegerField()
    currency = serializers.CharField()
    target_price = AmountField(allow_null=True, help_text='Empty: "any drop".')
    start_price = AmountField(allow_null=True, help_text="The lowest price when it was set.")
    last_price = AmountField(allow_null=True, help_text="The lowest price at the last check.")
    notified_price = AmountField(allow_null=True, help_text="The last price told.")
    last_checked_at = serializers.DateTimeField(allow_null=True)
    last_notified_at = serializers.DateTimeField(allow_null=True)
    ended_reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class PriceCheckSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PriceAlertCheck"

    checked_at = serializers.DateTimeField()
    price = serializers.DecimalField(
        max_digits=12, decimal_places=3, allow_null=True, coerce_to_string=True
    )
    notified = serializers.BooleanField()


class PriceAlertDetailSerializer(PriceAlertSerializer):
    class Meta:
        ref_name = "PriceAlertDetail"

    history = PriceCheckSerializer(
        many=True, help_text="Oldest first, the newest 200 price changes."
    )


class PriceAlertInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "PriceAlertInput"

    origin = serializers.CharField(max_length=3, help_text="IATA airport code.")
    destination = serializers.CharField(max_length=3, help_text="IATA airport code.")
    date_from = serializers.DateField()
    date_to = serializers.DateField(
        required=False, help_text="At most 60 days after `date_from`; default the same day."
    )
    cabin = serializers.ChoiceField(choices=Cabin.choices, default=Cabin.ECONOMY)
    adults = serializers.IntegerField(min_value=1, max_value=9, default=1)
    children = serializers.IntegerField(min_value=0, max_value=8, default=0)
    infants = serializers.IntegerField(min_value=0, max_value=9, default=0)
    currency = serializers.CharField(
        max_length=3, help_text="ISO 4217, one of " + ", ".join(SUPPORTED_CURRENCIES) + "."
    )
    target_price = serializers.DecimalField(
        max_digits=20,
        decimal_places=None,
        required=False,
        allow_null=True,
        help_text='More than zero, in the currency\'s minor unit; empty for "any drop".',
    )

    def to_service(self, data: dict) -> dict:
        return data | {"date_to": data.get("date_to") or data["date_from"],
                       "target_price": data.get("target_price")}  # fmt: skip


class VisitorPriceAlertInputSerializer(PriceAlertInputSerializer):
    class Meta:
        ref_name = "VisitorPriceAlertInput"

    email = serializers.EmailField(help_text="Where the confirmation link and alerts go.")


def _with_history(alert: PriceAlert) -> dict:
    alert.history = price_alert_history(alert=alert)
    return PriceAlertDetailSerializer(alert).data


class PriceAlertsApi(APIView):
    """The customer's price alerts (newest first), and setting one."""

    pagination_class = Pagination

    @extend_schema(responses=PriceAlertSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(price_alert_list(customer=customer), request, view=self)
        return paginator.get_paginated_response(PriceAlertSerializer(page, many=True).data)

    @extend_schema(
        request=PriceAlertInputSerializer,
        responses={201: PriceAlertSerializer, 400: INVALID},
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        data = validated(PriceAlertInputSerializer, request.data)
        alert = price_alert_create(
            customer=customer,
            language=customer.preferred_language,
            **PriceAlertInputSerializer().to_service(data),
        )
        return Response(PriceAlertSerializer(alert).data, status=status.HTTP_201_CREATED)


class PriceAlertDetailApi(APIView):
    """One of the customer's alerts with its price history; DELETE removes it."""

    @extend_schema(responses={200: PriceAlertDetailSerializer, 404: NOT_FOUND})
    def get(self, request, alert_id: int):
        customer = customer_for_user(user=request.user)
        return Response(_with_history(price_alert_get(customer=customer, alert_id=alert_id)))

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, alert_id: int):
        try:
            price_alert_delete(customer=customer_for_user(user=request.user), alert_id=alert_id)
        except PriceAlertNotFound:
            raise Http404 from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class PriceAlertPauseApi(APIView):
    """Stop checking an alert until it is resumed."""

    service = staticmethod(price_alert_pause)

    @extend_schema(
        request=None, responses={200: PriceAlertSerializer, 400: INVALID, 404: NOT_FOUND}
    )
    def post(self, request, alert_id: int):
        try:
            alert = self.service(customer=customer_for_user(user=request.user), alert_id=alert_id)
        except PriceAlertNotFound:
            raise Http404 from None
        return Response(PriceAlertSerializer(alert).data)


class PriceAlertResumeApi(PriceAlertPauseApi):
    """Check a paused alert again."""

    service = staticmethod(price_alert_resume)


class VisitorThrottle(AnonRateThrottle):
    """Visitors' alerts send emails: at most 20 an hour from one address."""

    rate = "20/hour"

    def timer(self) -> float:
        # Read the clock when called (DRF keeps `time.time` as it was at import).
        return time.time()


class VisitorPriceAlertApi(APIView):
    """A visitor's alert by email (no account): answered 202; it starts once the link emailed
    to that address is followed."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VisitorThrottle]

    @extend_schema(
        request=VisitorPriceAlertInputSerializer,
        responses={202: OpenApiResponse(description="The confirmation email is on its way."),
                   400: INVALID},
    )  # fmt: skip
    def post(self, request):
        data = validated(VisitorPriceAlertInputSerializer, request.data)
        price_alert_create(
            language=translation.get_language(),
            **VisitorPriceAlertInputSerializer().to_service(data),
        )
        return Response({"status": "pending"}, status=status.HTTP_202_ACCEPTED)


class PriceAlertConfirmApi(APIView):
    """Start a visitor's alert with the token of its confirmation link."""

    authentication_classes = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PriceAlertConfirm"

        token = serializers.CharField(max_length=200)

    @extend_schema(
        request=InputSerializer,
        responses={200: PriceAlertSerializer, 404: OpenApiResponse(ApiErrorSerializer)},
    )
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        try:
            alert = price_alert_confirm(token=data["token"])
        except PriceAlertNotFound:
            raise Http404 from None
        return Response(PriceAlertSerializer(alert).data)


urlpatterns = [
    path("price-alerts/", PriceAlertsApi.as_view(), name="price-alerts"),
    path("price-alerts/visitor/", VisitorPriceAlertApi.as_view(), name="price-alert-visitor"),
    path("price-alerts/confirm/", PriceAlertConfirmApi.as_view(), name="price-alert-confirm"),
    path("price-alerts/<int:alert_id>/", PriceAlertDetailApi.as_view(), name="price-alert"),
    path(
        "price-alerts/<int:alert_id>/pause/", PriceAlertPauseApi.as_view(), name="price-alert-pause"
    ),
    path(
        "price-alerts/<int:alert_id>/resume/",
        PriceAlertResumeApi.as_view(),
        name="price-alert-resume",
    ),
]
