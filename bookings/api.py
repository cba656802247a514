"""Booking API: hold an offer, list and read bookings, pay by card, cancel by quote.

Owner-only: another customer's booking id answers 404 in the API's error shape. Every action calls
the same service as the booking pages (bookings.services, payments.services).

Idempotency-Key
---------------
A client sends an `Idempotency-Key` header (1 to 50 visible ASCII characters; a UUID fits) so that
a retry after a lost answer does the work at most once. A key is kept in the database on the
booking or payment it made, with no expiry, not in a cache:

- POST /bookings/{id}/payments/ requires it. The key is the payment's own key in
  `booking_pay_by_card`: the same key returns the same payment (200, or the same 402/202 as the
  first answer) and never charges twice. A new attempt (another card, or after a decline) needs a
  new key.
- POST /bookings/ accepts it. The key is the booking's own key in `booking_hold`, unique per
  customer, with a digest of the request body: the same key and the same body return the booking
  the first request made (200), as it stands now, instead of holding seats twice; the same key
  with a different body is refused (422) and changes nothing. Of two concurrent requests with one
  key, the second waits on the key's unique index until the first commits, then answers the
  first's booking (200); nothing of its own is held. A hold that is refused (400) records nothing,
  so its key may be sent again.
"""

import re
import zoneinfo

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from b2c.api.customer import passport_number_field
from b2c.models.customer import Gender, validate_birth_date
from b2c.selectors.customer import customer_for_user
from bookings.models import Booking, Passenger
from bookings.selectors import booking_get_for_customer, booking_queryset_for_customer
from bookings.services import (
    IdempotencyKeyReused,
    PassengerDetails,
    booking_cancel,
    booking_cancel_quote,
    booking_hold,
    hold_request_fingerprint,
)
from core.api import Pagination
from core.exceptions import ApplicationError
from core.money import quantize
from flights.api import AirlineRefSerializer, minutes
from flights.search import MAX_SEATS
from payments.models import Payment
from payments.services import booking_pay_by_card, card_tokenize, decline_message

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,50}$")
# Payment keys are stored as "booking:<id>:<key>" in an 80-character column: 50 leaves room.


# Errors ----------------------------------------------------------------------------------------


class IdempotencyKeyMissing(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_missing"
    default_detail = _(
        "Send an Idempotency-Key header: a new unique value (such as a UUID) for each payment "
        "attempt, sent again unchanged when retrying the same attempt."
    )


class IdempotencyKeyInvalid(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_invalid"
    default_detail = _(
        "The Idempotency-Key header must be 1 to 50 visible ASCII characters, such as a UUID."
    )


class IdempotencyKeyReusedError(exceptions.APIException):
    """bookings.services.IdempotencyKeyReused, in the API's terms."""

    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = _(
        "This Idempotency-Key was already used for a different request. Use a new key."
    )


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='e.g. "invalid", "not_found", "card_declined".')
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Field errors, keyed by field; a passenger\'s by "passengers.<index>" or '
        '"passengers.<index>.<field>"; errors of no one field under "non_field_errors".',
    )


class ApiErrorSerializer(serializers.Serializer):
    """The API's one error shape."""

    error = ErrorDetailSerializer()


def _error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "fields": {}}}


def _flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors under dotted keys ("passengers.1.surname"), as the services key
    a passenger's problems ("passengers.1")."""
    flat: dict[str, list[str]] = {}

    def merge(more: dict[str, list[str]]) -> None:
        for key, messages in more.items():
            flat.setdefault(key, []).extend(messages)

    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors" and prefix:
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            merge(_flatten_errors(value, name))
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            flat[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    merge(_flatten_errors(item, f"{prefix}.{index}"))
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise exceptions.ValidationError(_flatten_errors(serializer.errors))
    return serializer.validated_data


def _idempotency_key(request, *, required: bool) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None or key == "":
        if required:
            raise IdempotencyKeyMissing()
        return None
    if not IDEMPOTENCY_KEY_FORMAT.match(key):
        raise IdempotencyKeyInvalid()
    return key


def _idempotency_parameter(*, required: bool, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        IDEMPOTENCY_HEADER,
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        required=required,
        description=description,
    )


def _customer_booking(request, booking_id: int) -> Booking:
    return booking_get_for_customer(
        customer=customer_for_user(user=request.user), booking_id=booking_id
    )


# Output ----------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "format": "decimal", "example": "1825.00"})
class MoneyField(serializers.Field):
    """An amount as a string in its currency's minor unit ("1825.00", "12.500"); the object
    carries its `currency`."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return quantize(super().get_attribute(instance), instance.currency)

    def to_representation(self, value):
        return str(value)


def _local(moment, time_zone: str) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).isoformat()


class BookingSegmentSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=["outbound", "inbound"])
    flight = serializers.CharField(source="flight.designator", help_text="e.g. EK1")
    airline = serializers.SerializerMethodField()
    origin = serializers.CharField(source="flight.origin.iata_code", help_text="IATA code")
    destination = serializers.CharField(
        source="flight.destination.iata_code", help_text="IATA code"
    )
    departure_local = serializers.SerializerMethodField(
        help_text="In the origin airport's time, with its UTC offset."
    )
    arrival_local = serializers.SerializerMethodField(
        help_text="In the destination airport's time, with its UTC offset."
    )
    duration_minutes = serializers.SerializerMethodField()
    aircraft = serializers.CharField(source="flight.aircraft")
    cabin = serializers.CharField()
    brand = serializers.CharField()
    refundable = serializers.BooleanField()

    @extend_schema_field(AirlineRefSerializer)
    def get_airline(self, segment) -> dict:
        airline = segment.flight.airline
        return {"code": airline.iata_code, "name": airline.name}

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_departure_local(self, segment) -> str:
        return _local(segment.flight.departure_at, segment.flight.origin.time_zone)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_arrival_local(self, segment) -> str:
        return _local(segment.flight.arrival_at, segment.flight.destination.time_zone)

    def get_duration_minutes(self, segment) -> int:
        return minutes(segment.flight.duration)


class BookingPassengerSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Passenger.Type.choices)
    given_names = serializers.CharField()
    surname = serializers.CharField()
    date_of_birth = serializers.DateField()
    gender = serializers.CharField()
    nationality = serializers.CharField()
    passport_number = serializers.CharField()
    passport_country = serializers.CharField()
    passport_expiry = serializers.DateField(allow_null=True)
    ticket_number = serializers.SerializerMethodField(help_text="13 digits, once confirmed.")

    def get_ticket_number(self, passenger) -> str | None:
        return passenger.ticket_number or None


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    booking = serializers.IntegerField(source="booking_id")
    method = serializers.ChoiceField(choices=Payment.Method.choices)
    status = serializers.ChoiceField(
        choices=Payment.Status.choices,
        help_text="captured: paid and the booking confirmed; failed: declined; pending or "
        "unknown: the gateway's answer is awaited, reconciliation finishes it.",
    )
    amount = MoneyField()
    refunded_amount = MoneyField()
    currency = serializers.CharField()
    card_brand = serializers.CharField()
    card_last4 = serializers.CharField()
    decline_message = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_decline_message(self, payment) -> str | None:
        if payment.status != Payment.Status.FAILED:
            return None
        return decline_message(payment)


class BookingPassengerCountSerializer(serializers.Serializer):
    adults = serializers.IntegerField()
    children = serializers.IntegerField()
    infants = serializers.IntegerField()


class BookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="6 characters, for the airline and the phone.")
    status = serializers.ChoiceField(choices=Booking.Status.choices)
    held_until = serializers.DateTimeField(
        help_text="Seats are held unpaid until then; then the booking expires."
    )
    currency = serializers.CharField()
    base_total = MoneyField()
    taxes_total = MoneyField()
    total = MoneyField()
    refunded_total = MoneyField()
    passenger_counts = BookingPassengerCountSerializer(source="*")
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField()
    departure_at = serializers.DateTimeField(help_text="The first departure, in UTC.")
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    segments = BookingSegmentSerializer(many=True)
    passengers = BookingPassengerSerializer(many=True)
    payments = PaymentSerializer(many=True)


class PaymentErrorSerializer(ApiErrorSerializer):
    """The error shape, with the payment it is about."""

    payment = PaymentSerializer()


class CancellationQuoteSerializer(serializers.Serializer):
    booking = serializers.IntegerField(source="booking_id")
    refund = MoneyField(help_text="Exactly what cancelling with this quote returns.")
    fees = MoneyField(help_text="What the fares' rules keep.")
    currency = serializers.CharField()
    destination = serializers.CharField(help_text='Where the refund goes: "card".')
    valid_until = serializers.DateTimeField()
    quote = serializers.CharField(source="token", help_text="Send it to cancel as quoted.")


# Input -----------------------------------------------------------------------------------------


class BookingPassengerInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Passenger.Type.choices)
    given_names = serializers.CharField(max_length=100, help_text="As on the passport.")
    surname = serializers.CharField(max_length=100, help_text="As on the passport.")
    date_of_birth = serializers.DateField(
        validators=[validate_birth_date],
        help_text="Must make the passenger of `type` on the travel dates: infant under 2, "
        "child 2 to 11, adult 12 and over.",
    )
    gender = serializers.ChoiceField(
        choices=Gender.choices, required=False, allow_blank=True, default=""
    )
    nationality = CountryField(required=False, allow_blank=True, default="")
    passport_number = passport_number_field()
    passport_country = CountryField(required=False, allow_blank=True, default="")
    passport_expiry = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Passport fields are required for international trips; the passport must be "
        "valid on the last travel date.",
    )


class BookingCreateInputSerializer(serializers.Serializer):
    offer = serializers.CharField(
        max_length=4000, help_text="An offer's `token` from /api/v1/flights/search/."
    )
    passengers = BookingPassengerInputSerializer(
        many=True,
        allow_empty=False,
        max_length=2 * MAX_SEATS,
        help_text="Adults, children and infants as many as the offer was searched for.",
    )
    contact_email = serializers.EmailField(max_length=254)
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )


class BookingListParamsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Booking.Status.choices, required=False, help_text="Only bookings in this state."
    )


class CardInputSerializer(serializers.Serializer):
    card_number = serializers.CharField(
        max_length=23,
        help_text="Tokenised at the gateway; never stored, logged or returned. Sandbox: "
        "4242424242424242 pays, 4000000000000002 is declined.",
    )
    exp_month = serializers.IntegerField(min_value=1, max_value=12)
    exp_year = serializers.IntegerField(min_value=2000, max_value=2100)
    cvc = serializers.CharField(max_length=4, help_text="3 or 4 digits.")


class CancellationInputSerializer(serializers.Serializer):
    quote = serializers.CharField(
        max_length=1000, help_text="The `quote` from the cancellation quote."
    )


# Views -----------------------------------------------------------------------------------------

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="Not this customer's booking.")


class BookingsApi(APIView):
    """The signed-in customer's bookings (GET), and holding an offer's seats as a new booking
    (POST)."""

    pagination_class = Pagination

    @extend_schema(
        parameters=[BookingListParamsSerializer],
        responses=BookingSerializer(many=True),
        description="The customer's bookings, newest first, 20 a page.",
    )
    def get(self, request):
        params = _validated(BookingListParamsSerializer, request.query_params)
        customer = customer_for_user(user=request.user)
        bookings = booking_queryset_for_customer(customer=customer, status=params.get("status"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(bookings, request, view=self)
        return paginator.get_paginated_response(BookingSerializer(page, many=True).data)

    @extend_schema(
        request=BookingCreateInputSerializer,
        parameters=[
            _idempotency_parameter(
                required=False,
                description="Optional. The same key from the same customer with the same body "
                "returns the booking the first request made (200) instead of holding seats "
                "again, also while that request is still running (the retry waits for it); with "
                "a different body it is refused (422).",
            )
        ],
        responses={
            201: OpenApiResponse(BookingSerializer, description="Seats held for 15 minutes."),
            200: OpenApiResponse(
                BookingSerializer,
                description="A retry with the same key and body: the same booking, as it stands "
                "now. Nothing more is held.",
            ),
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="Invalid input or Idempotency-Key, or the offer expired, its price "
                "changed, too few seats are left, or a passenger's details do not fit the trip. "
                "Nothing is held.",
            ),
            422: OpenApiResponse(
                ApiErrorSerializer,
                description="The key was used for a different body. Nothing changed.",
            ),
        },
        description="Hold the seats of an offer from the flight search for 15 minutes, then pay "
        "with POST /bookings/{id}/payments/. The price and seats are checked again.",
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        key = _idempotency_key(request, required=False)
        data = _validated(BookingCreateInputSerializer, request.data)
        try:
            result = booking_hold(
                customer=customer,
                offer_token=data["offer"],
                passengers=[PassengerDetails(**passenger) for passenger in data["passengers"]],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                idempotency_key=key or "",
                fingerprint=hold_request_fingerprint(data),
            )
        except IdempotencyKeyReused:
            raise IdempotencyKeyReusedError() from None
        booking = booking_get_for_customer(customer=customer, booking_id=result.booking.pk)
        return Response(
            BookingSerializer(booking).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class BookingDetailApi(APIView):
    """One of the customer's bookings: itinerary in local times, passengers and e-tickets,
    price, payments."""

    @extend_schema(responses={200: BookingSerializer, 404: NOT_FOUND})
    def get(self, request, booking_id: int):
        return Response(BookingSerializer(_customer_booking(request, booking_id)).data)


class BookingPaymentCreateApi(APIView):
    """Pay a held booking's total by card; a captured payment confirms and tickets it."""

    @extend_schema(
        request=CardInputSerializer,
        parameters=[
            _idempotency_parameter(
                required=True,
                description="Required. One key per payment attempt: sent again unchanged, it "
                "returns the same payment and never charges twice.",
            )
        ],
        responses={
            201: OpenApiResponse(PaymentSerializer, description="Paid; the booking confirmed."),
            200: OpenApiResponse(PaymentSerializer, description="A retry: the same payment."),
            202: OpenApiResponse(
                PaymentSerializer,
                description="The gateway's answer is unknown (status pending or unknown); the "
                "reconciliation job confirms the booking or refunds the charge. Read the "
                "booking later.",
            ),
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="No or a bad Idempotency-Key, invalid card details, or the booking "
                "is not awaiting payment (paid, cancelled, or the hold ran out). No charge.",
            ),
            402: OpenApiResponse(
                PaymentErrorSerializer,
                description="The card was declined; the seats stay held. Try again with a new key.",
            ),
            404: NOT_FOUND,
            409: OpenApiResponse(
                PaymentErrorSerializer,
                description="The hold ran out while the card was charged: the charge was "
                "refunded in full and the booking is not confirmed.",
            ),
        },
    )
    def post(self, request, booking_id: int):
        booking = _customer_booking(request, booking_id)
        key = _idempotency_key(request, required=True)
        card = _validated(CardInputSerializer, request.data)
        try:
            token = card_tokenize(
                number=card["card_number"],
                exp_month=card["exp_month"],
                exp_year=card["exp_year"],
                cvc=card["cvc"],
            )
        except ApplicationError as error:
            # The service checks the expiry as one date; the API has month and year fields.
            fields = {
                {"expiry": "exp_month"}.get(field, field): messages
                for field, messages in error.extra.items()
            }
            raise ApplicationError(error.message, extra=fields) from None
        result = booking_pay_by_card(booking=booking, card=token, idempotency_key=key)
        payment = result.payment
        body = PaymentSerializer(payment).data
        if payment.status == Payment.Status.FAILED:
            error = _error_body("card_declined", decline_message(payment))
            return Response({**error, "payment": body}, status=status.HTTP_402_PAYMENT_REQUIRED)
        if payment.status in (Payment.Status.PENDING, Payment.Status.UNKNOWN):
            return Response(body, status=status.HTTP_202_ACCEPTED)
        if not result.created:
            return Response(body, status=status.HTTP_200_OK)
        if payment.status != Payment.Status.CAPTURED:
            message = str(
                _(
                    "The seats were released before the payment went through. The charge was "
                    "refunded in full. Search again."
                )
            )
            error = _error_body("hold_expired", message)
            return Response({**error, "payment": body}, status=status.HTTP_409_CONFLICT)
        return Response(body, status=status.HTTP_201_CREATED)


class BookingCancellationQuoteApi(APIView):
    """What cancelling now would refund, by the fares' rules, valid for 15 minutes."""

    @extend_schema(
        responses={
            200: CancellationQuoteSerializer,
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="Not confirmed, or the trip has started: it cannot be cancelled.",
            ),
            404: NOT_FOUND,
        }
    )
    def get(self, request, booking_id: int):
        quote = booking_cancel_quote(booking=_customer_booking(request, booking_id))
        return Response(CancellationQuoteSerializer(quote).data)


class BookingCancelApi(APIView):
    """Cancel as quoted: the seats are released and exactly the quoted refund goes back to the
    card. Sending the same quote again answers the cancelled booking and changes nothing."""

    @extend_schema(
        request=CancellationInputSerializer,
        responses={
            200: OpenApiResponse(BookingSerializer, description="The cancelled booking."),
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="The quote expired, is not this booking's, or the booking cannot "
                "be cancelled. Nothing changed.",
            ),
            404: NOT_FOUND,
        },
    )
    def post(self, request, booking_id: int):
        booking = _customer_booking(request, booking_id)
        data = _validated(CancellationInputSerializer, request.data)
        booking_cancel(booking=booking, quote_token=data["quote"])
        return Response(BookingSerializer(_customer_booking(request, booking_id)).data)


urlpatterns = [
    path("", BookingsApi.as_view(), name="list"),
    path("<int:booking_id>/", BookingDetailApi.as_view(), name="detail"),
    path("<int:booking_id>/payments/", BookingPaymentCreateApi.as_view(), name="payments"),
    path(
        "<int:booking_id>/cancellation-quote/",
        BookingCancellationQuoteApi.as_view(),
        name="cancellation-quote",
    ),
    path("<int:booking_id>/cancellation/", BookingCancelApi.as_view(), name="cancellation"),
]
