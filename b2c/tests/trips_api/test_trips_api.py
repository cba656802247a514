"""Trips API: trips, days and activities, members, sharing, the .ics file, bookings; 400s with
field errors that change nothing, 404s for anyone else's trip; documented in the schema."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from b2c.models import Trip, TripActivity, TripMember
from b2c.services.trips import activity_create, member_invite, trip_create
from b2c.tests.trips.helpers import days_ahead, flight_booking, snapshot
from core.testing.factories import CustomerFactory, TravelCompanionFactory
from core.testing.inventory import airport

pytestmark = pytest.mark.django_db

TRIPS = reverse("trips-api:trips")
DEPARTS = dt.datetime(2026, 12, 20, 6, 0, tzinfo=dt.UTC)  # 10:00 in Dubai


def url(name, *args):
    return reverse(f"trips-api:{name}", args=args)


def five_day_trip(customer, **fields) -> Trip:
    values = {
        "customer": customer,
        "name": "Dubai in winter",
        "start_date": days_ahead(10),
        "end_date": days_ahead(14),
    }
    return trip_create(**(values | fields))


def add(customer, trip, day, title, **fields) -> TripActivity:
    return activity_create(
        customer=customer, trip_id=trip.pk, day_date=days_ahead(day), title=title, **fields
    )


def errors(response) -> dict:
    return response.json()["error"]["fields"]


def day_titles(body) -> dict:
    return {day["date"]: [a["title"] for a in day["activities"]] for day in body["days"]}


def test_signing_in_is_needed(api_client):
    assert api_client.get(TRIPS).status_code == 401
    assert api_client.post(TRIPS, {}, format="json").status_code == 401


# Trips ----------------------------------------------------------------------------------------


def test_create_a_five_day_trip(customer_api, customer):
    airport("DXB")
    companion = TravelCompanionFactory(customer=customer)

    response = customer_api.post(
        TRIPS,
        {
            "name": "Dubai in winter",
            "start_date": days_ahead(10).isoformat(),
            "end_date": days_ahead(14).isoformat(),
            "destinations": ["dxb"],
            "companion_ids": [companion.pk],
            "currency": "AED",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    trip = Trip.objects.get()
    assert body["id"] == trip.pk
    assert (body["name"], body["currency"], body["role"], body["destinations"]) == (
        "Dubai in winter", "AED", "owner", ["DXB"])  # fmt: skip
    assert [day["date"] for day in body["days"]] == [
        days_ahead(n).isoformat() for n in range(10, 15)
    ]
    assert all(day["activities"] == [] for day in body["days"])
    assert body["companion_ids"] == [companion.pk]
    assert body["set_aside"] == []
    assert body["members"] == []
    assert body["budget"] == {
        "currency": "AED", "total": "0.00", "by_currency": {}, "unconverted": []}  # fmt: skip
    assert (body["is_shared"], body["share_url"]) == (False, None)
    assert (body["calendar_enabled"], body["calendar_feed_url"]) == (False, None)


def test_dates_out_of_order_are_a_field_error_and_create_nothing(customer_api):
    response = customer_api.post(
        TRIPS,
        {"name": "Backwards", "start_date": days_ahead(14).isoformat(),
         "end_date": days_ahead(10).isoformat()},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert errors(response) == {"end_date": ["The last day must be on or after the first day."]}
    assert not Trip.objects.exists()


@pytest.mark.parametrize("companion", [10**25, -1, "7x", True, 2.5])
def test_a_companion_id_that_cannot_exist_is_a_field_error(customer_api, companion):
    response = customer_api.post(
        TRIPS,
        {"name": "With whom?", "start_date": days_ahead(10).isoformat(),
         "end_date": days_ahead(12).isoformat(), "companion_ids": [companion]},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    (field,) = errors(response)
    assert field.split(".")[0] == "companion_ids"
    assert not Trip.objects.exists()


def test_an_unknown_airport_is_an_error_on_destinations(customer_api):
    response = customer_api.post(
        TRIPS,
        {"name": "Nowhere", "start_date": days_ahead(10).isoformat(),
         "end_date": days_ahead(11).isoformat(), "destinations": ["ZZZ"]},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert errors(response) == {"destinations": ["Unknown airport ZZZ."]}
    assert not Trip.objects.exists()


def test_a_missing_name_is_a_field_error(customer_api):
    response = customer_api.post(TRIPS, {"start_date": "2030-01-01"}, format="json")

    assert response.status_code == 400
    assert set(errors(response)) == {"name", "end_date"}
    assert not Trip.objects.exists()


def test_list_shows_own_and_shared_trips_with_the_role(customer_api, customer):
    mine = five_day_trip(customer, name="Mine")
    friend = CustomerFactory(first_name="Nadia", last_name="Karim")
    theirs = five_day_trip(
        friend, name="Theirs", start_date=days_ahead(20), end_date=days_ahead(21)
    )
    member_invite(customer=friend, trip_id=theirs.pk, email=customer.user.email, role="editor")
    five_day_trip(friend, name="Not shared with me")

    body = customer_api.get(TRIPS).json()

    assert body["count"] == 2
    assert [(t["id"], t["name"], t["role"]) for t in body["results"]] == [
        (mine.pk, "Mine", "owner"),
        (theirs.pk, "Theirs", "editor"),
    ]
    assert body["results"][1]["owner_name"] == "Nadia K."


def test_the_list_takes_as_many_queries_for_one_trip_as_for_many(customer_api, customer):
    airport("DXB")
    five_day_trip(customer, destination_codes=["DXB"])
    with CaptureQueriesContext(connection) as one:
        assert customer_api.get(TRIPS).json()["count"] == 1

    for n in range(6):
        owner = CustomerFactory()
        trip = five_day_trip(owner, name=f"Shared {n}", destination_codes=["DXB"])
        member_invite(customer=owner, trip_id=trip.pk, email=customer.user.email, role="viewer")
        five_day_trip(customer, name=f"Own {n}", destination_codes=["DXB"])
    with CaptureQueriesContext(connection) as many:
        assert customer_api.get(TRIPS).json()["count"] == 13

    assert len(many) == len(one)


def test_another_customers_trip_is_404_and_unchanged(customer_api):
    trip = five_day_trip(CustomerFactory())
    before = snapshot()

    assert customer_api.get(url("trip", trip.pk)).status_code == 404
    patched = customer_api.patch(url("trip", trip.pk), {"name": "Mine now"}, format="json")
    deleted = customer_api.delete(url("trip", trip.pk))

    assert (patched.status_code, deleted.status_code) == (404, 404)
    assert patched.json()["error"]["code"] == "not_found"
    assert customer_api.get(url("trip-calendar", trip.pk)).status_code == 404
    assert customer_api.post(url("sharing", trip.pk), {"shared": True}).status_code == 404
    assert snapshot() == before


def test_a_viewer_cannot_change_the_trip(customer_api, customer):
    owner = CustomerFactory()
    trip = five_day_trip(owner)
    add(owner, trip, 10, "Souk")
    member_invite(customer=owner, trip_id=trip.pk, email=customer.user.email, role="viewer")
    before = snapshot()

    response = customer_api.patch(url("trip", trip.pk), {"name": "Mine"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["You can view this trip but not change it."]
    }
    assert customer_api.delete(url("trip", trip.pk)).status_code == 400
    assert snapshot() == before
    viewed = customer_api.get(url("trip", trip.pk)).json()
    assert viewed["role"] == "viewer"
    assert day_titles(viewed)[days_ahead(10).isoformat()] == ["Souk"]


def test_the_owner_changes_the_budget_currency(customer_api, customer):
    trip = five_day_trip(customer, currency="USD")

    refused = customer_api.patch(url("trip", trip.pk), {"currency": "XYZ"}, format="json")
    changed = customer_api.patch(url("trip", trip.pk), {"currency": "EUR"}, format="json")

    assert refused.status_code == 400
    assert errors(refused) == {"currency": ["XYZ is not a supported currency."]}
    assert changed.status_code == 200
    assert (changed.json()["currency"], changed.json()["budget"]["currency"]) == ("EUR", "EUR")


def test_an_editor_cannot_change_the_dates(customer_api, customer):
    owner = CustomerFactory()
    trip = five_day_trip(owner)
    member_invite(customer=owner, trip_id=trip.pk, email=customer.user.email, role="editor")
    before = snapshot()

    response = customer_api.patch(
        url("trip", trip.pk), {"end_date": days_ahead(11).isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert errors(response) == {"non_field_errors": ["Only the trip's owner can do this."]}
    assert snapshot() == before
    renamed = customer_api.patch(url("trip", trip.pk), {"notes": "Pack light"}, format="json")
    assert (renamed.status_code, renamed.json()["notes"]) == (200, "Pack light")


def test_shortening_sets_activities_aside_and_they_can_be_restored(customer_api, customer):
    trip = five_day_trip(customer)
    souk = add(customer, trip, 14, "Souk")

    shorter = customer_api.patch(
        url("trip", trip.pk), {"end_date": days_ahead(13).isoformat()}, format="json"
    )

    assert shorter.status_code == 200
    body = shorter.json()
    assert len(body["days"]) == 4
    assert [(a["id"], a["set_aside_date"], a["can_restore"]) for a in body["set_aside"]] == [
        (souk.pk, days_ahead(14).isoformat(), False)
    ]
    restored = customer_api.post(
        url("activity-restore", trip.pk, souk.pk), {"day": days_ahead(12).isoformat()}
    )
    assert restored.status_code == 200
    assert (restored.json()["day"], restored.json()["position"]) == (
        days_ahead(12).isoformat(), 0)  # fmt: skip
    assert customer_api.get(url("trip", trip.pk)).json()["set_aside"] == []


def test_delete_a_trip(customer_api, customer):
    trip = five_day_trip(customer)

    assert customer_api.delete(url("trip", trip.pk)).status_code == 204
    assert not Trip.objects.exists()


# Activities -----------------------------------------------------------------------------------


def test_add_an_activity_with_a_time_range_and_cost(customer_api, customer):
    trip = five_day_trip(customer, currency="AED")

    response = customer_api.post(
        url("activities", trip.pk),
        {"day": days_ahead(11).isoformat(), "title": "Desert safari", "place": "Al Marmoom",
         "time_zone": "Asia/Dubai", "start_time": "10:00", "end_time": "12:00",
         "cost": "350.5", "cost_currency": "aed", "booking_reference": "DS-42"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201
    activity = TripActivity.objects.get()
    assert response.json() == {
        "id": activity.pk,
        "kind": "plan",
        "position": 0,
        "title": "Desert safari",
        "place": "Al Marmoom",
        "time_zone": "Asia/Dubai",
        "start_time": "10:00:00",
        "end_time": "12:00:00",
        "notes": "",
        "cost": "350.50",
        "cost_currency": "AED",
        "booking_reference": "DS-42",
        "day": days_ahead(11).isoformat(),
    }
    budget = customer_api.get(url("trip", trip.pk)).json()["budget"]
    assert budget == {"currency": "AED", "total": "350.50", "by_currency": {"AED": "350.50"},
                      "unconverted": []}  # fmt: skip


def test_an_activity_outside_the_dates_is_refused(customer_api, customer):
    trip = five_day_trip(customer)
    before = snapshot()

    response = customer_api.post(
        url("activities", trip.pk),
        {"day": days_ahead(20).isoformat(), "title": "Too late"},
        format="json",
    )

    assert response.status_code == 400
    assert errors(response) == {"day": ["This date is not part of the trip."]}
    assert snapshot() == before


def test_an_unknown_time_zone_is_refused(customer_api, customer):
    trip = five_day_trip(customer)
    before = snapshot()

    response = customer_api.post(
        url("activities", trip.pk),
        {"day": days_ahead(10).isoformat(), "title": "Tea", "time_zone": "Mars/Olympus"},
        format="json",
    )

    assert response.status_code == 400
    assert errors(response) == {"time_zone": ["Choose a time zone from the list."]}
    assert snapshot() == before


def test_patch_changes_only_the_fields_given(customer_api, customer):
    trip = five_day_trip(customer)
    activity = add(customer, trip, 10, "Souk", place="Deira", time_zone="Asia/Dubai",
                   start_time=dt.time(9, 0), notes="Bring cash")  # fmt: skip

    response = customer_api.patch(
        url("activity", trip.pk, activity.pk), {"title": "Gold souk"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["place"], body["start_time"], body["notes"]) == (
        "Gold souk", "Deira", "09:00:00", "Bring cash")  # fmt: skip


def test_an_activity_of_another_trip_is_404_through_this_trip(customer_api, customer):
    mine = five_day_trip(customer)
    other_owner = CustomerFactory()
    elsewhere = add(other_owner, five_day_trip(other_owner), 10, "Not yours")
    own_other_trip = five_day_trip(customer, name="Second")
    own_elsewhere = add(customer, own_other_trip, 10, "Other trip")
    before = snapshot()

    for activity in (elsewhere, own_elsewhere):
        assert (
            customer_api.patch(
                url("activity", mine.pk, activity.pk), {"title": "X"}, format="json"
            ).status_code
            == 404
        )
        assert customer_api.delete(url("activity", mine.pk, activity.pk)).status_code == 404
        assert (
            customer_api.post(
                url("activity-move", mine.pk, activity.pk),
                {"day": days_ahead(10).isoformat(), "position": 0},
            ).status_code
            == 404
        )
    assert snapshot() == before


def test_move_between_days_and_reorder(customer_api, customer):
    trip = five_day_trip(customer)
    breakfast = add(customer, trip, 10, "Breakfast")
    museum = add(customer, trip, 10, "Museum")
    dinner = add(customer, trip, 11, "Dinner")

    moved = customer_api.post(
        url("activity-move", trip.pk, museum.pk),
        {"day": days_ahead(11).isoformat(), "position": 0},
        format="json",
    )

    assert moved.status_code == 200
    assert (moved.json()["day"], moved.json()["position"]) == (days_ahead(11).isoformat(), 0)
    titles = day_titles(customer_api.get(url("trip", trip.pk)).json())
    assert titles[days_ahead(10).isoformat()] == ["Breakfast"]
    assert titles[days_ahead(11).isoformat()] == ["Museum", "Dinner"]

    day = trip.days.get(date=days_ahead(11))
    reordered = customer_api.post(
        url("day-reorder", trip.pk, day.pk), {"activity_ids": [dinner.pk, museum.pk]},
        format="json",
    )  # fmt: skip
    assert reordered.status_code == 200
    assert [a["title"] for a in reordered.json()["activities"]] == ["Dinner", "Museum"]
    assert reordered.json()["date"] == days_ahead(11).isoformat()

    before = snapshot()
    stale = customer_api.post(
        url("day-reorder", trip.pk, day.pk), {"activity_ids": [dinner.pk, breakfast.pk]},
        format="json",
    )  # fmt: skip
    assert stale.status_code == 400
    assert errors(stale) == {
        "activity_ids": ["The day's activities changed; reload and try again."]
    }
    assert snapshot() == before


def test_a_day_of_another_trip_is_404(customer_api, customer):
    mine = five_day_trip(customer)
    other = five_day_trip(CustomerFactory())

    response = customer_api.post(
        url("day-reorder", mine.pk, other.days.first().pk), {"activity_ids": []}, format="json"
    )

    assert response.status_code == 404


def test_delete_an_activity_closes_up_the_day(customer_api, customer):
    trip = five_day_trip(customer)
    first = add(customer, trip, 10, "First")
    add(customer, trip, 10, "Second")

    assert customer_api.delete(url("activity", trip.pk, first.pk)).status_code == 204
    day = customer_api.get(url("trip", trip.pk)).json()["days"][0]
    assert [(a["title"], a["position"]) for a in day["activities"]] == [("Second", 0)]


# Members, sharing, calendar -------------------------------------------------------------------


def test_members_emails_are_for_the_owner_only(customer_api, customer, api_client):
    friend = CustomerFactory(first_name="Omar", last_name="Said")
    trip = five_day_trip(customer)

    invited = customer_api.post(
        url("members", trip.pk), {"email": friend.user.email, "role": "viewer"}, format="json"
    )

    assert invited.status_code == 201
    member = TripMember.objects.get()
    assert invited.json() == {
        "id": member.pk,
        "role": "viewer",
        "name": "Omar S.",
        "email": friend.user.email,
    }
    changed = customer_api.patch(url("member", trip.pk, member.pk), {"role": "editor"})
    assert changed.json()["role"] == "editor"
    owner_view = customer_api.get(url("trip", trip.pk)).json()
    assert owner_view["members"][0]["email"] == friend.user.email

    api_client.force_authenticate(friend.user)
    member_view = api_client.get(url("trip", trip.pk)).json()
    assert member_view["role"] == "editor"
    assert member_view["members"] == [
        {"id": member.pk, "role": "editor", "name": "Omar S.", "email": None}
    ]
    assert (member_view["share_url"], member_view["companion_ids"]) == (None, None)


def test_inviting_an_unknown_email_is_a_field_error(customer_api, customer):
    trip = five_day_trip(customer)

    response = customer_api.post(
        url("members", trip.pk), {"email": "nobody@example.com", "role": "editor"}, format="json"
    )

    assert response.status_code == 400
    assert errors(response) == {"email": ["No Safar customer has this email address."]}
    assert not TripMember.objects.exists()


def test_a_member_of_another_trip_is_404(customer_api, customer):
    trip = five_day_trip(customer)
    owner = CustomerFactory()
    other = five_day_trip(owner)
    stranger = member_invite(
        customer=owner, trip_id=other.pk, email=CustomerFactory().user.email, role="viewer"
    )
    before = snapshot()

    assert (
        customer_api.patch(
            url("member", trip.pk, stranger.pk), {"role": "editor"}, format="json"
        ).status_code
        == 404
    )
    assert customer_api.delete(url("member", trip.pk, stranger.pk)).status_code == 404
    assert snapshot() == before


def test_remove_a_member(customer_api, customer):
    trip = five_day_trip(customer)
    member = member_invite(
        customer=customer, trip_id=trip.pk, email=CustomerFactory().user.email, role="viewer"
    )

    assert customer_api.delete(url("member", trip.pk, member.pk)).status_code == 204
    assert not TripMember.objects.exists()


def test_the_share_link_works_until_unshared_or_reset(customer_api, customer, api_client):
    trip = five_day_trip(customer)
    add(customer, trip, 10, "Souk", booking_reference="SECRET", cost=Decimal(5),
        cost_currency="USD")  # fmt: skip
    member_invite(customer=customer, trip_id=trip.pk, email=CustomerFactory().user.email,
                  role="viewer")  # fmt: skip

    shared = customer_api.post(url("sharing", trip.pk), {"shared": True}, format="json").json()
    trip.refresh_from_db()
    assert shared["is_shared"] is True
    assert shared["share_url"] == f"http://testserver/trips/shared/{trip.share_token}/"

    public = api_client.get(url("trip-shared", trip.share_token))
    assert public.status_code == 200
    body = public.json()
    assert body["name"] == "Dubai in winter"
    assert body["days"][0]["activities"] == [
        {"kind": "plan", "title": "Souk", "place": "", "time_zone": "UTC", "start_time": None,
         "end_time": None, "notes": ""}
    ]  # fmt: skip
    text = public.content.decode()
    assert "SECRET" not in text and "@" not in text and trip.calendar_token not in text

    old_token = trip.share_token
    reset = customer_api.post(url("sharing-reset", trip.pk)).json()
    trip.refresh_from_db()
    assert reset["share_url"].endswith(f"/trips/shared/{trip.share_token}/")
    assert api_client.get(url("trip-shared", old_token)).status_code == 404
    assert api_client.get(url("trip-shared", trip.share_token)).status_code == 200

    customer_api.post(url("sharing", trip.pk), {"shared": False}, format="json")
    assert api_client.get(url("trip-shared", trip.share_token)).status_code == 404


def test_a_member_cannot_share(customer_api, customer):
    owner = CustomerFactory()
    trip = five_day_trip(owner)
    member_invite(customer=owner, trip_id=trip.pk, email=customer.user.email, role="editor")
    before = snapshot()

    response = customer_api.post(url("sharing", trip.pk), {"shared": True}, format="json")

    assert response.status_code == 400
    assert errors(response) == {"non_field_errors": ["Only the trip's owner can do this."]}
    assert snapshot() == before


def test_the_calendar_feed_url_and_its_reset(customer_api, customer):
    trip = five_day_trip(customer)

    on = customer_api.post(url("calendar-feed", trip.pk), {"enabled": True}, format="json")
    trip.refresh_from_db()
    assert on.json()["calendar_enabled"] is True
    assert on.json()["calendar_feed_url"] == (
        f"http://testserver/trips/feed/{trip.calendar_token}.ics"
    )
    old = trip.calendar_token
    reset = customer_api.post(url("calendar-feed-reset", trip.pk)).json()
    trip.refresh_from_db()
    assert trip.calendar_token != old
    assert reset["calendar_feed_url"].endswith(f"/trips/feed/{trip.calendar_token}.ics")
    off = customer_api.post(url("calendar-feed", trip.pk), {"enabled": False}, format="json")
    assert (off.json()["calendar_enabled"], off.json()["calendar_feed_url"]) == (False, None)


@pytest.mark.parametrize("accept", ["text/calendar", "*/*", "application/json"])
def test_the_ics_file_parses_back_with_the_local_time(customer_api, customer, accept):
    airport("DXB")
    trip = five_day_trip(customer, destination_codes=["DXB"])
    activity = add(customer, trip, 11, "Desert safari", start_time=dt.time(10, 0),
                   end_time=dt.time(12, 0))  # fmt: skip

    response = customer_api.get(url("trip-calendar", trip.pk), HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dubai-in-winter.ics"'
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"activity-{activity.pk}@safar"]
    start = events[0].decoded("DTSTART")
    assert (start.replace(tzinfo=None), start.tzinfo.key) == (
        dt.datetime.combine(days_ahead(11), dt.time(10, 0)),
        "Asia/Dubai",
    )


def test_a_strangers_ics_is_404_even_asking_for_a_calendar(customer_api):
    trip = five_day_trip(CustomerFactory())

    response = customer_api.get(url("trip-calendar", trip.pk), HTTP_ACCEPT="text/calendar")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


# Bookings -------------------------------------------------------------------------------------


def test_a_confirmed_booking_makes_a_trip(customer_api, customer):
    booking = flight_booking(customer, [("DXB", "LHR", DEPARTS, 1)])

    response = customer_api.post(
        url("trip-from-booking"), {"booking_id": booking.pk}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["start_date"], body["end_date"]) == (
        "London", "2026-12-20", "2026-12-20")  # fmt: skip
    flight = body["days"][0]["activities"][0]
    assert (flight["kind"], flight["title"], flight["time_zone"], flight["start_time"]) == (
        "flight", "EK1 Dubai → London", "Asia/Dubai", "10:00:00")  # fmt: skip
    assert flight["booking_reference"] == booking.reference


def test_another_customers_booking_is_refused_and_makes_no_trip(customer_api, customer):
    booking = flight_booking(CustomerFactory(), [("DXB", "LHR", DEPARTS, 1)])
    before = snapshot()

    response = customer_api.post(
        url("trip-from-booking"), {"booking_id": booking.pk}, format="json"
    )

    assert response.status_code == 400
    assert errors(response) == {"booking_id": ["This booking is not one of yours."]}
    assert snapshot() == before


def test_a_booking_into_someone_elses_trip_is_an_error_on_trip_id(customer_api, customer):
    booking = flight_booking(customer, [("DXB", "LHR", DEPARTS, 1)])
    theirs = five_day_trip(CustomerFactory())
    before = snapshot()

    response = customer_api.post(
        url("trip-from-booking"), {"booking_id": booking.pk, "trip_id": theirs.pk}, format="json"
    )

    assert response.status_code == 400
    assert errors(response) == {"trip_id": ["This trip does not exist or is not shared with you."]}
    assert snapshot() == before


# Schema ---------------------------------------------------------------------------------------


def test_the_schema_of_these_endpoints_has_no_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    from b2c.api.trips import urlpatterns

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include((urlpatterns, "trips-api")))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS
    paths = schema["paths"]
    assert set(paths["/api/v1/trips/"]) >= {"get", "post"}
    assert set(paths["/api/v1/trips/{trip_id}/"]) >= {"get", "patch", "delete"}
    assert set(paths["/api/v1/trips/{trip_id}/activities/{activity_id}/"]) >= {"patch", "delete"}
    assert "post" in paths["/api/v1/trips/{trip_id}/days/{day_id}/reorder/"]
    assert "post" in paths["/api/v1/trips/from-booking/"]
    assert "security" not in paths["/api/v1/trips/shared/{token}/"]["get"]  # public
    ics = paths["/api/v1/trips/{trip_id}/calendar.ics"]["get"]["responses"]["200"]["content"]
    assert ics == {"text/calendar": {"schema": {"type": "string", "format": "binary"}}}
