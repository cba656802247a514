import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from b2c.models import Trip, TripActivity, TripMember
from b2c.selectors.trips import trip_destinations
from b2c.services.trips import activity_create, member_invite, trip_create
from b2c.tests.trip_pages.helpers import messages_of, planner, titles
from b2c.tests.trips.helpers import days_ahead, snapshot
from core.testing.factories import TravelCompanionFactory
from core.testing.inventory import airport

pytestmark = pytest.mark.django_db


def add(customer, trip, title, day=10, **fields):
    return activity_create(
        customer=customer, trip_id=trip.pk, day_date=days_ahead(day), title=title, **fields
    )


def test_the_list_shows_owned_and_shared_trips_with_the_role(
    owner_client, customer, trip, stranger
):
    theirs = trip_create(
        customer=stranger, name="Their trip", start_date=days_ahead(3), end_date=days_ahead(4)
    )
    member_invite(customer=stranger, trip_id=theirs.pk, email=customer.user.email, role="editor")
    trip_create(customer=stranger, name="Hidden", start_date=days_ahead(3), end_date=days_ahead(4))

    html = owner_client.get(reverse("b2c:trips")).content.decode()

    assert "Dubai in winter" in html and "Their trip" in html
    assert "Hidden" not in html
    assert ">Yours<" in html
    assert ">Can edit days and activities<" in html
    assert f'href="{reverse("b2c:trip-new")}"' in html


def test_a_trip_made_with_the_form_has_its_five_days(owner_client, customer, dubai):
    airport("AUH")
    companion = TravelCompanionFactory(customer=customer, given_names="Sara", surname="Ali")

    response = owner_client.post(
        reverse("b2c:trip-new"),
        {
            "name": "Emirates week", "start_date": days_ahead(20).isoformat(),
            "end_date": days_ahead(24).isoformat(), "destination_codes": "dxb, AUH",
            "companion_ids": [str(companion.pk)], "currency": "AED",
        },
    )  # fmt: skip

    trip = Trip.objects.get()
    assert response.status_code == 302
    assert response.url == planner(trip)
    assert messages_of(response) == ["Trip “Emirates week” created."]
    assert (trip.name, trip.currency, trip.owner) == ("Emirates week", "AED", customer)
    assert [a.iata_code for a in trip_destinations(trip=trip)] == ["DXB", "AUH"]
    assert list(trip.companions.all()) == [companion]
    html = owner_client.get(planner(trip)).content.decode()
    for n, day in enumerate(days_ahead(d) for d in range(20, 25)):
        long_date = f"{day:%A}, {day:%B} {day.day}, {day.year}"
        assert f"Day {n + 1} · {long_date}" in html
    assert "Day 6 ·" not in html
    assert "Sara Ali" in html


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"start_date": 14, "end_date": 10},
            "end_date",
            "The last day must be on or after the first day.",
        ),
        ({"destination_codes": "DXB ZZZ"}, "destination_codes", "Unknown airport ZZZ."),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_made(
    owner_client, dubai, fields, field, message
):
    data = {"name": "Trip", "start_date": 10, "end_date": 12, "destination_codes": "DXB",
            "currency": "USD"} | fields  # fmt: skip
    for name in ("start_date", "end_date"):
        data[name] = days_ahead(data[name]).isoformat()
    before = snapshot()

    response = owner_client.post(reverse("b2c:trip-new"), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert snapshot() == before


def test_an_activity_is_shown_at_its_local_time(owner_client, customer, trip):
    day = days_ahead(11)
    url = reverse("b2c:trip-activity-add", args=[trip.pk, day.isoformat()])

    response = owner_client.post(
        url,
        {
            "title": "Desert safari", "start_time": "10:00", "end_time": "12:00",
            "time_zone": "Asia/Dubai", "place": "Al Marmoom", "cost": "250",
            "cost_currency": "AED", "booking_reference": "DS-42", "notes": "Bring water",
        },
    )  # fmt: skip

    activity = TripActivity.objects.get()
    assert response.status_code == 302
    assert response.url == planner(trip) + f"#activity-{activity.pk}"
    assert (activity.day.date, activity.start_time, activity.end_time, activity.time_zone) == (
        day,
        dt.time(10),
        dt.time(12),
        "Asia/Dubai",
    )
    html = owner_client.get(planner(trip)).content.decode()
    assert '<span class="trip-time" dir="ltr">10:00–12:00</span>' in html
    assert '<span class="meta code" dir="ltr">Asia/Dubai</span>' in html
    assert 'Cost: <span class="trip-cost">AED250.00</span>' in html
    assert '<span class="reference" dir="ltr">DS-42</span>' in html


def test_an_activity_with_an_end_but_no_start_is_refused(owner_client, trip):
    before = snapshot()
    url = reverse("b2c:trip-activity-add", args=[trip.pk, days_ahead(11).isoformat()])

    response = owner_client.post(url, {"title": "Dinner", "end_time": "21:00"})

    assert response.status_code == 400
    form = response.context["days"][1].add_form
    assert form.errors == {"start_time": ["An activity with an end time needs a start time."]}
    assert snapshot() == before


def test_a_day_outside_the_trip_is_not_found(owner_client, trip):
    before = snapshot()
    url = reverse("b2c:trip-activity-add", args=[trip.pk, days_ahead(30).isoformat()])

    assert owner_client.post(url, {"title": "Later"}).status_code == 404
    assert snapshot() == before


def test_editing_an_activity(owner_client, customer, trip):
    activity = add(customer, trip, "Souk")
    url = reverse("b2c:trip-activity-edit", args=[trip.pk, activity.pk])

    assert owner_client.get(url).status_code == 200
    response = owner_client.post(
        url, {"title": "Gold souk", "start_time": "18:00", "time_zone": "Asia/Dubai"}
    )

    activity.refresh_from_db()
    assert response.status_code == 302
    assert (activity.title, activity.start_time) == ("Gold souk", dt.time(18))


def test_up_and_down_buttons_change_the_order(owner_client, customer, trip):
    first, second, third = (add(customer, trip, t) for t in ("Breakfast", "Museum", "Dinner"))
    day = first.day
    move = reverse("b2c:trip-activity-move", args=[trip.pk, third.pk])

    html = owner_client.get(planner(trip)).content.decode()
    assert html.count("Move up") == 2 and html.count("Move down") == 2

    response = owner_client.post(move, {"day_date": day.date.isoformat(), "position": "1"})
    assert response.status_code == 302
    assert titles(day) == ["Breakfast", "Dinner", "Museum"]

    down = reverse("b2c:trip-activity-move", args=[trip.pk, first.pk])
    owner_client.post(down, {"day_date": day.date.isoformat(), "position": "1"})
    assert titles(day) == ["Dinner", "Breakfast", "Museum"]


def test_move_to_another_day_puts_it_last(owner_client, customer, trip):
    souk = add(customer, trip, "Souk", day=10)
    add(customer, trip, "Beach", day=12)
    url = reverse("b2c:trip-activity-move", args=[trip.pk, souk.pk])

    response = owner_client.post(url, {"day_date": days_ahead(12).isoformat()})

    assert response.status_code == 302
    assert titles(trip.days.get(date=days_ahead(12))) == ["Beach", "Souk"]
    assert titles(trip.days.get(date=days_ahead(10))) == []


def test_the_script_moves_and_reorders_with_json(owner_client, customer, trip):
    a, b = add(customer, trip, "A"), add(customer, trip, "B")
    day = a.day
    reorder = reverse("b2c:trip-day-reorder", args=[trip.pk, day.pk])

    response = owner_client.post(
        reorder, {"activity_ids": [b.pk, a.pk]}, headers={"accept": "application/json"}
    )

    assert response.status_code == 200
    assert response.json() == {"ok": True, "message": "The day's order was saved."}
    assert titles(day) == ["B", "A"]


@pytest.mark.parametrize("ids", [["A"], ["A", "A", "B"], ["A", "B", "OTHER"], ["x"]])
def test_a_wrong_id_list_is_refused_and_the_order_stays(owner_client, customer, trip, ids):
    a, b = add(customer, trip, "A"), add(customer, trip, "B")
    other = add(customer, trip, "Other", day=12)
    names = {"A": a.pk, "B": b.pk, "OTHER": other.pk, "x": "x"}
    reorder = reverse("b2c:trip-day-reorder", args=[trip.pk, a.day_id])
    before = snapshot()

    as_json = owner_client.post(
        reorder, {"activity_ids": [names[i] for i in ids]}, headers={"accept": "application/json"}
    )
    as_form = owner_client.post(reorder, {"activity_ids": [names[i] for i in ids]})

    message = "The day's activities changed; reload and try again."
    assert (as_json.status_code, as_json.json()) == (400, {"error": message})
    assert as_form.status_code == 302
    assert messages_of(as_form) == [message]
    assert snapshot() == before
    assert titles(a.day) == ["A", "B"]


def test_a_day_that_leaves_the_trip_sets_its_activity_aside_and_it_comes_back(
    owner_client, customer, trip
):
    safari = add(customer, trip, "Desert safari", day=14)
    edit = reverse("b2c:trip-edit", args=[trip.pk])
    fields = {"name": trip.name, "start_date": days_ahead(10).isoformat(),
              "destination_codes": "DXB", "notes": ""}  # fmt: skip

    response = owner_client.post(edit, fields | {"end_date": days_ahead(12).isoformat()})

    assert response.status_code == 302
    safari.refresh_from_db()
    assert (safari.day, safari.set_aside_date) == (None, days_ahead(14))
    assert TripActivity.objects.count() == 1
    assert messages_of(response)[-1] == (
        "Some activities were on days no longer in the trip: they are kept under “Set aside”."
    )
    html = owner_client.get(planner(trip)).content.decode()
    set_aside = html[html.index('id="set-aside"') :]
    assert "Desert safari" in set_aside
    assert reverse("b2c:trip-activity-restore", args=[trip.pk, safari.pk]) in set_aside

    owner_client.post(edit, fields | {"end_date": days_ahead(14).isoformat()})
    html = owner_client.get(planner(trip)).content.decode()
    assert f'<option value="{days_ahead(14).isoformat()}" selected>' in html
    response = owner_client.post(
        reverse("b2c:trip-activity-restore", args=[trip.pk, safari.pk]),
        {"day_date": days_ahead(14).isoformat()},
    )

    safari.refresh_from_db()
    assert response.status_code == 302
    assert messages_of(response) == ["“Desert safari” is back in the trip."]
    assert (safari.day.date, safari.set_aside_date) == (days_ahead(14), None)
    assert 'id="set-aside"' not in owner_client.get(planner(trip)).content.decode()


def test_the_edit_form_keeps_the_destinations_in_their_order(owner_client, customer, dubai):
    airport("LHR")
    trip = trip_create(
        customer=customer, name="London, then Dubai", start_date=days_ahead(10),
        end_date=days_ahead(12), destination_codes=["LHR", "DXB"],
    )  # fmt: skip
    edit = reverse("b2c:trip-edit", args=[trip.pk])
    assert 'value="LHR DXB"' in owner_client.get(edit).content.decode()

    owner_client.post(
        edit,
        {"name": trip.name, "start_date": days_ahead(10).isoformat(),
         "end_date": days_ahead(12).isoformat(), "destination_codes": "LHR DXB", "notes": ""},
    )  # fmt: skip
    added = activity_create(
        customer=customer, trip_id=trip.pk, day_date=days_ahead(10), title="Tea",
        start_time=dt.time(16),
    )  # fmt: skip

    assert [a.iata_code for a in trip_destinations(trip=trip)] == ["LHR", "DXB"]
    assert added.time_zone == "Europe/London"  # the first destination's


def test_the_edit_form_changes_the_budget_currency(owner_client, customer, trip):
    edit = reverse("b2c:trip-edit", args=[trip.pk])
    assert '<option value="AED" selected>' in owner_client.get(edit).content.decode()

    response = owner_client.post(
        edit,
        {"name": trip.name, "start_date": trip.start_date.isoformat(),
         "end_date": trip.end_date.isoformat(), "destination_codes": "DXB", "currency": "EUR",
         "notes": ""},
    )  # fmt: skip

    trip.refresh_from_db()
    assert response.status_code == 302
    assert trip.currency == "EUR"


def test_dates_out_of_order_on_edit_change_nothing(owner_client, customer, trip):
    add(customer, trip, "Souk", day=14)
    before = snapshot()

    response = owner_client.post(
        reverse("b2c:trip-edit", args=[trip.pk]),
        {"name": "New", "start_date": days_ahead(14).isoformat(),
         "end_date": days_ahead(10).isoformat(), "destination_codes": "DXB"},
    )  # fmt: skip

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "end_date": ["The last day must be on or after the first day."]
    }
    assert snapshot() == before


def test_deleting_a_trip_asks_first(owner_client, trip):
    url = reverse("b2c:trip-delete", args=[trip.pk])

    assert "Delete “Dubai in winter”?" in owner_client.get(url).content.decode()
    response = owner_client.post(url)

    assert response.url == reverse("b2c:trips")
    assert not Trip.objects.exists()


# Members: viewers read, strangers find nothing ---------------------------------------------------


@pytest.fixture
def viewer_client(client, trip, customer, stranger):
    member_invite(customer=customer, trip_id=trip.pk, email=stranger.user.email, role="viewer")
    client.force_login(stranger.user)
    return client


def test_a_viewer_sees_no_edit_controls(viewer_client, customer, trip):
    add(customer, trip, "Souk")

    html = viewer_client.get(planner(trip)).content.decode()

    assert "Souk" in html
    assert "you can view it" in html
    for control in (
        "Move up",
        "Move down",
        "Add an activity",
        "trips.js",
        "Edit the trip",
        "Invite someone",
        "Share by link",
        "draggable",
        customer.user.email,
    ):
        assert control not in html, control  # fmt: skip


def test_a_viewer_cannot_change_anything(viewer_client, customer, trip):
    souk = add(customer, trip, "Souk")
    add(customer, trip, "Beach")
    day = days_ahead(10).isoformat()
    before = snapshot()

    posts = [
        (reverse("b2c:trip-activity-add", args=[trip.pk, day]), {"title": "Mine"}),
        (reverse("b2c:trip-activity-edit", args=[trip.pk, souk.pk]), {"title": "Mine"}),
        (reverse("b2c:trip-activity-delete", args=[trip.pk, souk.pk]), {}),
        (
            reverse("b2c:trip-activity-move", args=[trip.pk, souk.pk]),
            {"day_date": day, "position": 1},
        ),
        (reverse("b2c:trip-day-reorder", args=[trip.pk, souk.day_id]), {"activity_ids": []}),
        (reverse("b2c:trip-edit", args=[trip.pk]), {"name": "Mine"}),
        (reverse("b2c:trip-delete", args=[trip.pk]), {}),
        (reverse("b2c:trip-share", args=[trip.pk]), {"action": "on"}),
        (reverse("b2c:trip-calendar", args=[trip.pk]), {"action": "on"}),
        (
            reverse("b2c:trip-member-invite", args=[trip.pk]),
            {"email": "x@example.com", "role": "editor"},
        ),
    ]
    for url, data in posts:
        assert viewer_client.post(url, data).status_code == 403, url
    assert viewer_client.get(reverse("b2c:trip-edit", args=[trip.pk])).status_code == 403
    assert snapshot() == before


def test_an_editor_changes_activities_but_not_the_trip(client, customer, trip, stranger):
    member_invite(customer=customer, trip_id=trip.pk, email=stranger.user.email, role="editor")
    client.force_login(stranger.user)
    url = reverse("b2c:trip-activity-add", args=[trip.pk, days_ahead(10).isoformat()])

    assert client.post(url, {"title": "Spa"}).status_code == 302
    html = client.get(planner(trip)).content.decode()
    assert "Add an activity" in html and "Edit the trip" not in html
    assert client.get(reverse("b2c:trip-edit", args=[trip.pk])).status_code == 403
    assert [a.title for a in TripActivity.objects.all()] == ["Spa"]


def test_a_member_may_leave(viewer_client, trip, stranger):
    member = TripMember.objects.get()

    response = viewer_client.post(reverse("b2c:trip-member-remove", args=[trip.pk, member.pk]))

    assert response.url == reverse("b2c:trips")
    assert not TripMember.objects.exists()


def test_the_owner_invites_changes_roles_and_removes(owner_client, trip, stranger):
    invite = reverse("b2c:trip-member-invite", args=[trip.pk])

    response = owner_client.post(invite, {"email": stranger.user.email, "role": "viewer"})
    again = owner_client.post(invite, {"email": stranger.user.email, "role": "viewer"})
    nobody = owner_client.post(invite, {"email": "nobody@example.com", "role": "viewer"})

    member = TripMember.objects.get()
    assert (member.customer, member.role) == (stranger, "viewer")
    assert response.url == planner(trip) + "#members"
    # A refusal shows the planner again, the address as typed and the reason beside it.
    assert (again.status_code, nobody.status_code) == (400, 400)
    assert again.context["invite_form"].errors == {
        "email": ["This person is already invited to the trip."]
    }
    assert nobody.context["invite_form"].errors == {
        "email": ["No Safar customer has this email address."]
    }
    assert 'value="nobody@example.com"' in nobody.content.decode()
    assert TripMember.objects.count() == 1
    assert stranger.user.email in owner_client.get(planner(trip)).content.decode()

    owner_client.post(
        reverse("b2c:trip-member-role", args=[trip.pk, member.pk]), {"role": "editor"}
    )
    member.refresh_from_db()
    assert member.role == "editor"

    owner_client.post(reverse("b2c:trip-member-remove", args=[trip.pk, member.pk]))
    assert not TripMember.objects.exists()


def test_a_stranger_finds_no_trip(client, customer, trip, stranger):
    souk = add(customer, trip, "Souk")
    client.force_login(stranger.user)
    before = snapshot()
    day = days_ahead(10).isoformat()

    gets = ["b2c:trip", "b2c:trip-edit", "b2c:trip-delete", "b2c:trip-print", "b2c:trip-ics"]
    for name in gets:
        assert client.get(reverse(name, args=[trip.pk])).status_code == 404, name
    assert client.get(reverse("b2c:trip-activity-edit", args=[trip.pk, souk.pk])).status_code == 404
    posts = [
        reverse("b2c:trip-activity-add", args=[trip.pk, day]),
        reverse("b2c:trip-activity-edit", args=[trip.pk, souk.pk]),
        reverse("b2c:trip-activity-delete", args=[trip.pk, souk.pk]),
        reverse("b2c:trip-activity-move", args=[trip.pk, souk.pk]),
        reverse("b2c:trip-activity-restore", args=[trip.pk, souk.pk]),
        reverse("b2c:trip-day-reorder", args=[trip.pk, souk.day_id]),
        reverse("b2c:trip-edit", args=[trip.pk]),
        reverse("b2c:trip-delete", args=[trip.pk]),
        reverse("b2c:trip-share", args=[trip.pk]),
        reverse("b2c:trip-calendar", args=[trip.pk]),
        reverse("b2c:trip-member-invite", args=[trip.pk]),
    ]
    for url in posts:
        response = client.post(url, {"title": "x", "day_date": day, "action": "on"})
        assert response.status_code == 404, url
    assert snapshot() == before


def test_an_activity_of_another_trip_is_not_found_through_mine(
    owner_client, customer, trip, stranger
):
    other = trip_create(
        customer=stranger, name="Theirs", start_date=days_ahead(3), end_date=days_ahead(4)
    )
    theirs = activity_create(customer=stranger, trip_id=other.pk, day_date=days_ahead(3), title="X")
    before = snapshot()

    url = reverse("b2c:trip-activity-delete", args=[trip.pk, theirs.pk])

    assert owner_client.post(url).status_code == 404
    assert snapshot() == before


def test_pages_need_a_sign_in(client, trip):
    response = client.get(planner(trip))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_script_moves_an_activity_to_another_day(owner_client, customer, trip):
    souk = add(customer, trip, "Souk", day=10)
    add(customer, trip, "Beach", day=12)
    url = reverse("b2c:trip-activity-move", args=[trip.pk, souk.pk])

    response = owner_client.post(
        url,
        {"day_date": days_ahead(12).isoformat(), "position": "0"},
        headers={"accept": "application/json"},
    )

    assert (response.status_code, response.json()) == (
        200,
        {"ok": True, "message": "“Souk” moved."},
    )
    assert titles(trip.days.get(date=days_ahead(12))) == ["Souk", "Beach"]


def test_a_move_to_a_date_outside_the_trip_is_refused(owner_client, customer, trip):
    souk = add(customer, trip, "Souk")
    url = reverse("b2c:trip-activity-move", args=[trip.pk, souk.pk])
    before = snapshot()

    response = owner_client.post(
        url,
        {"day_date": days_ahead(30).isoformat(), "position": "0"},
        headers={"accept": "application/json"},
    )

    assert (response.status_code, response.json()) == (
        400,
        {"error": "This date is not part of the trip."},
    )
    assert snapshot() == before


def test_a_flight_keeps_its_times_and_only_its_notes_and_cost_change(owner_client, customer):
    from b2c.services.trips import trip_attach_booking
    from b2c.tests.trips.helpers import flight_booking

    booking = flight_booking(
        customer, [("DXB", "LHR", dt.datetime(2026, 12, 20, 6, 0, tzinfo=dt.UTC), 1)]
    )
    trip = trip_attach_booking(customer=customer, booking_id=booking.pk)
    flight = TripActivity.objects.get()
    url = reverse("b2c:trip-activity-edit", args=[trip.pk, flight.pk])

    page = owner_client.get(url).content.decode()
    assert 'name="title"' not in page and 'name="notes"' in page
    response = owner_client.post(
        url, {"title": "Mine", "start_time": "03:00", "notes": "Window seat", "cost": "20",
              "cost_currency": "USD"},
    )  # fmt: skip

    flight.refresh_from_db()
    assert response.status_code == 302
    assert (flight.title, flight.start_time, flight.notes, flight.cost, flight.cost_currency) == (
        "EK1 Dubai → London",
        dt.time(10),
        "Window seat",
        Decimal("20.000"),
        "USD",
    )
