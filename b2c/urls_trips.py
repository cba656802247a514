"""Pages of the trips area (wired into b2c/urls.py)."""

from django.urls import path, register_converter

from b2c.views import trip_views


class DayConverter:
    """A day of a trip in a URL, as YYYY-MM-DD (kept as text; the view finds the day)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


register_converter(DayConverter, "tripday")

urlpatterns: list = [
    path("trips/", trip_views.TripListView.as_view(), name="trips"),
    path("trips/new/", trip_views.TripCreateView.as_view(), name="trip-new"),
    path(
        "trips/add-booking/<int:booking_id>/",
        trip_views.TripAddBookingView.as_view(),
        name="trip-add-booking",
    ),
    path("trips/feed/<str:token>.ics", trip_views.trip_feed, name="trip-feed"),
    path("trips/shared/<str:token>/", trip_views.trip_shared, name="trip-shared"),
    path(
        "trips/shared/<str:token>/print/",
        trip_views.trip_shared_print,
        name="trip-shared-print",
    ),
    path("trips/<int:trip_id>/", trip_views.TripDetailView.as_view(), name="trip"),
    path("trips/<int:trip_id>/edit/", trip_views.TripEditView.as_view(), name="trip-edit"),
    path("trips/<int:trip_id>/delete/", trip_views.TripDeleteView.as_view(), name="trip-delete"),
    path("trips/<int:trip_id>/print/", trip_views.TripPrintView.as_view(), name="trip-print"),
    path("trips/<int:trip_id>/calendar.ics", trip_views.TripIcsView.as_view(), name="trip-ics"),
    path(
        "trips/<int:trip_id>/days/<tripday:day>/activities/add/",
        trip_views.ActivityAddView.as_view(),
        name="trip-activity-add",
    ),
    path(
        "trips/<int:trip_id>/days/<int:day_id>/reorder/",
        trip_views.DayReorderView.as_view(),
        name="trip-day-reorder",
    ),
    path(
        "trips/<int:trip_id>/activities/<int:activity_id>/edit/",
        trip_views.ActivityEditView.as_view(),
        name="trip-activity-edit",
    ),
    path(
        "trips/<int:trip_id>/activities/<int:activity_id>/delete/",
        trip_views.ActivityDeleteView.as_view(),
        name="trip-activity-delete",
    ),
    path(
        "trips/<int:trip_id>/activities/<int:activity_id>/move/",
        trip_views.ActivityMoveView.as_view(),
        name="trip-activity-move",
    ),
    path(
        "trips/<int:trip_id>/activities/<int:activity_id>/restore/",
        trip_views.ActivityRestoreView.as_view(),
        name="trip-activity-restore",
    ),
    path(
        "trips/<int:trip_id>/members/invite/",
        trip_views.MemberInviteView.as_view(),
        name="trip-member-invite",
    ),
    path(
        "trips/<int:trip_id>/members/<int:member_id>/role/",
        trip_views.MemberRoleView.as_view(),
        name="trip-member-role",
    ),
    path(
        "trips/<int:trip_id>/members/<int:member_id>/remove/",
        trip_views.MemberRemoveView.as_view(),
        name="trip-member-remove",
    ),
    path("trips/<int:trip_id>/share/", trip_views.TripShareView.as_view(), name="trip-share"),
    path(
        "trips/<int:trip_id>/calendar/",
        trip_views.TripCalendarView.as_view(),
        name="trip-calendar",
    ),
]
