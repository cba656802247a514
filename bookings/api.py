"""Booking API: hold an offer, list and read bookings, pay (voucher, wallet, card), cancel.

Owner-only: another customer's booking id answers 404 in the API's error shape. Every action calls
the same service as the booking pages (bookings.services, payments.services).

Idempotency-Key
---------------
A client sends an `Idempotency-Key` header (1 to 50 visible ASCII characters; a UUID fits) so that
a retry after a lost answer does the work at most once. A key is kept in the database on the
booking or payment it made, with no expiry, not in a cache:

- POST /bookings/{id}/payments/ requires it. The key is the payment's own key in
  `booking_pay`: the same key returns the same payment (200, or the same 402/202 as the
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

import zoneinfo
from decimal import Decimal

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from b2c.api.customer import passport_number_field
from b2c.models.customer import Gender, validate_birth_date
from b2c.selectors.customer import customer_for_user
from b2c.selectors.referrals import affiliate_click_token
from b2c.services.wallet import saved_card_token
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
from core.api import (
    ApiErrorSerializer,
    IdempotencyKeyReusedError,
    Pagination,
    error_body,
    idempotency_key,
    idempotency_parameter,
    validated,
)
from core.exceptions import ApplicationError
from core.money import quantize
from flights.api import AirlineRefSerializer, minutes
from flights.search import MAX_SEATS
from payments.models import Payment
from payments.services import booking_pay, card_tokenize, decline_message


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
    discount_total = MoneyField(help_text="A reward voucher's discount, taken off the fares.")
    amount_due = MoneyField(help_text="What the customer pays: the total less the discount.")
    voucher_code = serializers.CharField(source="voucher.code", allow_null=True, default=None)
    refunded_total = MoneyField()
    passenger_counts = BookingPassengerCountSerializer(source="*")
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField()
    departure_at = serializers.DateTimeField(help_text="The first departure, in UTC.")
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the last flight landed: the trip was flown."
    )
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
    destination = serializers.CharField(
        help_text='Where the refund goes by default: "card", or "wallet" when the wallet paid it '
        "all."
    )
    to_wallet = MoneyField(help_text="The part the wallet paid: it always goes back there.")
    to_card = MoneyField(
        help_text='The part a card paid: back to the card, or to the wallet (refund_to "wallet").'
    )
    voucher_points = serializers.IntegerField(help_text="A used voucher's points, given back.")
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


class BookingPaymentInputSerializer(serializers.Serializer):
    """A voucher first, then `wallet_amount` from the wallet, then a saved or a new card for the
    rest. Card fields are needed only when something is left to pay by card."""

    voucher_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
    wallet_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        required=False,
        min_value=Decimal(0),
        help_text="From the wallet, in the booking's currency (converted to the wallet's).",
    )
    payment_method = serializers.IntegerField(
        required=False, help_text="The id of one of the customer's saved cards."
    )
    card_number = serializers.CharField(
        max_length=23,
        required=False,
        help_text="A new card, tokenised at the gateway; never stored, logged or returned. "
        "Sandbox: 4242424242424242 pays, 4000000000000002 is declined.",
    )
    exp_month = serializers.IntegerField(min_value=1, max_value=12, required=False)
    exp_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    cvc = serializers.CharField(max_length=4, required=False, help_text="3 or 4 digits.")

    def validate(self, attrs):
        if attrs.get("card_number"):
            if "payment_method" in attrs:
                raise serializers.ValidationError(
                    {"payment_method": [_("Choose a saved card or enter a new one, not both.")]}
                )
            missing = {
                name: [_("This field is required.")]
                for name in ("exp_month", "exp_year", "cvc")
                if attrs.get(name) in (None, "")
            }
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


class CancellationInputSerializer(serializers.Serializer):
    quote = serializers.CharField(
        max_length=1000, help_text="The `quote` from the cancellation quote."
    )
    refund_to = serializers.ChoiceField(
        choices=["card", "wallet"],
        default="card",
        help_text="Where the part paid by card goes: back to the card, or into the wallet "
        "(instant). What the wallet paid always goes back to the wallet.",
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
        params = validated(BookingListParamsSerializer, request.query_params)
        customer = customer_for_user(user=request.user)
        bookings = booking_queryset_for_customer(customer=customer, status=params.get("status"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(bookings, request, view=self)
        return paginator.get_paginated_response(BookingSerializer(page, many=True).data)

    @extend_schema(
        request=BookingCreateInputSerializer,
        parameters=[
            idempotency_parameter(
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
        key = idempotency_key(request, required=False)
        data = validated(BookingCreateInputSerializer, request.data)
        try:
            result = booking_hold(
                customer=customer,
                offer_token=data["offer"],
                passengers=[PassengerDetails(**passenger) for passenger in data["passengers"]],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                idempotency_key=key or "",
                fingerprint=hold_request_fingerprint(data),
                # A partner's tracking link followed in the same browser (apps that call the
                # API from a web view carry the cookie too).
                affiliate_token=affiliate_click_token(request),
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
        request=BookingPaymentInputSerializer,
        parameters=[
            idempotency_parameter(
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
            422: OpenApiResponse(
                ApiErrorSerializer,
                description="This Idempotency-Key already paid with another wallet amount.",
            ),
        },
    )
    def post(self, request, booking_id: int):
        booking = _customer_booking(request, booking_id)
        key = idempotency_key(request, required=True)
        data = validated(BookingPaymentInputSerializer, request.data)
        customer = booking.customer
        card = None
        if "payment_method" in data:
            card = saved_card_token(customer=customer, method_id=data["payment_method"])
        elif data.get("card_number"):
            try:
                card = card_tokenize(
                    number=data["card_number"],
                    exp_month=data["exp_month"],
                    exp_year=data["exp_year"],
                    cvc=data["cvc"],
                )
            except ApplicationError as error:
                # The service checks the expiry as one date; the API has month and year fields.
                fields = {
                    {"expiry": "exp_month"}.get(field, field): messages
                    for field, messages in error.extra.items()
                }
                raise ApplicationError(error.message, extra=fields) from None
        try:
            result = booking_pay(
                booking=booking,
                idempotency_key=key,
                card=card,
                wallet_amount=data.get("wallet_amount", Decimal(0)),
                voucher_code=data.get("voucher_code", ""),
            )
        except IdempotencyKeyReused:
            raise IdempotencyKeyReusedError() from None
        payment = result.payment
        body = PaymentSerializer(payment).data
        if payment.status == Payment.Status.FAILED:
            error = error_body("card_declined", decline_message(payment))
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
            error = error_body("hold_expired", message)
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
        data = validated(CancellationInputSerializer, request.data)
        booking_cancel(booking=booking, quote_token=data["quote"], refund_to=data["refund_to"])
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
