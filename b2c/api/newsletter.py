"""Newsletter API: sign up (anyone; double opt-in by an emailed link), confirm and unsubscribe
with the token of an emailed link, and the signed-in customer's own newsletter settings.

Signing up answers 202 with the same body whether the address was new, pending or already
subscribed, so that the API does not tell anyone who is subscribed. Tokens come from the links
in the emails (the last part of /newsletter/confirm/<token>/ and /newsletter/unsubscribe/<token>/);
a tampered one answers 404, an expired confirmation 400.
"""

import time

from django.http import Http404
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from b2c.models import NewsletterSubscription, NewsletterTopic
from b2c.selectors.customer import customer_for_user
from b2c.selectors.newsletter import newsletter_subscription_for_customer
from b2c.services.newsletter import (
    NewsletterLinkInvalid,
    newsletter_confirm,
    newsletter_preferences_set,
    newsletter_subscribe,
    newsletter_unsubscribe,
)
from core.api import ApiErrorSerializer, validated

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="The token is not valid (tampered).")


class TopicsField(serializers.ListField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "At least one of: " + ", ".join(f'"{value}"' for value in NewsletterTopic.values),
        )
        super().__init__(child=serializers.CharField(max_length=20), max_length=10, **kwargs)


class SubscriptionSerializer(serializers.Serializer):
    class Meta:
        ref_name = "NewsletterSubscription"

    email = serializers.EmailField()
    state = serializers.ChoiceField(choices=NewsletterSubscription.State.choices)
    topics = serializers.ListField(child=serializers.CharField())
    language = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    unsubscribed_at = serializers.DateTimeField(allow_null=True)


class TokenInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "NewsletterToken"

    token = serializers.CharField(max_length=200)


class SignupThrottle(AnonRateThrottle):
    """Signing up sends emails: at most 20 an hour from one client address."""

    rate = "20/hour"
    scope = "newsletter_signup"

    def timer(self) -> float:
        # Read the clock when called (DRF keeps `time.time` as it was at import).
        return time.time()


class NewsletterSubscribeApi(APIView):
    """Ask for the newsletter at an address. Nothing is sent to it until the link emailed to
    it is followed. The answer is the same whatever the address's state."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [SignupThrottle]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NewsletterSubscribe"

        email = serializers.CharField(max_length=254)
        topics = TopicsField()
        language = serializers.CharField(
            max_length=8,
            required=False,
            help_text='"en", "ar", "bn" or "ur"; the request\'s language when left out.',
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NewsletterSubscribeAccepted"

        status = serializers.CharField(help_text='Always "accepted".')
        message = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={
            202: OpenApiResponse(
                OutputSerializer,
                description="Accepted: a new address is sent a confirmation link; an address "
                "already subscribed keeps its subscription with the new topics and language.",
            ),
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="A bad email, no topic or an unknown one, or an unknown language "
                "(field errors). Nothing changed.",
            ),
        },
    )
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        newsletter_subscribe(
            email=data["email"],
            topics=data["topics"],
            language=data.get("language") or translation.get_language(),
        )
        body = {
            "status": "accepted",
            "message": _(
                "If this address needs confirming, we have sent it a link: the newsletter "
                "starts once it is followed."
            ),
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)


class NewsletterConfirmApi(APIView):
    """Confirm an address with the token of its confirmation link (valid 7 days)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenInputSerializer,
        responses={
            200: SubscriptionSerializer,
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="The link has expired, or the address has unsubscribed since.",
            ),
            404: NOT_FOUND,
        },
    )
    def post(self, request):
        data = validated(TokenInputSerializer, request.data)
        try:
            subscription = newsletter_confirm(token=data["token"])
        except NewsletterLinkInvalid:
            raise Http404 from None
        return Response(SubscriptionSerializer(subscription).data)


class NewsletterUnsubscribeApi(APIView):
    """Unsubscribe with the token of the unsubscribe link of any issue. Idempotent."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenInputSerializer,
        responses={200: SubscriptionSerializer, 404: NOT_FOUND},
    )
    def post(self, request):
        data = validated(TokenInputSerializer, request.data)
        try:
            subscription = newsletter_unsubscribe(token=data["token"])
        except NewsletterLinkInvalid:
            raise Http404 from None
        return Response(SubscriptionSerializer(subscription).data)


class NewsletterPreferencesApi(APIView):
    """The signed-in customer's newsletter: whether they get it, at which address, on which
    topics and in which language."""

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NewsletterPreferences"

        subscribed = serializers.BooleanField(
            help_text="True while the subscription is active or waiting for confirmation."
        )
        subscription = SubscriptionSerializer(allow_null=True)

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NewsletterPreferencesUpdate"

        subscribed = serializers.BooleanField(
            required=False,
            help_text="false unsubscribes. true subscribes the account's email: at once when "
            "it is verified, else by a confirmation link.",
        )
        topics = TopicsField(required=False)
        language = serializers.CharField(max_length=8, required=False)

    def _body(self, subscription) -> dict:
        active = subscription is not None and subscription.state != (
            NewsletterSubscription.State.UNSUBSCRIBED
        )
        return {
            "subscribed": active,
            "subscription": SubscriptionSerializer(subscription).data if subscription else None,
        }

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        customer = customer_for_user(user=request.user)
        subscription = newsletter_subscription_for_customer(customer=customer)
        return Response(self._body(subscription))

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="No topic or an unknown one, or an unknown language. Nothing changed.",
            ),
        },
        description="Fields left out keep their value.",
    )
    def put(self, request):
        customer = customer_for_user(user=request.user)
        data = validated(self.InputSerializer, request.data)
        subscription = newsletter_preferences_set(
            customer=customer,
            subscribed=data.get("subscribed"),
            topics=data.get("topics"),
            language=data.get("language"),
        )
        if subscription is None:
            subscription = newsletter_subscription_for_customer(customer=customer)
        return Response(self._body(subscription))


urlpatterns = [
    path("newsletter/subscribe/", NewsletterSubscribeApi.as_view(), name="subscribe"),
    path("newsletter/confirm/", NewsletterConfirmApi.as_view(), name="confirm"),
    path("newsletter/unsubscribe/", NewsletterUnsubscribeApi.as_view(), name="unsubscribe"),
    path("newsletter/preferences/", NewsletterPreferencesApi.as_view(), name="preferences"),
]
