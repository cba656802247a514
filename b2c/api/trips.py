"""Trips API: a customer's trips (owned and shared with them), their days and activities,
members, sharing, the calendar feed, the .ics download, adding a flight booking, and the
read-only trip behind a share link.

Who may do what is the services' (b2c.services.trips): the owner does everything, an editor
changes the name, notes, days and activities, a viewer only reads. A trip the customer neither
owns nor was invited to is 404, like one that does not exist; so is an activity, a day or a
member id that is not of the trip in the address. A member's refused change (a viewer editing,
an editor changing the dates) is 400 with the service's message, and changes nothing.

Bad input (dates out of order, an activity outside the trip's dates, an unknown airport, a
booking that is not the customer's) answers 400 with field errors and changes nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from b2c.api.wallet import AmountField
from b2c.calendar_export import trip_ical
from b2c.models import Trip, TripActivity, TripMember
from b2c.selectors.customer import customer_for_user, customer_public_name
from b2c.selectors.trips import (
    TripNotFound,
    trip_budget,
    trip_days_with_activities,
    trip_destinations,
    trip_for_share_token,
    trip_for_viewer,
    trip_members,
    trip_role,
    trip_set_aside,
    trips_for_customer,
)
from b2c.services.trips import (
    MAX_TRIP_DAYS,
    activity_create,
    activity_delete,
    activity_move,
    activity_reorder,
    activity_restore,
    activity_update,
    member_invite,
    member_remove,
    member_role_set,
    trip_attach_booking,
    trip_calendar_enable,
    trip_calendar_reset,
    trip_create,
    trip_delete,
    trip_share,
    trip_share_reset,
    trip_unshare,
    trip_update,
)
from core.api import ApiErrorSerializer, ErrorsAsJSON, Pagination, validated
from core.exceptions import ApplicationError
from core.money import SUPPORTED_CURRENCIES

NOT_FOUND = OpenApiResponse(
    ApiErrorSerializer, description="No such trip (or activity, day, member), or not yours."
)
INVALID = OpenApiResponse(
    ApiErrorSerializer,
    description="Invalid input, or a change this member may not make; nothing changed.",
)

# The services' field names as this API names them.
FIELD_NAMES = {"destination_codes": "destinations", "day_date": "day"}


@contextmanager
def trip_errors(*, trip_field: str | None = None) -> Iterator[None]:
    """A service's "no such trip" as a 404 (or, for a trip named in the body, a field error on
    `trip_field`), a member id not of the trip as a 404, and the services' field names as this
    API's."""
    try:
        yield
    except TripNotFound as error:
        if trip_field is None:
            raise Http404 from None
        raise ApplicationError(error.message, {trip_field: [error.message]}) from None
    except ApplicationError as error:
        if "member_id" in error.extra:
            raise Http404 from None
        extra = {FIELD_NAMES.get(name, name): value for name, value in error.extra.items()}
        raise ApplicationError(error.message, extra) from None


def _viewer_trip(customer, trip_id: int) -> Trip:
    with trip_errors():
        return trip_for_viewer(customer=customer, trip_id=trip_id)


def _activity_of(customer, trip_id: int, activity_id: int) -> TripActivity:
    """The activity, when it is one of this trip's (the customer's or shared with them)."""
    trip = _viewer_trip(customer, trip_id)
    activity = trip.activities.filter(pk=activity_id).first()
    if activity is None:
        raise Http404
    return activity


def _absolute(request, name: str, token: str, fallback: str) -> str:
    try:
        url = reverse(name, args=[token])
    except NoReverseMatch:  # the page is not routed (yet)
        url = fallback
    return request.build_absolute_uri(url)


# Output ---------------------------------------------------------------------------------------


class ActivitySerializer(serializers.Serializer):
    class Meta:
        ref_name = "TripActivity"

    id = serializers.IntegerField()
    kind = serializers.CharField(
        help_text='"plan", or "flight": made from a booking, it follows the booking.'
    )
    position = serializers.IntegerField(help_text="Its place in the day, from 0.")
    title = serializers.CharField()
    place = serializers.CharField()
    time_zone = serializers.CharField(help_text='The place\'s, e.g. "Asia/Dubai".')
    start_time = serializers.TimeField(
        allow_null=True, help_text="Wall-clock time in time_zone; null: all day."
    )
    end_time = serializers.TimeField(
        allow_null=True, help_text="Earlier than start_time: it ends the next day."
    )
    notes = serializers.CharField()
    cost = AmountField(currency_source="cost_currency", allow_null=True)
    cost_currency = serializers.CharField(help_text="ISO 4217; empty when there is no cost.")
    booking_reference = serializers.CharField()


class PlacedActivitySerializer(ActivitySerializer):
    class Meta:
        ref_name = "TripPlacedActivity"

    day = serializers.DateField(
        source="day.date", allow_null=True, default=None, help_text="Null when set aside."
    )


class SetAsideActivitySerializer(ActivitySerializer):
    class Meta:
        ref_name = "TripSetAsideActivity"

    set_aside_date = serializers.DateField(
        allow_null=True, help_text="The date it was on before the trip's dates changed."
    )
    can_restore = serializers.BooleanField(
        help_text="That date is part of the trip again: it can be restored to it."
    )


class DaySerializer(serializers.Serializer):
    class Meta:
        ref_name = "TripDay"

    id = serializers.IntegerField()
    date = serializers.DateField()
    notes = serializers.CharField()
    activities = ActivitySerializer(many=True, source="activities.all")


class BudgetSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TripBudget"

    currency = serializers.CharField()
    total = serializers.CharField(
        help_text="Everything that could be converted, in the trip's currency (a decimal string)."
    )
    by_currency = serializers.DictField(
        child=serializers.CharField(), help_text='The amounts as spent, e.g. {"AED": "500.00"}.'
    )
    unconverted = serializers.ListField(
        child=serializers.CharField(), help_text="Currencies with no rate, left out of total."
    )


class MemberSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TripMember"

    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=TripMember.Role.choices)
    name = serializers.SerializerMethodField(help_text='e.g. "Nadia K."')
    email = serializers.SerializerMethodField(help_text="Shown to the trip's owner only.")

    def get_name(self, member) -> str:
        return customer_public_name(customer=member.customer)

    def get_email(self, member) -> str | None:
        return member.customer.user.email if self.context.get("owner") else None


class TripSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Trip"

    id = serializers.IntegerField()
    name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    currency = serializers.CharField()
    destinations = serializers.SerializerMethodField(
        help_text="IATA airport codes, in the order given (in lists: by code)."
    )
    owner_name = serializers.SerializerMethodField()
    role = serializers.CharField(help_text='The customer\'s: "owner", "editor" or "viewer".')

    def get_destinations(self, trip) -> list[str]:
        airports = getattr(trip, "destination_list", None)
        if airports is None:  # a list: prefetched, by code
            airports = trip.destinations.all()
        return [airport.iata_code for airport in airports]

    def get_owner_name(self, trip) -> str:
        return customer_public_name(customer=trip.owner)


class TripDetailSerializer(TripSerializer):
    class Meta:
        ref_name = "TripDetail"

    notes = serializers.CharField()
    companion_ids = serializers.SerializerMethodField(
        help_text="The owner's travel companions on the trip; null for members."
    )
    days = DaySerializer(many=True, source="day_list")
    set_aside = SetAsideActivitySerializer(
        many=True,
        source="set_aside_list",
        help_text="Activities whose date left the trip when its dates changed.",
    )
    budget = BudgetSerializer()
    members = MemberSerializer(many=True, source="member_list")
    is_shared = serializers.BooleanField()
    share_url = serializers.SerializerMethodField(
        help_text="The read-only link, for the owner while shared; else null."
    )
    calendar_enabled = serializers.BooleanField()
    calendar_feed_url = serializers.SerializerMethodField(
        help_text="The calendar subscription address, for the owner while on; else null."
    )

    def _owner(self, trip) -> bool:
        return trip.role == "owner"

    def get_companion_ids(self, trip) -> list[int] | None:
        if not self._owner(trip):
            return None
        return sorted(companion.pk for companion in trip.companions.all())

    def get_share_url(self, trip) -> str | None:
        if not (self._owner(trip) and trip.is_shared):
            return None
        token = trip.share_token
        return _absolute(self.context["request"], "b2c:trip-shared", token,
                         f"/trips/shared/{token}/")  # fmt: skip

    def get_calendar_feed_url(self, trip) -> str | None:
        if not (self._owner(trip) and trip.calendar_enabled):
            return None
        token = trip.calendar_token
        return _absolute(self.context["request"], "b2c:trip-feed", token,
                         f"/trips/feed/{token}.ics")  # fmt: skip


class SharedActivitySerializer(serializers.Serializer):
    """An activity as a share link shows it: no booking reference, no cost."""

    class Meta:
        ref_name = "SharedTripActivity"

    kind = serializers.CharField(help_text='"plan" or "flight".')
    title = serializers.CharField()
    place = serializers.CharField()
    time_zone = serializers.CharField()
    start_time = serializers.TimeField(allow_null=True)
    end_time = serializers.TimeField(allow_null=True)
    notes = serializers.CharField()


class SharedDaySerializer(serializers.Serializer):
    class Meta:
        ref_name = "SharedTripDay"

    date = serializers.DateField()
    notes = serializers.CharField()
    activities = SharedActivitySerializer(many=True, source="activities.all")


class SharedTripSerializer(serializers.Serializer):
    """What a share link shows: no members, no links, no booking references, no budget."""

    class Meta:
        ref_name = "SharedTrip"

    name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    destinations = serializers.SerializerMethodField(help_text="IATA airport codes, in order.")
    notes = serializers.CharField()
    days = SharedDaySerializer(many=True, source="day_list")

    def get_destinations(self, trip) -> list[str]:
        return [airport.iata_code for airport in trip_destinations(trip=trip)]


def _detail(request, customer, trip_id: int) -> dict:
    trip = _viewer_trip(customer, trip_id)
    trip.role = trip_role(trip=trip, customer=customer)
    trip.day_list = trip_days_with_activities(trip=trip)
    trip.set_aside_list = trip_set_aside(trip=trip)
    trip.budget = trip_budget(trip=trip)
    trip.member_list = trip_members(trip=trip)
    trip.destination_list = trip_destinations(trip=trip)
    context = {"request": request, "owner": trip.role == "owner"}
    return TripDetailSerializer(trip, context=context).data


def _day_data(customer, trip_id: int, day_id: int) -> dict:
    trip = _viewer_trip(customer, trip_id)
    day = next((d for d in trip_days_with_activities(trip=trip) if d.pk == day_id), None)
    if day is None:
        raise Http404
    return DaySerializer(day).data


# Trips ----------------------------------------------------------------------------------------


class TripCreateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TripCreate"

    name = serializers.CharField(max_length=120)
    start_date = serializers.DateField(help_text="The first day; the trip cannot end in the past.")
    end_date = serializers.DateField(
        help_text=f"The last day (inclusive), at most {MAX_TRIP_DAYS} days after start_date."
    )
    destinations = serializers.ListField(
        child=serializers.CharField(max_length=3),
        required=False,
        default=list,
        help_text="IATA airport codes; the first gives new activities their time zone.",
    )
    companion_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list,
        help_text="Ids of the customer's own travel companions.",
    )  # fmt: skip
    currency = serializers.CharField(
        max_length=3,
        required=False,
        help_text="ISO 4217, one of " + ", ".join(SUPPORTED_CURRENCIES) + "; the customer's "
        "preferred currency by default.",
    )


class TripUpdateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TripUpdate"

    name = serializers.CharField(max_length=120, required=False)
    start_date = serializers.DateField(required=False, help_text="Owner only.")
    end_date = serializers.DateField(
        required=False,
        help_text="Owner only. Days leaving the trip set their activities aside (see set_aside).",
    )
    destinations = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, help_text="Owner only."
    )
    companion_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Owner only."
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    currency = serializers.CharField(
        max_length=3, required=False, help_text="Owner only: the budget's currency."
    )


class TripsApi(APIView):
    """The customer's trips and the trips shared with them, by first day (GET); a new trip with
    one day per date (POST)."""

    pagination_class = Pagination

    @extend_schema(responses=TripSerializer(many=True))
    def get(self, request):
        customer = customer_for_user(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            trips_for_customer(customer=customer), request, view=self
        )
        for trip in page:
            trip.role = trip.viewer_role
        return paginator.get_paginated_response(TripSerializer(page, many=True).data)

    @extend_schema(
        request=TripCreateSerializer, responses={201: TripDetailSerializer, 400: INVALID}
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        data = validated(TripCreateSerializer, request.data)
        with trip_errors():
            trip = trip_create(
                customer=customer,
                name=data["name"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                destination_codes=data["destinations"],
                companion_ids=data["companion_ids"],
                currency=data.get("currency"),
            )
        return Response(_detail(request, customer, trip.pk), status=status.HTTP_201_CREATED)


class TripDetailApi(APIView):
    """One trip with its days, set-aside activities, budget and members (GET); changed (PATCH:
    editors the name and notes, the owner everything); deleted with all it holds (DELETE,
    owner)."""

    @extend_schema(responses={200: TripDetailSerializer, 404: NOT_FOUND})
    def get(self, request, trip_id: int):
        return Response(_detail(request, customer_for_user(user=request.user), trip_id))

    @extend_schema(
        request=TripUpdateSerializer,
        responses={200: TripDetailSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def patch(self, request, trip_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(TripUpdateSerializer, request.data)
        with trip_errors():
            trip_update(
                customer=customer,
                trip_id=trip_id,
                name=data.get("name"),
                start_date=data.get("start_date"),
                end_date=data.get("end_date"),
                destination_codes=data.get("destinations"),
                companion_ids=data.get("companion_ids"),
                notes=data.get("notes"),
                currency=data.get("currency"),
            )
        return Response(_detail(request, customer, trip_id))

    @extend_schema(responses={204: None, 400: INVALID, 404: NOT_FOUND})
    def delete(self, request, trip_id: int):
        customer = customer_for_user(user=request.user)
        with trip_errors():
            trip_delete(customer=customer, trip_id=trip_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharedTripApi(APIView):
    """A shared trip, read-only, for anyone with its link's token; 404 once unshared or the
    link was replaced."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(auth=[], responses={200: SharedTripSerializer, 404: NOT_FOUND})
    def get(self, request, token: str):
        with trip_errors():
            trip = trip_for_share_token(token=token)
        trip.day_list = trip_days_with_activities(trip=trip)
        return Response(SharedTripSerializer(trip).data)


class TripFromBookingApi(APIView):
    """Put a confirmed flight booking of the customer's in a trip: one flight activity per
    segment on its local day of departure. Without trip_id, a new trip covering the booking
    (or the trip it is already in); with it, the customer's own trip, its dates stretched to
    the booking's."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TripFromBooking"

        booking_id = serializers.IntegerField(help_text="A confirmed booking of the customer's.")
        trip_id = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text="One of one's own trips."
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: TripDetailSerializer,
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="Not the customer's booking, not confirmed, or not their trip.",
            ),
        },
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        data = validated(self.InputSerializer, request.data)
        with trip_errors(trip_field="trip_id"):
            trip = trip_attach_booking(
                customer=customer, booking_id=data["booking_id"], trip_id=data["trip_id"]
            )
        return Response(_detail(request, customer, trip.pk), status=status.HTTP_201_CREATED)


# Activities and days --------------------------------------------------------------------------


class ActivityFieldsSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TripActivityFields"

    title = serializers.CharField(max_length=150)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text='An IANA zone ("Asia/Dubai"); the first destination\'s by default.',
    )
    start_time = serializers.TimeField(required=False, allow_null=True, default=None)
    end_time = serializers.TimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Needs start_time; earlier than it means the next day.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    cost = serializers.DecimalField(
        max_digits=15, decimal_places=None, required=False, allow_null=True, default=None,
        help_text="Not negative; needs cost_currency.",
    )  # fmt: skip
    cost_currency = serializers.CharField(
        max_length=3, required=False, allow_blank=True, default="", help_text="ISO 4217."
    )
    booking_reference = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )


class ActivityCreateSerializer(ActivityFieldsSerializer):
    class Meta:
        ref_name = "TripActivityCreate"

    day = serializers.DateField(help_text="A date of the trip; the activity goes at its end.")


class ActivityUpdateSerializer(serializers.Serializer):
    """Only the fields given change (a flight's only its notes and cost: it follows its
    booking)."""

    class Meta:
        ref_name = "TripActivityUpdate"

    title = serializers.CharField(max_length=150, required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    time_zone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    start_time = serializers.TimeField(required=False, allow_null=True)
    end_time = serializers.TimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    cost = serializers.DecimalField(
        max_digits=15, decimal_places=None, required=False, allow_null=True
    )
    cost_currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    booking_reference = serializers.CharField(max_length=40, required=False, allow_blank=True)


ACTIVITY_FIELDS = tuple(ActivityUpdateSerializer().fields)


class ActivitiesApi(APIView):
    """A new activity at the end of a day of the trip (owner and editors)."""

    @extend_schema(
        request=ActivityCreateSerializer,
        responses={201: PlacedActivitySerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, trip_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(ActivityCreateSerializer, request.data)
        with trip_errors():
            activity = activity_create(
                customer=customer,
                trip_id=trip_id,
                day_date=data["day"],
                title=data["title"],
                place=data["place"],
                time_zone=data["time_zone"] or None,
                start_time=data["start_time"],
                end_time=data["end_time"],
                notes=data["notes"],
                cost=data["cost"],
                cost_currency=data["cost_currency"],
                booking_reference=data["booking_reference"],
            )
        return Response(PlacedActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetailApi(APIView):
    """Change an activity (PATCH: the fields given) or delete it (DELETE); owner and editors."""

    @extend_schema(
        request=ActivityUpdateSerializer,
        responses={200: PlacedActivitySerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def patch(self, request, trip_id: int, activity_id: int):
        customer = customer_for_user(user=request.user)
        activity = _activity_of(customer, trip_id, activity_id)
        data = validated(ActivityUpdateSerializer, request.data)
        values = {name: getattr(activity, name) for name in ACTIVITY_FIELDS} | dict(data)
        with trip_errors():
            activity = activity_update(customer=customer, activity_id=activity.pk, **values)
        return Response(PlacedActivitySerializer(activity).data)

    @extend_schema(responses={204: None, 400: INVALID, 404: NOT_FOUND})
    def delete(self, request, trip_id: int, activity_id: int):
        customer = customer_for_user(user=request.user)
        activity = _activity_of(customer, trip_id, activity_id)
        with trip_errors():
            activity_delete(customer=customer, activity_id=activity.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivityMoveApi(APIView):
    """Move an activity to a place (from 0) in a day of the same trip."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TripActivityMove"

        day = serializers.DateField(help_text="A date of the trip.")
        position = serializers.IntegerField(
            min_value=0, help_text="From 0; past the end puts it last."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: PlacedActivitySerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, trip_id: int, activity_id: int):
        customer = customer_for_user(user=request.user)
        activity = _activity_of(customer, trip_id, activity_id)
        data = validated(self.InputSerializer, request.data)
        with trip_errors():
            activity = activity_move(
                customer=customer,
                activity_id=activity.pk,
                day_date=data["day"],
                position=data["position"],
            )
        return Response(PlacedActivitySerializer(activity).data)


class ActivityRestoreApi(APIView):
    """Put a set-aside activity back on a day of the trip, at its end."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TripActivityRestore"

        day = serializers.DateField(help_text="A date of the trip.")

    @extend_schema(
        request=InputSerializer,
        responses={200: PlacedActivitySerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, trip_id: int, activity_id: int):
        customer = customer_for_user(user=request.user)
        activity = _activity_of(customer, trip_id, activity_id)
        data = validated(self.InputSerializer, request.data)
        with trip_errors():
            activity = activity_restore(
                customer=customer, activity_id=activity.pk, day_date=data["day"]
            )
        return Response(PlacedActivitySerializer(activity).data)


class DayReorderApi(APIView):
    """Put a day's activities in the order given: every activity of the day, once."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TripDayReorder"

        activity_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)

    @extend_schema(
        request=InputSerializer, responses={200: DaySerializer, 400: INVALID, 404: NOT_FOUND}
    )
    def post(self, request, trip_id: int, day_id: int):
        customer = customer_for_user(user=request.user)
        trip = _viewer_trip(customer, trip_id)
        if not trip.days.filter(pk=day_id).exists():
            raise Http404
        data = validated(self.InputSerializer, request.data)
        with trip_errors():
            activity_reorder(customer=customer, day_id=day_id, activity_ids=data["activity_ids"])
        return Response(_day_data(customer, trip_id, day_id))


# Members --------------------------------------------------------------------------------------


class MemberRoleSerializer(serializers.Serializer):
    class Meta:
        ref_name = "TripMemberRole"

    role = serializers.ChoiceField(
        choices=TripMember.Role.choices, help_text="viewer: reads; editor: changes days."
    )


class MemberInviteSerializer(MemberRoleSerializer):
    class Meta:
        ref_name = "TripMemberInvite"

    email = serializers.EmailField(help_text="The email of their Safar account.")


def _member_data(member: TripMember) -> dict:
    member = TripMember.objects.select_related("customer__user").get(pk=member.pk)
    return MemberSerializer(member, context={"owner": True}).data


class MembersApi(APIView):
    """Invite a Safar customer by their account's email, as a viewer or an editor (owner)."""

    @extend_schema(
        request=MemberInviteSerializer,
        responses={201: MemberSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, trip_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(MemberInviteSerializer, request.data)
        with trip_errors():
            member = member_invite(
                customer=customer, trip_id=trip_id, email=data["email"], role=data["role"]
            )
        return Response(_member_data(member), status=status.HTTP_201_CREATED)


class MemberDetailApi(APIView):
    """Change a member's role (PATCH, owner); remove a member (DELETE: the owner, or the member
    leaving)."""

    @extend_schema(
        request=MemberRoleSerializer,
        responses={200: MemberSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def patch(self, request, trip_id: int, member_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(MemberRoleSerializer, request.data)
        with trip_errors():
            member = member_role_set(
                customer=customer, trip_id=trip_id, member_id=member_id, role=data["role"]
            )
        return Response(_member_data(member))

    @extend_schema(responses={204: None, 400: INVALID, 404: NOT_FOUND})
    def delete(self, request, trip_id: int, member_id: int):
        customer = customer_for_user(user=request.user)
        with trip_errors():
            member_remove(customer=customer, trip_id=trip_id, member_id=member_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Sharing and the calendar ---------------------------------------------------------------------


class SharingApi(APIView):
    """Open or close the read-only link (owner); a closed link answers 404."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TripSharing"

        shared = serializers.BooleanField()

    @extend_schema(
        request=InputSerializer,
        responses={200: TripDetailSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, trip_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(self.InputSerializer, request.data)
        service = trip_share if data["shared"] else trip_unshare
        with trip_errors():
            service(customer=customer, trip_id=trip_id)
        return Response(_detail(request, customer, trip_id))


class SharingResetApi(APIView):
    """A new read-only link (owner); the old one answers 404."""

    @extend_schema(
        request=None, responses={200: TripDetailSerializer, 400: INVALID, 404: NOT_FOUND}
    )
    def post(self, request, trip_id: int):
        customer = customer_for_user(user=request.user)
        with trip_errors():
            trip_share_reset(customer=customer, trip_id=trip_id)
        return Response(_detail(request, customer, trip_id))


class CalendarFeedApi(APIView):
    """Turn the calendar subscription feed on or off (owner)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TripCalendarFeed"

        enabled = serializers.BooleanField()

    @extend_schema(
        request=InputSerializer,
        responses={200: TripDetailSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    def post(self, request, trip_id: int):
        customer = customer_for_user(user=request.user)
        data = validated(self.InputSerializer, request.data)
        with trip_errors():
            trip_calendar_enable(customer=customer, trip_id=trip_id, enabled=data["enabled"])
        return Response(_detail(request, customer, trip_id))


class CalendarFeedResetApi(APIView):
    """A new calendar feed address (owner); the old one answers 404."""

    @extend_schema(
        request=None, responses={200: TripDetailSerializer, 400: INVALID, 404: NOT_FOUND}
    )
    def post(self, request, trip_id: int):
        customer = customer_for_user(user=request.user)
        with trip_errors():
            trip_calendar_reset(customer=customer, trip_id=trip_id)
        return Response(_detail(request, customer, trip_id))


class ICalendarRenderer(BaseRenderer):
    """Lets a client ask for text/calendar without a 406; the calendar itself is a plain
    HttpResponse."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class TripCalendarApi(ErrorsAsJSON, APIView):
    """The trip as an iCalendar file (RFC 5545), for its owner and members: timed activities
    in their place's time zone, the others all day."""

    renderer_classes = [JSONRenderer, ICalendarRenderer]

    @extend_schema(
        operation_id="v1_trips_calendar_ics",
        responses={
            (200, "text/calendar"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The .ics file (an attachment)."
            ),
            404: NOT_FOUND,
        },
    )
    def get(self, request, trip_id: int):
        trip = _viewer_trip(customer_for_user(user=request.user), trip_id)
        response = HttpResponse(trip_ical(trip=trip), content_type="text/calendar; charset=utf-8")
        filename = f"{slugify(trip.name) or 'trip'}.ics"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path("trips/", TripsApi.as_view(), name="trips"),
    path("trips/from-booking/", TripFromBookingApi.as_view(), name="trip-from-booking"),
    path("trips/shared/<str:token>/", SharedTripApi.as_view(), name="trip-shared"),
    path("trips/<int:trip_id>/", TripDetailApi.as_view(), name="trip"),
    path("trips/<int:trip_id>/calendar.ics", TripCalendarApi.as_view(), name="trip-calendar"),
    path("trips/<int:trip_id>/activities/", ActivitiesApi.as_view(), name="activities"),
    path(
        "trips/<int:trip_id>/activities/<int:activity_id>/",
        ActivityDetailApi.as_view(),
        name="activity",
    ),
    path(
        "trips/<int:trip_id>/activities/<int:activity_id>/move/",
        ActivityMoveApi.as_view(),
        name="activity-move",
    ),
    path(
        "trips/<int:trip_id>/activities/<int:activity_id>/restore/",
        ActivityRestoreApi.as_view(),
        name="activity-restore",
    ),
    path(
        "trips/<int:trip_id>/days/<int:day_id>/reorder/",
        DayReorderApi.as_view(),
        name="day-reorder",
    ),
    path("trips/<int:trip_id>/members/", MembersApi.as_view(), name="members"),
    path(
        "trips/<int:trip_id>/members/<int:member_id>/",
        MemberDetailApi.as_view(),
        name="member",
    ),
    path("trips/<int:trip_id>/sharing/", SharingApi.as_view(), name="sharing"),
    path("trips/<int:trip_id>/sharing/reset/", SharingResetApi.as_view(), name="sharing-reset"),
    path("trips/<int:trip_id>/calendar-feed/", CalendarFeedApi.as_view(), name="calendar-feed"),
    path(
        "trips/<int:trip_id>/calendar-feed/reset/",
        CalendarFeedResetApi.as_view(),
        name="calendar-feed-reset",
    ),
]
