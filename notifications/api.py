"""Notifications API: the signed-in user's notification centre and preferences.

Everything is the user's own: another user's notification answers 404, as a missing one does.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApiErrorSerializer, Pagination, validated
from notifications.models import Channel, Kind
from notifications.selectors import notification_list, preferences_for, unread_count
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preferences_set,
)

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="Not one of this user's notifications.")


def _enum_field(choices, *, schema_id: str):
    """A choice field whose enum gets a component of its own, named after the serializer using
    it (NotificationKindEnum, PreferenceKindEnum): other areas' fields named "kind" have other
    choices, and drf-spectacular would otherwise give them one generated name."""

    values = [value for value, _label in choices]

    @extend_schema_field({"type": "string", "enum": values, "x-spec-enum-id": schema_id})
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    return EnumField


NotificationKindField = _enum_field(Kind.choices, schema_id="notification-kind")
PreferenceKindField = _enum_field(Kind.choices, schema_id="preference-kind")
ChannelField = _enum_field(Channel.choices, schema_id="notification-channel")


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = NotificationKindField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField(help_text="A path on Safar to open, or empty.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True, help_text="Null while unread.")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(min_value=0)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(min_value=0, help_text="How many were unread.")


class PreferenceSerializer(serializers.Serializer):
    kind = PreferenceKindField()
    kind_label = serializers.CharField(read_only=True)
    channel = ChannelField()
    channel_label = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField()


class PreferencesSerializer(serializers.Serializer):
    preferences = PreferenceSerializer(many=True)


def _preferences_body(user) -> dict:
    return {
        "preferences": [
            {
                "kind": cell.kind,
                "kind_label": row.label,
                "channel": cell.channel,
                "channel_label": cell.label,
                "enabled": cell.enabled,
            }
            for row in preferences_for(user=user)
            for cell in row.channels
        ]
    }


class NotificationsApi(APIView):
    """The user's notifications, newest first, 20 a page."""

    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unread",
                OpenApiTypes.BOOL,
                description="true: only unread ones; false: only read ones; absent: all.",
            )
        ],
        responses={200: NotificationSerializer(many=True), 400: ApiErrorSerializer},
    )
    def get(self, request):
        unread = validated(self.FilterSerializer, request.query_params).get("unread")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            notification_list(user=request.user, unread=unread), request, view=self
        )
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)

    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, allow_null=True, default=None)


class NotificationReadApi(APIView):
    """Mark one notification read (again is harmless: the first time is kept)."""

    @extend_schema(request=None, responses={200: NotificationSerializer, 404: NOT_FOUND})
    def post(self, request, notification_id: int):
        notification = notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(NotificationSerializer(notification).data)


class NotificationsReadAllApi(APIView):
    """Mark every unread notification read."""

    @extend_schema(request=None, responses={200: MarkedSerializer})
    def post(self, request):
        return Response({"marked": notifications_mark_all_read(user=request.user)})


class UnreadCountApi(APIView):
    """How many notifications are unread (the app's badge)."""

    @extend_schema(responses={200: UnreadCountSerializer})
    def get(self, request):
        return Response({"unread": unread_count(user=request.user)})


class PreferencesApi(APIView):
    """Every kind and channel with whether the user wants it (GET); turn some on or off (PUT:
    the pairs sent are set, the others keep their value; the answer is the whole grid)."""

    @extend_schema(responses={200: PreferencesSerializer})
    def get(self, request):
        return Response(_preferences_body(request.user))

    @extend_schema(
        request=PreferencesSerializer,
        responses={
            200: PreferencesSerializer,
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="An unknown kind or channel, or one pair twice. Nothing changed.",
            ),
        },
    )
    def put(self, request):
        data = validated(PreferencesSerializer, request.data)
        values: dict[tuple[str, str], bool] = {}
        for item in data["preferences"]:
            pair = (item["kind"], item["channel"])
            if pair in values:
                raise serializers.ValidationError(
                    {"preferences": [_("%(kind)s/%(channel)s is given twice.")
                                     % {"kind": pair[0], "channel": pair[1]}]}
                )  # fmt: skip
            values[pair] = item["enabled"]
        preferences_set(user=request.user, values=values)
        return Response(_preferences_body(request.user))


urlpatterns = [
    path("notifications/", NotificationsApi.as_view(), name="list"),
    path("notifications/read-all/", NotificationsReadAllApi.as_view(), name="read-all"),
    path("notifications/unread-count/", UnreadCountApi.as_view(), name="unread-count"),
    path("notifications/preferences/", PreferencesApi.as_view(), name="preferences"),
    path(
        "notifications/<int:notification_id>/read/",
        NotificationReadApi.as_view(),
        name="read",
    ),
]
