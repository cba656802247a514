"""API of referrals: the signed-in customer's code and link, and the friends who used it."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from b2c.models import CustomerReferral, ReferralProgram
from b2c.selectors import customer as customer_selectors
from b2c.selectors import referrals as referral_selectors
from core.api import Pagination


class ReferralProgramSerializer(serializers.Serializer):
    name = serializers.CharField()
    reward_kind = serializers.ChoiceField(choices=ReferralProgram.RewardKind.choices)
    referrer_amount = serializers.DecimalField(max_digits=12, decimal_places=3)
    referee_amount = serializers.DecimalField(max_digits=12, decimal_places=3)
    currency = serializers.CharField()
    referrer_points = serializers.IntegerField()
    referee_points = serializers.IntegerField()
    max_rewards_per_referrer = serializers.IntegerField()


class ReferralCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    signed_up = serializers.IntegerField()
    rewarded = serializers.IntegerField()
    rejected = serializers.IntegerField()


class ReferralSerializer(serializers.Serializer):
    """A friend who signed up with the customer's code; the friend's address is masked."""

    id = serializers.IntegerField()
    friend_email = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=CustomerReferral.Status.choices)
    reject_reason = serializers.ChoiceField(
        choices=CustomerReferral.RejectReason.choices, allow_blank=True
    )
    reward_kind = serializers.SerializerMethodField()
    reward_amount = serializers.SerializerMethodField(
        help_text="What the customer gets (or got): an amount of `reward_currency`, or points."
    )
    reward_currency = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    rewarded_at = serializers.DateTimeField(allow_null=True)

    def get_friend_email(self, obj) -> str:
        return referral_selectors.email_mask(obj.referee.user.email)

    def get_reward_kind(self, obj) -> str:
        return referral_selectors.referral_reward_for_referrer(obj)[0]

    def get_reward_amount(self, obj) -> str:
        return str(referral_selectors.referral_reward_for_referrer(obj)[1])

    def get_reward_currency(self, obj) -> str:
        return referral_selectors.referral_reward_for_referrer(obj)[2]


class ReferralCodeApi(APIView):
    """The signed-in customer's referral code, link, the running programme and counts."""

    class ReferralCodeSerializer(serializers.Serializer):
        code = serializers.CharField()
        link = serializers.URLField()
        program = ReferralProgramSerializer(allow_null=True)
        counts = ReferralCountsSerializer()

    @extend_schema(responses=ReferralCodeSerializer, operation_id="referral_code_retrieve")
    def get(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        data = {
            "code": customer.referral_code,
            "link": referral_selectors.referral_link(customer=customer, request=request),
            "program": referral_selectors.referral_program_active(),
            "counts": referral_selectors.referral_counts(customer=customer),
        }
        return Response(self.ReferralCodeSerializer(data).data)


class ReferralListApi(APIView):
    """The friends who signed up with the customer's code, newest first, 20 a page."""

    pagination_class = Pagination

    @extend_schema(responses=ReferralSerializer(many=True), operation_id="referral_list")
    def get(self, request):
        customer = customer_selectors.customer_for_user(user=request.user)
        referrals = referral_selectors.referral_list_for_customer(customer=customer)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(referrals, request, view=self)
        return paginator.get_paginated_response(ReferralSerializer(page, many=True).data)


class ReferralDetailApi(APIView):
    """One of the customer's referrals; anyone else's is 404."""

    @extend_schema(
        responses={200: ReferralSerializer, 404: OpenApiResponse(description="Not found.")},
        operation_id="referral_retrieve",
    )
    def get(self, request, referral_id: int):
        customer = customer_selectors.customer_for_user(user=request.user)
        referral = referral_selectors.referral_get_for_customer(
            customer=customer, referral_id=referral_id
        )
        return Response(ReferralSerializer(referral).data)


urlpatterns = [
    path("referrals/", ReferralListApi.as_view(), name="referral-list"),
    path("referrals/code/", ReferralCodeApi.as_view(), name="referral-code"),
    path("referrals/<int:referral_id>/", ReferralDetailApi.as_view(), name="referral-detail"),
]
