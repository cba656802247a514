"""Loyalty API: the points account and its history, the rewards catalogue, redeeming a reward,
and the customer's own rewards. Everything is the signed-in customer's own.

POST /rewards/{id}/redeem/ requires an `Idempotency-Key` header (1 to 50 visible ASCII
characters): the first request redeems (201); the same key again returns the same reward
(200) and charges nothing; the same key for another reward is refused (400).
"""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from b2c.selectors import loyalty as loyalty_selectors
from b2c.selectors.customer import customer_for_user
from b2c.services.loyalty import RewardNotFound, reward_redeem
from core.api import (
    ApiErrorSerializer,
    Pagination,
    idempotency_key,
    idempotency_parameter,
)


class RewardRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return loyalty_selectors.reward_text(obj)[0]


class CustomerRewardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reward = RewardRefSerializer()
    code = serializers.CharField()
    state = serializers.CharField()
    points_spent = serializers.IntegerField()
    value_amount = serializers.DecimalField(
        max_digits=12, decimal_places=3, allow_null=True, coerce_to_string=True
    )
    value_currency = serializers.CharField()
    expires_at = serializers.DateTimeField()
    used_at = serializers.DateTimeField(allow_null=True)
    booking_reference = serializers.CharField(source="booking.reference", allow_null=True)
    created_at = serializers.DateTimeField()


class LoyaltySummaryApi(APIView):
    """The signed-in customer's tier, points and progress to the next tier."""

    class LoyaltySummarySerializer(serializers.Serializer):
        tier = serializers.CharField()
        tier_label = serializers.CharField()
        balance = serializers.IntegerField()
        pending = serializers.IntegerField(help_text="Earned on trips not yet flown.")
        qualifying_points = serializers.IntegerField()
        qualification_months = serializers.IntegerField()
        next_tier = serializers.CharField(allow_null=True)
        next_tier_threshold = serializers.IntegerField(allow_null=True)
        points_to_next_tier = serializers.IntegerField()
        progress_percent = serializers.IntegerField()
        expiring_points = serializers.IntegerField(help_text="Points lapsing within 60 days.")
        expiring_on = serializers.DateTimeField(allow_null=True)
        benefits = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses=LoyaltySummarySerializer)
    def get(self, request):
        customer = customer_for_user(user=request.user)
        summary = loyalty_selectors.loyalty_summary(customer=customer)
        return Response(self.LoyaltySummarySerializer(summary).data)


class LoyaltyTransactionsApi(APIView):
    """The customer's points ledger, newest first, 20 a page."""

    pagination_class = Pagination

    class LoyaltyTransactionSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        status = serializers.CharField()
        points = serializers.IntegerField()
        balance_after = serializers.IntegerField(allow_null=True)
        expires_at = serializers.DateTimeField(allow_null=True)
        remaining = serializers.IntegerField()
        booking_reference = serializers.CharField(source="booking.reference", allow_null=True)
        customer_reward = serializers.IntegerField(source="customer_reward_id", allow_null=True)
        created_at = serializers.DateTimeField()

    @extend_schema(responses=LoyaltyTransactionSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        entries = loyalty_selectors.loyalty_transaction_list(customer=customer)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(
            self.LoyaltyTransactionSerializer(page, many=True).data
        )


class RewardCatalogueApi(APIView):
    """Rewards in the catalogue, each with whether the customer can redeem it now and why not."""

    class RewardCatalogueEntrySerializer(serializers.Serializer):
        id = serializers.IntegerField(source="reward.id")
        kind = serializers.CharField(source="reward.kind")
        name = serializers.CharField()
        description = serializers.CharField()
        points_cost = serializers.IntegerField(source="reward.points_cost")
        value_amount = serializers.DecimalField(
            source="reward.value_amount", max_digits=12, decimal_places=3, allow_null=True
        )
        value_currency = serializers.CharField(source="reward.value_currency")
        stock = serializers.IntegerField(source="reward.stock", allow_null=True)
        min_tier = serializers.CharField(source="reward.min_tier")
        available_from = serializers.DateTimeField(source="reward.available_from", allow_null=True)
        available_until = serializers.DateTimeField(
            source="reward.available_until", allow_null=True
        )
        validity_days = serializers.IntegerField(source="reward.validity_days")
        can_redeem = serializers.BooleanField()
        reason = serializers.CharField(help_text="Why it cannot be redeemed now; empty if it can.")

    @extend_schema(responses=RewardCatalogueEntrySerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        catalogue = loyalty_selectors.reward_catalogue(customer=customer)
        return Response(self.RewardCatalogueEntrySerializer(catalogue, many=True).data)


class RewardRedeemApi(APIView):
    """Spend points on a reward. A wallet credit is credited at once (state "used")."""

    @extend_schema(
        request=None,
        parameters=[
            idempotency_parameter(
                required=True,
                description="A new unique value (such as a UUID) per redemption; sent again "
                "unchanged when retrying it.",
            )
        ],
        responses={
            201: CustomerRewardSerializer,
            200: OpenApiResponse(CustomerRewardSerializer, description="A retry: no new charge."),
            400: ApiErrorSerializer,
            404: ApiErrorSerializer,
        },
    )
    def post(self, request, reward_id: int):
        key = idempotency_key(request, required=True)
        customer = customer_for_user(user=request.user)
        try:
            result = reward_redeem(customer=customer, reward_id=reward_id, idempotency_key=key)
        except RewardNotFound as exc:
            raise NotFound(exc.message) from exc
        return Response(
            CustomerRewardSerializer(result.customer_reward).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class CustomerRewardsApi(APIView):
    """The rewards the customer redeemed, with their codes and states, newest first."""

    pagination_class = Pagination

    @extend_schema(responses=CustomerRewardSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        rewards = loyalty_selectors.customer_reward_list(customer=customer)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rewards, request, view=self)
        return paginator.get_paginated_response(CustomerRewardSerializer(page, many=True).data)


urlpatterns = [
    path("loyalty/", LoyaltySummaryApi.as_view(), name="summary"),
    path("loyalty/transactions/", LoyaltyTransactionsApi.as_view(), name="transactions"),
    path("rewards/", RewardCatalogueApi.as_view(), name="rewards"),
    path("rewards/mine/", CustomerRewardsApi.as_view(), name="my-rewards"),
    path("rewards/<int:reward_id>/redeem/", RewardRedeemApi.as_view(), name="redeem"),
]
