"""Wallet API: the balance, its ledger, top-ups by card, and the customer's saved cards.

Everything is the signed-in customer's own: another customer's saved card answers 404.

POST /wallet/top-ups/ requires an `Idempotency-Key` header (1 to 50 visible ASCII characters; a
UUID fits): the first request charges the card (201, or 202 while the gateway's answer is
awaited, or 402 when declined); the same key again answers the same top-up (200, or the same
202/402) and never charges twice; the same key with another amount is refused (422). A new
attempt (another card, or after a decline) needs a new key.

A card number and security code go to the gateway to be tokenised; they are never stored, logged
or returned.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from b2c.models import CustomerWallet, SavedPaymentMethod, WalletTransaction
from b2c.selectors.customer import customer_for_user
from b2c.selectors.wallet import wallet_transaction_list
from b2c.services.wallet import (
    payment_method_add,
    payment_method_delete,
    payment_method_set_default,
    saved_card_token,
    wallet_create,
    wallet_top_up,
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
from payments.models import Payment
from payments.services import card_tokenize, decline_message

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="Not one of this customer's cards.")


@extend_schema_field({"type": "string", "format": "decimal", "example": "150.00"})
class AmountField(serializers.Field):
    """An amount as a string in its currency's minor unit ("150.00", "12.500", "3000"); the
    object carries its `currency` (or names it in `currency_source`)."""

    def __init__(self, *, currency_source="currency", **kwargs):
        kwargs["read_only"] = True
        self.currency_source = currency_source
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        if value is None:
            return None
        return quantize(value, getattr(instance, self.currency_source))

    def to_representation(self, value):
        return str(value)


def _card_errors(error: ApplicationError, prefix: str = "") -> ApplicationError:
    """The services' card field names ("expiry", "card_number") as the API names them."""
    names = {"expiry": "exp_month", "card_number": "number"}
    fields = {prefix + names.get(field, field): messages for field, messages in error.extra.items()}
    return ApplicationError(error.message, extra=fields)


def _own_card(customer, method_id: int) -> SavedPaymentMethod:
    # The same 404 whether the card is someone else's or does not exist (never 403).
    return get_object_or_404(SavedPaymentMethod, pk=method_id, customer=customer)


class WalletSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text="ISO 4217; every amount of the wallet is in it.")
    balance = AmountField()


class PaymentMethodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    brand = serializers.CharField(help_text='"visa", "mastercard", "amex" or "card".')
    last4 = serializers.CharField()
    exp_month = serializers.IntegerField()
    exp_year = serializers.IntegerField()
    holder_name = serializers.CharField()
    is_default = serializers.BooleanField()
    expired = serializers.SerializerMethodField(help_text="An expired card cannot be charged.")
    created_at = serializers.DateTimeField()

    def get_expired(self, method) -> bool:
        return method.expired(timezone.localdate())


class CardInputSerializer(serializers.Serializer):
    number = serializers.CharField(
        max_length=23,
        help_text="Tokenised at the gateway; never stored, logged or returned. Sandbox: "
        "4242424242424242 pays, 4000000000000002 is declined, 4000000000000119 times out after "
        "charging (202, then confirmed by reconciliation).",
    )
    exp_month = serializers.IntegerField(min_value=1, max_value=12)
    exp_year = serializers.IntegerField(min_value=2000, max_value=2100)
    cvc = serializers.CharField(max_length=4, help_text="3 or 4 digits.")
    holder_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )


@extend_schema_field({"type": "string", "enum": Payment.Status.values})
class PaymentStatusField(serializers.ChoiceField):
    """Payment.Status with a schema of its own: drf-spectacular then names the enum after this
    component ("TopUpStatusEnum"), not with a generated name shared with the bookings API's
    Payment (its warning about fields named "status")."""


class TopUpSerializer(serializers.Serializer):
    """A top-up: the card payment that adds to the wallet once captured."""

    id = serializers.IntegerField()
    status = PaymentStatusField(
        choices=Payment.Status.choices,
        help_text="captured: the wallet was credited; failed: declined; pending or unknown: "
        "the gateway's answer is awaited, reconciliation credits the wallet or fails it; "
        "refunded or partially_refunded: returned to the card.",
    )
    amount = AmountField()
    currency = serializers.CharField()
    card_brand = serializers.CharField()
    card_last4 = serializers.CharField()
    decline_message = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    wallet = serializers.SerializerMethodField(help_text="The wallet as it stands now.")

    def get_decline_message(self, payment) -> str | None:
        if payment.status != Payment.Status.FAILED:
            return None
        return decline_message(payment)

    @extend_schema_field(WalletSerializer)
    def get_wallet(self, payment) -> dict:
        return WalletSerializer(CustomerWallet.objects.get(pk=payment.wallet_id)).data


class TopUpErrorSerializer(ApiErrorSerializer):
    """The error shape, with the declined top-up."""

    payment = TopUpSerializer()


class WalletApi(APIView):
    """The signed-in customer's wallet: its currency and balance."""

    @extend_schema(responses=WalletSerializer)
    def get(self, request):
        wallet = wallet_create(customer=customer_for_user(user=request.user))
        return Response(WalletSerializer(wallet).data)


class WalletTransactionsApi(APIView):
    """The wallet's ledger, newest first, 20 a page. Each entry moved the balance by `amount`
    (positive in, negative out) to `balance_after`."""

    pagination_class = Pagination

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WalletTransaction"

        id = serializers.IntegerField()
        kind = serializers.ChoiceField(choices=WalletTransaction.Kind.choices)
        kind_label = serializers.CharField(source="get_kind_display")
        amount = AmountField(help_text="Positive in, negative out.")
        balance_after = AmountField()
        currency = serializers.CharField()
        booking = serializers.IntegerField(source="booking_id", allow_null=True)
        booking_reference = serializers.CharField(
            source="booking.reference", allow_null=True, default=None
        )
        payment = serializers.IntegerField(source="payment_id", allow_null=True)
        reason = serializers.CharField(help_text="Why staff adjusted or reversed; else empty.")
        original_amount = AmountField(
            currency_source="original_currency",
            allow_null=True,
            help_text="When the money came in another currency: how much of it, at "
            "`exchange_rate`.",
        )
        original_currency = serializers.CharField(allow_blank=True)
        exchange_rate = serializers.DecimalField(
            max_digits=20, decimal_places=10, allow_null=True, coerce_to_string=True
        )
        created_at = serializers.DateTimeField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        wallet = wallet_create(customer=customer_for_user(user=request.user))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            wallet_transaction_list(wallet=wallet), request, view=self
        )
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class WalletTopUpApi(APIView):
    """Add money to the wallet by charging a saved or a new card."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WalletTopUp"

        amount = serializers.DecimalField(
            max_digits=20,
            decimal_places=None,
            help_text="In the wallet's currency, as a string: more than zero, no more decimals "
            "than the currency has (2 for USD, 0 for JPY, 3 for KWD), at most the top-up limit "
            "(5000.00 in USD).",
        )
        payment_method = serializers.IntegerField(
            required=False, help_text="The id of one of the customer's saved cards."
        )
        card = CardInputSerializer(required=False, help_text="A new card, instead.")
        save_card = serializers.BooleanField(
            default=False,
            help_text="Save the new `card` once the top-up goes through (not on a decline or a "
            "retry).",
        )

        def validate(self, attrs):
            if ("payment_method" in attrs) == ("card" in attrs):
                raise serializers.ValidationError(
                    {"payment_method": [_("Choose a saved card or send a new card, not both.")]}
                )
            return attrs

    @extend_schema(
        request=InputSerializer,
        parameters=[
            idempotency_parameter(
                required=True,
                description="Required. One key per top-up attempt: sent again unchanged, it "
                "returns the same top-up and never charges twice.",
            )
        ],
        responses={
            201: OpenApiResponse(TopUpSerializer, description="Charged; the wallet credited."),
            200: OpenApiResponse(TopUpSerializer, description="A retry: the same top-up."),
            202: OpenApiResponse(
                TopUpSerializer,
                description="The gateway's answer is unknown (status pending or unknown); the "
                "reconciliation job credits the wallet once, or fails the top-up. Read the "
                "wallet later.",
            ),
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="No or a bad Idempotency-Key; a bad amount (not above zero, too "
                "many decimals for the currency, over the top-up limit); invalid card details; "
                "an expired card. Nothing charged.",
            ),
            402: OpenApiResponse(
                TopUpErrorSerializer,
                description="The card was declined; nothing credited. Try again with a new key.",
            ),
            404: NOT_FOUND,
            422: OpenApiResponse(
                ApiErrorSerializer,
                description="The key was used for a top-up of another amount. Nothing changed.",
            ),
        },
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        key = idempotency_key(request, required=True)
        data = validated(self.InputSerializer, request.data)
        if "payment_method" in data:
            _own_card(customer, data["payment_method"])
            card = saved_card_token(customer=customer, method_id=data["payment_method"])
        else:
            new = data["card"]
            try:
                card = card_tokenize(
                    number=new["number"],
                    exp_month=new["exp_month"],
                    exp_year=new["exp_year"],
                    cvc=new["cvc"],
                )
            except ApplicationError as error:
                raise _card_errors(error, prefix="card.") from None
        try:
            result = wallet_top_up(
                customer=customer, amount=data["amount"], card=card, idempotency_key=key
            )
        except ApplicationError as error:
            if "idempotency_key" in error.extra:
                raise IdempotencyKeyReusedError() from None
            raise
        payment = result.payment
        saving = result.created and "card" in data and data["save_card"]
        if saving and payment.status != Payment.Status.FAILED:
            # Only by the request that charged it, and not for a declined card.
            new = data["card"]
            payment_method_add(
                customer=customer,
                number=new["number"],
                exp_month=new["exp_month"],
                exp_year=new["exp_year"],
                cvc=new["cvc"],
                holder_name=new["holder_name"],
            )
        body = TopUpSerializer(payment).data
        if payment.status == Payment.Status.FAILED:
            error = error_body("card_declined", decline_message(payment))
            return Response({**error, "payment": body}, status=status.HTTP_402_PAYMENT_REQUIRED)
        if payment.status in (Payment.Status.PENDING, Payment.Status.UNKNOWN):
            return Response(body, status=status.HTTP_202_ACCEPTED)
        if not result.created:
            return Response(body, status=status.HTTP_200_OK)
        return Response(body, status=status.HTTP_201_CREATED)


class PaymentMethodsApi(APIView):
    """The customer's saved cards, default first (GET), and saving a new one (POST)."""

    class InputSerializer(CardInputSerializer):
        class Meta:
            ref_name = "PaymentMethodCreate"

        make_default = serializers.BooleanField(
            default=False, help_text="The customer's first card is the default anyway."
        )

    @extend_schema(responses=PaymentMethodSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        methods = SavedPaymentMethod.objects.filter(customer=customer)
        return Response(PaymentMethodSerializer(methods, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: PaymentMethodSerializer,
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="Invalid card details or an expired card. Nothing saved.",
            ),
        },
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        data = validated(self.InputSerializer, request.data)
        try:
            method = payment_method_add(
                customer=customer,
                number=data["number"],
                exp_month=data["exp_month"],
                exp_year=data["exp_year"],
                cvc=data["cvc"],
                holder_name=data["holder_name"],
                make_default=data["make_default"],
            )
        except ApplicationError as error:
            raise _card_errors(error) from None
        return Response(PaymentMethodSerializer(method).data, status=status.HTTP_201_CREATED)


class PaymentMethodDetailApi(APIView):
    """Forget one of the customer's saved cards; the newest other card becomes the default."""

    @extend_schema(responses={204: None, 404: NOT_FOUND})
    def delete(self, request, method_id: int):
        customer = customer_for_user(user=request.user)
        _own_card(customer, method_id)
        payment_method_delete(customer=customer, method_id=method_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PaymentMethodDefaultApi(APIView):
    """Make one of the customer's saved cards the default (and no other)."""

    @extend_schema(request=None, responses={200: PaymentMethodSerializer, 404: NOT_FOUND})
    def post(self, request, method_id: int):
        customer = customer_for_user(user=request.user)
        _own_card(customer, method_id)
        method = payment_method_set_default(customer=customer, method_id=method_id)
        return Response(PaymentMethodSerializer(method).data)


urlpatterns = [
    path("wallet/", WalletApi.as_view(), name="wallet"),
    path("wallet/transactions/", WalletTransactionsApi.as_view(), name="transactions"),
    path("wallet/top-ups/", WalletTopUpApi.as_view(), name="top-ups"),
    path("wallet/payment-methods/", PaymentMethodsApi.as_view(), name="payment-methods"),
    path(
        "wallet/payment-methods/<int:method_id>/",
        PaymentMethodDetailApi.as_view(),
        name="payment-method",
    ),
    path(
        "wallet/payment-methods/<int:method_id>/default/",
        PaymentMethodDefaultApi.as_view(),
        name="payment-method-default",
    ),
]
