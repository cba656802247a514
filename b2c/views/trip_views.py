"""Trip planner pages: my trips, planning a trip day by day (activities, drag-and-drop or
buttons), members, sharing by a read-only link, calendar export and feed, a printable view, and
adding a confirmed flight booking to a trip.

A trip that is not the customer's own nor shared with them is "not found" (404) whatever the
method; a member without the right (a viewer editing, an editor changing the dates) is refused
(403: they know the trip is there). The services decide everything else; their refusals are
shown as form errors or messages, and nothing changes.

The move and reorder endpoints also answer the planner's script (trips.js): asked for JSON
(`Accept: application/json`), they answer {"ok": true} or {"error": "..."} with 400 instead of a
redirect.
"""

from functools import cache, partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache

from b2c.calendar_export import trip_ical
from b2c.forms.trips import (
    AT_THE_END,
    NEW_TRIP,
    ActivityForm,
    AttachBookingForm,
    InviteForm,
    MoveForm,
    ReorderForm,
    RestoreForm,
    RoleForm,
    TripForm,
)
from b2c.models import TravelCompanion, TripMember
from b2c.selectors.customer import customer_for_user, customer_public_name
from b2c.selectors.trips import (
    TripNotFound,
    time_zone_names,
    trip_budget,
    trip_days_with_activities,
    trip_destinations,
    trip_for_calendar_token,
    trip_for_share_token,
    trip_for_viewer,
    trip_members,
    trip_role,
    trip_set_aside,
    trips_for_customer,
)
from b2c.services.trips import (
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
from bookings.selectors import booking_get_for_customer
from core.exceptions import ApplicationError
from core.formatting import format_date
from core.http import not_found_as_404 as core_not_found_as_404

# A service's "not yours / not there" as a 404.
not_found_as_404 = partial(core_not_found_as_404, TripNotFound)

OWNER = "owner"
EDITOR = TripMember.Role.EDITOR
ICS_TYPE = "text/calendar; charset=utf-8"


@cache
def time_zone_options() -> str:
    """The <option>s of the time zone suggestions, built once: some 600 zones would otherwise
    be a loop in every planner page."""
    return format_html_join("", '<option value="{}"></option>', ((z,) for z in time_zone_names()))


def _add_service_errors(form, error: ApplicationError) -> None:
    for field, problems in (error.extra or {None: [error.message]}).items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _trip_for(request, trip_id, need: str | None = None):
    """The signed-in customer, the trip (404 unless theirs or shared with them) and their role;
    403 when `need` ("owner" or "editor") is more than the role allows."""
    customer = customer_for_user(user=request.user)
    with not_found_as_404():
        trip = trip_for_viewer(customer=customer, trip_id=trip_id)
    role = trip_role(trip=trip, customer=customer)
    if need == OWNER and role != OWNER:
        raise PermissionDenied
    if need == EDITOR and role not in (OWNER, EDITOR):
        raise PermissionDenied
    return customer, trip, role


def _activity_of(trip, activity_id):
    activity = trip.activities.filter(pk=activity_id).select_related("day").first()
    if activity is None:
        raise Http404
    return activity


def _planner(trip_id, anchor: str = "") -> str:
    return reverse("b2c:trip", args=[trip_id]) + (f"#{anchor}" if anchor else "")


def _companions(customer) -> list:
    return list(TravelCompanion.objects.filter(customer=customer))


# My trips, a new trip ----------------------------------------------------------------------------


class TripListView(LoginRequiredMixin, View):
    """/trips/: the trips the customer owns and those shared with them, with their role."""

    def get(self, request):
        customer = customer_for_user(user=request.user)
        roles = dict(TripMember.Role.choices)
        rows = []
        for trip in trips_for_customer(customer=customer):
            owned = trip.viewer_role == OWNER
            role = _("Yours") if owned else roles.get(trip.viewer_role, "")
            rows.append({"trip": trip, "role": role, "owned": owned})
        return render(request, "b2c/trips/list.html", {"rows": rows})


class TripCreateView(LoginRequiredMixin, View):
    """/trips/new/: name, dates, destinations, companions and the budget's currency."""

    def _render(self, request, form, status=200):
        return render(request, "b2c/trips/form.html", {"form": form, "trip": None}, status=status)

    def get(self, request):
        customer = customer_for_user(user=request.user)
        form = TripForm(
            companions=_companions(customer),
            initial={"currency": customer.preferred_currency or "USD"},
        )
        return self._render(request, form)

    def post(self, request):
        customer = customer_for_user(user=request.user)
        form = TripForm(request.POST, companions=_companions(customer))
        if form.is_valid():
            data = form.cleaned_data
            try:
                trip = trip_create(
                    customer=customer,
                    name=data["name"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    destination_codes=data["destination_codes"],
                    companion_ids=data.get("companion_ids") or [],
                    currency=data["currency"],
                )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Trip “%(name)s” created.") % {"name": trip.name})
                return redirect("b2c:trip", trip_id=trip.pk)
        return self._render(request, form, status=400)


# The planner ------------------------------------------------------------------------------------


def _planner_context(request, customer, trip, role, *, add_forms=None) -> dict:
    can_edit = role in (OWNER, EDITOR)
    is_owner = role == OWNER
    days = trip_days_with_activities(trip=trip)
    add_forms = add_forms or {}
    for day in days:
        day.activity_list = list(day.activities.all())
        # Formatted once: each activity's "Move to" list names every day.
        day.label = format_date(day.date)
        day.iso = day.date.isoformat()
        if can_edit:
            day.add_form = add_forms.get(day.pk) or ActivityForm(auto_id=f"add-{day.pk}-%s")
    members = trip_members(trip=trip)
    for member in members:
        member.public_name = customer_public_name(customer=member.customer)
        member.is_me = member.customer_id == customer.pk
    context = {
        "trip": trip,
        "role": role,
        "can_edit": can_edit,
        "is_owner": is_owner,
        "days": days,
        "set_aside": trip_set_aside(trip=trip),
        "budget": trip_budget(trip=trip),
        "members": members,
        "owner_name": customer_public_name(customer=trip.owner),
        "destinations": trip_destinations(trip=trip),
        "companions": list(trip.companions.all()),
        "time_zones": time_zone_options() if can_edit else "",
        "role_choices": TripMember.Role.choices,
    }
    if is_owner:
        context["invite_form"] = InviteForm()
        context["share_url"] = request.build_absolute_uri(
            reverse("b2c:trip-shared", args=[trip.share_token])
        )
        context["feed_url"] = request.build_absolute_uri(
            reverse("b2c:trip-feed", args=[trip.calendar_token])
        )
    return context


class TripDetailView(LoginRequiredMixin, View):
    """/trips/<id>/: the days with their activities, what was set aside, the budget, the
    members and the sharing. Editors see the controls; viewers read."""

    def get(self, request, trip_id):
        customer, trip, role = _trip_for(request, trip_id)
        context = _planner_context(request, customer, trip, role)
        return render(request, "b2c/trips/detail.html", context)


class TripEditView(LoginRequiredMixin, View):
    """/trips/<id>/edit/: the owner changes the name, dates, destinations, companions, the
    budget's currency and notes.
    Days leaving the trip set their activities aside (shown on the planner)."""

    def _render(self, request, trip, form, status=200):
        return render(request, "b2c/trips/form.html", {"form": form, "trip": trip}, status=status)

    def get(self, request, trip_id):
        customer, trip, _role = _trip_for(request, trip_id, need=OWNER)
        form = TripForm(
            companions=_companions(customer),
            editing=True,
            initial={
                "name": trip.name,
                "start_date": trip.start_date,
                "end_date": trip.end_date,
                "destination_codes": " ".join(a.iata_code for a in trip_destinations(trip=trip)),
                "companion_ids": [c.pk for c in trip.companions.all()],
                "currency": trip.currency,
                "notes": trip.notes,
            },
        )
        return self._render(request, trip, form)

    def post(self, request, trip_id):
        customer, trip, _role = _trip_for(request, trip_id, need=OWNER)
        form = TripForm(request.POST, companions=_companions(customer), editing=True)
        if form.is_valid():
            data = form.cleaned_data
            set_aside_before = len(trip_set_aside(trip=trip))
            try:
                with not_found_as_404():
                    trip = trip_update(
                        customer=customer,
                        trip_id=trip.pk,
                        name=data["name"],
                        start_date=data["start_date"],
                        end_date=data["end_date"],
                        destination_codes=data["destination_codes"],
                        companion_ids=data.get("companion_ids") or [],
                        notes=data["notes"],
                        currency=data.get("currency") or None,
                    )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Trip “%(name)s” saved.") % {"name": trip.name})
                if len(trip_set_aside(trip=trip)) > set_aside_before:
                    messages.info(
                        request,
                        _(
                            "Some activities were on days no longer in the trip: they are kept "
                            "under “Set aside”."
                        ),
                    )
                return redirect("b2c:trip", trip_id=trip.pk)
        return self._render(request, trip, form, status=400)


class TripDeleteView(LoginRequiredMixin, View):
    """A confirmation step (GET), then the deletion (POST), by the owner."""

    def get(self, request, trip_id):
        _customer, trip, _role = _trip_for(request, trip_id, need=OWNER)
        return render(request, "b2c/trips/delete.html", {"trip": trip})

    def post(self, request, trip_id):
        customer, trip, _role = _trip_for(request, trip_id, need=OWNER)
        with not_found_as_404():
            trip_delete(customer=customer, trip_id=trip.pk)
        messages.success(request, _("Trip “%(name)s” deleted.") % {"name": trip.name})
        return redirect("b2c:trips")


# Activities -------------------------------------------------------------------------------------


class ActivityAddView(LoginRequiredMixin, View):
    """POST: a new activity at the end of the day `day` (YYYY-MM-DD)."""

    http_method_names = ["post"]

    def post(self, request, trip_id, day):
        customer, trip, role = _trip_for(request, trip_id, need=EDITOR)
        days = {d.date.isoformat(): d for d in trip.days.all()}
        trip_day = days.get(day)
        if trip_day is None:
            raise Http404
        form = ActivityForm(request.POST, auto_id=f"add-{trip_day.pk}-%s")
        if form.is_valid():
            data = form.cleaned_data
            try:
                with not_found_as_404():
                    activity = activity_create(
                        customer=customer, trip_id=trip.pk, day_date=trip_day.date, **data
                    )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("“%(title)s” added.") % {"title": activity.title})
                return redirect(_planner(trip.pk, f"activity-{activity.pk}"))
        context = _planner_context(request, customer, trip, role, add_forms={trip_day.pk: form})
        context["invalid_day"] = trip_day.pk
        return render(request, "b2c/trips/detail.html", context, status=400)


class ActivityEditView(LoginRequiredMixin, View):
    """/trips/<id>/activities/<id>/edit/: an activity's details (a flight's notes and cost)."""

    def _render(self, request, trip, activity, form, status=200):
        context = {
            "trip": trip,
            "activity": activity,
            "form": form,
            "time_zones": time_zone_options(),
        }
        return render(request, "b2c/trips/activity_edit.html", context, status=status)

    def get(self, request, trip_id, activity_id):
        _customer, trip, _role = _trip_for(request, trip_id, need=EDITOR)
        activity = _activity_of(trip, activity_id)
        initial = {
            name: getattr(activity, name)
            for name in (
                "title", "start_time", "end_time", "time_zone", "place", "cost",
                "cost_currency", "booking_reference", "notes",
            )
        }  # fmt: skip
        form = ActivityForm(initial=initial, flight=activity.kind == activity.Kind.FLIGHT)
        return self._render(request, trip, activity, form)

    def post(self, request, trip_id, activity_id):
        customer, trip, _role = _trip_for(request, trip_id, need=EDITOR)
        activity = _activity_of(trip, activity_id)
        form = ActivityForm(request.POST, flight=activity.kind == activity.Kind.FLIGHT)
        if form.is_valid():
            data = {"title": activity.title, **form.cleaned_data}
            try:
                with not_found_as_404():
                    activity = activity_update(customer=customer, activity_id=activity.pk, **data)
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("“%(title)s” saved.") % {"title": activity.title})
                return redirect(_planner(trip.pk, f"activity-{activity.pk}"))
        return self._render(request, trip, activity, form, status=400)


class ActivityDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, trip_id, activity_id):
        customer, trip, _role = _trip_for(request, trip_id, need=EDITOR)
        activity = _activity_of(trip, activity_id)
        with not_found_as_404():
            activity_delete(customer=customer, activity_id=activity.pk)
        messages.success(request, _("“%(title)s” deleted.") % {"title": activity.title})
        anchor = f"day-{activity.day_id}" if activity.day_id else "set-aside"
        return redirect(_planner(trip.pk, anchor))


def _done(request, trip_id, anchor: str, *, error: str | None = None, success: str = ""):
    """The answer of a move, a reorder or a restore: JSON for the script, else back to the
    planner with a message."""
    if _wants_json(request):
        if error is not None:
            return JsonResponse({"error": error}, status=400)
        return JsonResponse({"ok": True, "message": success})
    if error is not None:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    return redirect(_planner(trip_id, anchor))


class ActivityMoveView(LoginRequiredMixin, View):
    """POST day_date (YYYY-MM-DD) and position (from 0; empty: last): up, down, another day."""

    http_method_names = ["post"]

    def post(self, request, trip_id, activity_id):
        customer, trip, _role = _trip_for(request, trip_id, need=EDITOR)
        activity = _activity_of(trip, activity_id)
        form = MoveForm(request.POST)
        if not form.is_valid():
            return _done(
                request, trip.pk, f"activity-{activity.pk}",
                error=_("Choose a day of the trip and a place in it."),
            )  # fmt: skip
        position = form.cleaned_data["position"]
        try:
            with not_found_as_404():
                activity_move(
                    customer=customer,
                    activity_id=activity.pk,
                    day_date=form.cleaned_data["day_date"],
                    position=AT_THE_END if position is None else position,
                )
        except ApplicationError as error:
            return _done(request, trip.pk, f"activity-{activity.pk}", error=error.message)
        return _done(
            request, trip.pk, f"activity-{activity.pk}",
            success=_("“%(title)s” moved.") % {"title": activity.title},
        )  # fmt: skip


class DayReorderView(LoginRequiredMixin, View):
    """POST activity_ids (every activity of the day, once, in the new order)."""

    http_method_names = ["post"]

    def post(self, request, trip_id, day_id):
        customer, trip, _role = _trip_for(request, trip_id, need=EDITOR)
        if not trip.days.filter(pk=day_id).exists():
            raise Http404
        form = ReorderForm(request.POST)
        ids = form.cleaned_data["activity_ids"] if form.is_valid() else []
        try:
            with not_found_as_404():
                activity_reorder(customer=customer, day_id=day_id, activity_ids=ids)
        except ApplicationError as error:
            return _done(request, trip.pk, f"day-{day_id}", error=error.message)
        return _done(request, trip.pk, f"day-{day_id}", success=_("The day's order was saved."))


class ActivityRestoreView(LoginRequiredMixin, View):
    """POST day_date: a set-aside activity back on a day of the trip."""

    http_method_names = ["post"]

    def post(self, request, trip_id, activity_id):
        customer, trip, _role = _trip_for(request, trip_id, need=EDITOR)
        activity = _activity_of(trip, activity_id)
        form = RestoreForm(request.POST)
        if not form.is_valid():
            return _done(request, trip.pk, "set-aside", error=_("Choose a day of the trip."))
        try:
            with not_found_as_404():
                activity_restore(
                    customer=customer,
                    activity_id=activity.pk,
                    day_date=form.cleaned_data["day_date"],
                )
        except ApplicationError as error:
            return _done(request, trip.pk, "set-aside", error=error.message)
        return _done(
            request, trip.pk, f"activity-{activity.pk}",
            success=_("“%(title)s” is back in the trip.") % {"title": activity.title},
        )  # fmt: skip


# Members and sharing ----------------------------------------------------------------------------


class MemberInviteView(LoginRequiredMixin, View):
    """POST: invite a Safar customer by the email of their account (owner). A refusal shows the
    planner again with the address as typed and the reason beside it."""

    http_method_names = ["post"]

    def post(self, request, trip_id):
        customer, trip, role = _trip_for(request, trip_id, need=OWNER)
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                with not_found_as_404():
                    member = member_invite(customer=customer, trip_id=trip.pk, **form.cleaned_data)
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is invited to the trip.")
                    % {"name": customer_public_name(customer=member.customer)},
                )
                return redirect(_planner(trip.pk, "members"))
        context = _planner_context(request, customer, trip, role)
        context["invite_form"] = form
        return render(request, "b2c/trips/detail.html", context, status=400)


class MemberRoleView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, trip_id, member_id):
        customer, trip, _role = _trip_for(request, trip_id, need=OWNER)
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether they can view or edit."))
            return redirect(_planner(trip.pk, "members"))
        try:
            with not_found_as_404():
                member_role_set(
                    customer=customer,
                    trip_id=trip.pk,
                    member_id=member_id,
                    role=form.cleaned_data["role"],
                )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Role changed."))
        return redirect(_planner(trip.pk, "members"))


class MemberRemoveView(LoginRequiredMixin, View):
    """The owner removes a member; a member leaves by removing themselves."""

    http_method_names = ["post"]

    def post(self, request, trip_id, member_id):
        customer, trip, role = _trip_for(request, trip_id)
        try:
            with not_found_as_404():
                member_remove(customer=customer, trip_id=trip.pk, member_id=member_id)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(_planner(trip.pk, "members"))
        if role == OWNER:
            messages.success(request, _("They are no longer on the trip."))
            return redirect(_planner(trip.pk, "members"))
        messages.success(request, _("You left the trip “%(name)s”.") % {"name": trip.name})
        return redirect("b2c:trips")


class _OwnerSwitchView(LoginRequiredMixin, View):
    """POST action=on, off or reset: the owner's switch for one of the trip's links. ACTIONS
    maps each action to its service and what the owner is told; back to the planner's
    `section`."""

    http_method_names = ["post"]
    ACTIONS: dict = {}
    section = ""
    unknown_action: Any = ""

    def post(self, request, trip_id):
        customer, trip, _role = _trip_for(request, trip_id, need=OWNER)
        action = self.ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, str(self.unknown_action))
            return redirect(_planner(trip.pk, self.section))
        service, message = action
        with not_found_as_404():
            service(customer=customer, trip_id=trip.pk)
        messages.success(request, str(message))
        return redirect(_planner(trip.pk, self.section))


class TripShareView(_OwnerSwitchView):
    """POST action=on, off or reset (a new link; the old one stops working)."""

    ACTIONS = {
        "on": (trip_share, gettext_lazy("Anyone with the link can now see this trip.")),
        "off": (
            trip_unshare,
            gettext_lazy("This trip is private again; its link no longer works."),
        ),
        "reset": (
            trip_share_reset,
            gettext_lazy("The trip has a new link; the old one no longer works."),
        ),
    }
    section = "sharing"
    unknown_action = gettext_lazy("Choose to share, stop sharing or get a new link.")


def _calendar_on(**kwargs):
    return trip_calendar_enable(enabled=True, **kwargs)


def _calendar_off(**kwargs):
    return trip_calendar_enable(enabled=False, **kwargs)


class TripCalendarView(_OwnerSwitchView):
    """POST action=on, off or reset (a new feed address; the old one stops working)."""

    ACTIONS = {
        "on": (_calendar_on, gettext_lazy("The calendar feed is on.")),
        "off": (
            _calendar_off,
            gettext_lazy("The calendar feed is off; its address no longer works."),
        ),
        "reset": (
            trip_calendar_reset,
            gettext_lazy("The calendar feed has a new address; the old one no longer works."),
        ),
    }
    section = "calendar"
    unknown_action = gettext_lazy("Choose to turn the feed on or off, or get a new address.")


# Calendar, shared and printable views -----------------------------------------------------------


def _ics_filename(name: str) -> str:
    return f"{slugify(name)[:60].strip('-') or 'trip'}.ics"


class TripIcsView(LoginRequiredMixin, View):
    """/trips/<id>/calendar.ics: the trip as a calendar file, for the owner and members."""

    def get(self, request, trip_id):
        _customer, trip, _role = _trip_for(request, trip_id)
        response = HttpResponse(trip_ical(trip=trip), content_type=ICS_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{_ics_filename(trip.name)}"'
        response["Cache-Control"] = "private, no-store"
        return response


def trip_feed(request, token):
    """/trips/feed/<token>.ics: the subscription feed; 404 once off or given a new address."""
    with not_found_as_404():
        trip = trip_for_calendar_token(token=token)
    response = HttpResponse(trip_ical(trip=trip), content_type=ICS_TYPE)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _readonly_context(
    trip, *, print_url: str = "", back_url: str = "", public: bool = False
) -> dict:
    """The days for a read-only page; `public` (the shared link) leaves out costs and booking
    references, which only the trip's members see."""
    days = trip_days_with_activities(trip=trip)
    for day in days:
        day.activity_list = list(day.activities.all())
    return {
        "trip": trip,
        "days": days,
        "destinations": trip_destinations(trip=trip),
        "print_url": print_url,
        "back_url": back_url,
        "public": public,
    }


def _shared_trip(token):
    with not_found_as_404():
        return trip_for_share_token(token=token)


@never_cache
def trip_shared(request, token):
    """/trips/shared/<token>/: read-only, for anyone with the link; 404 once unshared or the
    link was replaced. No owner, no members, no controls."""
    trip = _shared_trip(token)
    context = _readonly_context(
        trip, print_url=reverse("b2c:trip-shared-print", args=[token]), public=True
    )
    response = render(request, "b2c/trips/shared.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def trip_shared_print(request, token):
    trip = _shared_trip(token)
    context = _readonly_context(
        trip, back_url=reverse("b2c:trip-shared", args=[token]), public=True
    )
    response = render(request, "b2c/trips/print.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


class TripPrintView(LoginRequiredMixin, View):
    """/trips/<id>/print/: the days and activities laid out for paper."""

    def get(self, request, trip_id):
        _customer, trip, _role = _trip_for(request, trip_id)
        context = _readonly_context(trip, back_url=_planner(trip.pk))
        return render(request, "b2c/trips/print.html", context)


# A booking into a trip --------------------------------------------------------------------------


class TripAddBookingView(LoginRequiredMixin, View):
    """/trips/add-booking/<booking_id>/: a confirmed booking's flights into a new trip or one of
    the customer's own trips."""

    def _render(self, request, booking, form, status=200):
        context = {"booking": booking, "form": form}
        return render(request, "b2c/trips/add_booking.html", context, status=status)

    def _owned(self, customer) -> list:
        return [t for t in trips_for_customer(customer=customer) if t.owner_id == customer.pk]

    def get(self, request, booking_id):
        customer = customer_for_user(user=request.user)
        booking = booking_get_for_customer(customer=customer, booking_id=booking_id)
        form = AttachBookingForm(trips=self._owned(customer))
        return self._render(request, booking, form)

    def post(self, request, booking_id):
        customer = customer_for_user(user=request.user)
        form = AttachBookingForm(request.POST, trips=self._owned(customer))
        if form.is_valid():
            chosen = form.cleaned_data["trip"]
            try:
                with not_found_as_404():
                    trip = trip_attach_booking(
                        customer=customer,
                        booking_id=booking_id,
                        trip_id=None if chosen == NEW_TRIP else int(chosen),
                    )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The flights are in your trip “%(name)s”.") % {"name": trip.name},
                )
                return redirect("b2c:trip", trip_id=trip.pk)
        try:
            booking = booking_get_for_customer(customer=customer, booking_id=booking_id)
        except Http404:
            booking = None
        return self._render(request, booking, form, status=400)
