import datetime as dt
from decimal import Decimal

import pytest

from b2c.models import Trip, TripActivity, TripMember
from b2c.selectors.trips import (
    TripNotFound,
    trip_days_with_activities,
    trip_for_share_token,
    trip_set_aside,
)
from b2c.services.trips import (
    activity_create,
    activity_delete,
    activity_move,
    activity_reorder,
    activity_restore,
    activity_update,
    member_invite,
    member_role_set,
    trip_create,
    trip_share,
    trip_share_reset,
    trip_update,
)
from b2c.tests.trips.helpers import days_ahead, snapshot
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory, TravelCompanionFactory
from core.testing.inventory import airport

pytestmark = pytest.mark.django_db


def five_day_trip(customer, **fields) -> Trip:
    values = {
        "customer": customer,
        "name": "Dubai in winter",
        "start_date": days_ahead(10),
        "end_date": days_ahead(14),
    }
    values.update(fields)
    return trip_create(**values)


def titles_by_day(trip):
    return {
        day.date: [a.title for a in day.activities.all()]
        for day in trip_days_with_activities(trip=trip)
    }


def test_a_five_day_trip_has_five_days(customer):
    airport("DXB")
    companion = TravelCompanionFactory(customer=customer)

    trip = five_day_trip(
        customer, destination_codes=["dxb"], companion_ids=[companion.pk], currency="AED"
    )

    assert [d.date for d in trip.days.order_by("date")] == [days_ahead(n) for n in range(10, 15)]
    assert (trip.owner, trip.name, trip.currency) == (customer, "Dubai in winter", "AED")
    assert [a.iata_code for a in trip.destinations.all()] == ["DXB"]
    assert list(trip.companions.all()) == [companion]


def test_the_currency_defaults_to_the_customers(customer):
    customer.preferred_currency = "GBP"
    customer.save()

    assert five_day_trip(customer).currency == "GBP"


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (14, 10, "end_date", "The last day must be on or after the first day."),
        (10, 70, "end_date", "A trip can be at most 60 days long."),
        (-5, -1, "end_date", "The trip cannot end in the past."),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_created(customer, start, end, field, message):
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        five_day_trip(customer, start_date=days_ahead(start), end_date=days_ahead(end))

    assert refused.value.message == message
    assert refused.value.extra == {field: [message]}
    assert snapshot() == before


def test_sixty_days_is_allowed(customer):
    trip = five_day_trip(customer, start_date=days_ahead(1), end_date=days_ahead(60))

    assert trip.days.count() == 60


def test_unknown_airports_and_other_peoples_companions_are_refused(customer):
    strangers = TravelCompanionFactory(customer=CustomerFactory())
    before = snapshot()

    with pytest.raises(ApplicationError) as unknown:
        five_day_trip(customer, destination_codes=["ZZZ"])
    with pytest.raises(ApplicationError) as companion:
        five_day_trip(customer, companion_ids=[strangers.pk])

    assert unknown.value.extra == {"destination_codes": ["Unknown airport ZZZ."]}
    assert companion.value.extra == {"companion_ids": ["Choose from your own travel companions."]}
    assert snapshot() == before


def test_shrinking_the_dates_sets_activities_aside_and_they_come_back(customer):
    trip = five_day_trip(customer)
    kept = activity_create(
        customer=customer, trip_id=trip.pk, day_date=days_ahead(10), title="Souk"
    )
    aside = activity_create(
        customer=customer, trip_id=trip.pk, day_date=days_ahead(14), title="Desert safari"
    )

    trip = trip_update(customer=customer, trip_id=trip.pk, end_date=days_ahead(12))

    aside.refresh_from_db()
    assert [d.date for d in trip.days.order_by("date")] == [days_ahead(n) for n in (10, 11, 12)]
    assert (aside.day, aside.set_aside_date) == (None, days_ahead(14))
    assert TripActivity.objects.filter(pk=kept.pk, day__date=days_ahead(10)).exists()
    assert [(a.pk, a.can_restore) for a in trip_set_aside(trip=trip)] == [(aside.pk, False)]

    trip = trip_update(customer=customer, trip_id=trip.pk, end_date=days_ahead(14))
    assert [(a.pk, a.can_restore) for a in trip_set_aside(trip=trip)] == [(aside.pk, True)]

    activity_restore(customer=customer, activity_id=aside.pk, day_date=days_ahead(14))

    aside.refresh_from_db()
    assert (aside.day.date, aside.set_aside_date, aside.position) == (days_ahead(14), None, 0)
    assert trip_set_aside(trip=trip) == []
    assert TripActivity.objects.count() == 2


def test_moving_the_trip_later_adds_and_removes_days(customer):
    trip = five_day_trip(customer)

    trip_update(
        customer=customer, trip_id=trip.pk, start_date=days_ahead(12), end_date=days_ahead(17)
    )

    trip.refresh_from_db()
    assert (trip.start_date, trip.end_date) == (days_ahead(12), days_ahead(17))
    assert [d.date for d in trip.days.order_by("date")] == [days_ahead(n) for n in range(12, 18)]


def test_dates_out_of_order_on_update_change_nothing(customer):
    trip = five_day_trip(customer)
    activity_create(customer=customer, trip_id=trip.pk, day_date=days_ahead(14), title="Souk")
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        trip_update(customer=customer, trip_id=trip.pk, end_date=days_ahead(9))

    assert refused.value.extra == {"end_date": ["The last day must be on or after the first day."]}
    assert snapshot() == before


def test_an_activity_outside_the_dates_is_refused(customer):
    trip = five_day_trip(customer)
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        activity_create(customer=customer, trip_id=trip.pk, day_date=days_ahead(15), title="Late")

    assert refused.value.message == "This date is not part of the trip."
    assert refused.value.extra == {"day_date": ["This date is not part of the trip."]}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "extra"),
    [
        ({"title": " "}, {"title": ["Say what the activity is."]}),
        ({"time_zone": "Mars/Olympus"}, {"time_zone": ["Choose a time zone from the list."]}),
        # A folder of zones is not a zone (it used to be a 500).
        ({"time_zone": "America"}, {"time_zone": ["Choose a time zone from the list."]}),
        ({"time_zone": "Etc"}, {"time_zone": ["Choose a time zone from the list."]}),
        (
            {"cost": Decimal("-1"), "cost_currency": "USD"},
            {"cost": ["The cost cannot be negative."]},
        ),
        ({"cost": Decimal("10")}, {"cost_currency": ["Choose the currency of the cost."]}),
        (
            {"end_time": dt.time(11)},
            {"start_time": ["An activity with an end time needs a start time."]},
        ),
    ],
)
def test_bad_activities_are_refused(customer, fields, extra):
    trip = five_day_trip(customer)
    before = snapshot()
    values = {"title": "Souk"} | fields

    with pytest.raises(ApplicationError) as refused:
        activity_create(customer=customer, trip_id=trip.pk, day_date=days_ahead(10), **values)

    assert refused.value.extra == extra
    assert snapshot() == before


def test_an_activity_is_stored_as_given_with_the_cost_rounded(customer):
    airport("DXB")
    trip = five_day_trip(customer, destination_codes=["DXB"])

    activity = activity_create(
        customer=customer,
        trip_id=trip.pk,
        day_date=days_ahead(11),
        title="Burj Khalifa",
        place="Downtown",
        start_time=dt.time(18, 30),
        end_time=dt.time(20),
        cost=Decimal("12.345"),
        cost_currency="kwd",
        booking_reference="BK-1",
    )

    activity.refresh_from_db()
    assert (activity.time_zone, activity.start_time, activity.end_time) == (
        "Asia/Dubai",
        dt.time(18, 30),
        dt.time(20),
    )
    assert (activity.cost, activity.cost_currency) == (Decimal("12.345"), "KWD")
    cheap = activity_create(
        customer=customer,
        trip_id=trip.pk,
        day_date=days_ahead(11),
        title="Tea",
        time_zone="Europe/London",
        cost=Decimal("2.345"),
        cost_currency="USD",
    )
    assert (cheap.cost, cheap.time_zone, cheap.position) == (Decimal("2.34"), "Europe/London", 1)


def test_with_no_destination_activities_are_in_utc(customer):
    trip = five_day_trip(customer)

    activity = activity_create(
        customer=customer, trip_id=trip.pk, day_date=days_ahead(10), title="Walk"
    )

    assert activity.time_zone == "UTC"


def test_someone_elses_trip_is_not_found(customer):
    trip = five_day_trip(CustomerFactory())
    before = snapshot()

    with pytest.raises(TripNotFound):
        activity_create(customer=customer, trip_id=trip.pk, day_date=days_ahead(10), title="X")
    with pytest.raises(TripNotFound):
        trip_update(customer=customer, trip_id=trip.pk, name="Mine now")
    with pytest.raises(TripNotFound):
        trip_update(customer=customer, trip_id=999999, name="Nothing")

    assert snapshot() == before


def test_a_viewer_cannot_edit_and_an_editor_cannot_change_dates(customer):
    owner = CustomerFactory()
    trip = five_day_trip(owner)
    activity = activity_create(
        customer=owner, trip_id=trip.pk, day_date=days_ahead(10), title="Souk"
    )
    member = member_invite(
        customer=owner, trip_id=trip.pk, email=customer.user.email.upper(), role="viewer"
    )
    before = snapshot()

    with pytest.raises(ApplicationError) as viewer:
        activity_create(customer=customer, trip_id=trip.pk, day_date=days_ahead(10), title="X")
    with pytest.raises(ApplicationError):
        activity_update(customer=customer, activity_id=activity.pk, title="Changed")
    with pytest.raises(ApplicationError):
        activity_delete(customer=customer, activity_id=activity.pk)
    assert viewer.value.message == "You can view this trip but not change it."
    assert snapshot() == before

    member_role_set(customer=owner, trip_id=trip.pk, member_id=member.pk, role="editor")
    before = snapshot()
    with pytest.raises(ApplicationError) as editor:
        trip_update(customer=customer, trip_id=trip.pk, end_date=days_ahead(11))
    with pytest.raises(ApplicationError) as currency:
        trip_update(customer=customer, trip_id=trip.pk, currency="EUR")
    assert editor.value.message == "Only the trip's owner can do this."
    assert currency.value.message == "Only the trip's owner can do this."
    assert snapshot() == before

    activity_update(customer=customer, activity_id=activity.pk, title="Gold souk")
    activity.refresh_from_db()
    assert activity.title == "Gold souk"


def test_the_owner_changes_the_budget_currency_to_a_supported_one(customer):
    trip = five_day_trip(customer, currency="USD")
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        trip_update(customer=customer, trip_id=trip.pk, currency="XYZ", name="Renamed")

    assert refused.value.extra == {"currency": ["XYZ is not a supported currency."]}
    assert snapshot() == before
    assert trip_update(customer=customer, trip_id=trip.pk, currency="aed").currency == "AED"


def test_invitations_are_for_other_existing_customers_once(customer):
    trip = five_day_trip(customer)
    friend = CustomerFactory()
    member_invite(customer=customer, trip_id=trip.pk, email=friend.user.email, role="editor")
    before = snapshot()

    for email, message in [
        ("nobody@example.com", "No Safar customer has this email address."),
        (customer.user.email, "This is your own trip."),
        (friend.user.email, "This person is already invited to the trip."),
    ]:
        with pytest.raises(ApplicationError) as refused:
            member_invite(customer=customer, trip_id=trip.pk, email=email, role="viewer")
        assert refused.value.extra == {"email": [message]}
    assert snapshot() == before
    assert list(TripMember.objects.values_list("customer", "role")) == [(friend.pk, "editor")]


def test_move_and_reorder_keep_positions_in_order(customer):
    trip = five_day_trip(customer)
    first, second, third = (
        activity_create(customer=customer, trip_id=trip.pk, day_date=days_ahead(10), title=t)
        for t in ("A", "B", "C")
    )

    activity_move(customer=customer, activity_id=first.pk, day_date=days_ahead(11), position=0)
    assert titles_by_day(trip)[days_ahead(10)] == ["B", "C"]
    assert titles_by_day(trip)[days_ahead(11)] == ["A"]

    activity_move(customer=customer, activity_id=first.pk, day_date=days_ahead(10), position=1)
    assert titles_by_day(trip)[days_ahead(10)] == ["B", "A", "C"]

    day = trip.days.get(date=days_ahead(10))
    activity_reorder(customer=customer, day_id=day.pk, activity_ids=[third.pk, second.pk, first.pk])
    assert list(
        TripActivity.objects.filter(day=day).order_by("position").values_list("title", "position")
    ) == [("C", 0), ("B", 1), ("A", 2)]

    before = snapshot()
    with pytest.raises(ApplicationError):
        activity_reorder(customer=customer, day_id=day.pk, activity_ids=[third.pk, second.pk])
    assert snapshot() == before

    activity_delete(customer=customer, activity_id=third.pk)
    assert list(
        TripActivity.objects.filter(day=day).order_by("position").values_list("title", "position")
    ) == [("B", 0), ("A", 1)]


def test_a_new_share_link_revokes_the_old_one(customer):
    trip = five_day_trip(customer)
    trip_share(customer=customer, trip_id=trip.pk)
    old = Trip.objects.get(pk=trip.pk).share_token
    assert trip_for_share_token(token=old) == trip

    trip_share_reset(customer=customer, trip_id=trip.pk)

    with pytest.raises(TripNotFound):
        trip_for_share_token(token=old)
    assert trip_for_share_token(token=Trip.objects.get(pk=trip.pk).share_token) == trip


def test_new_activities_take_the_first_destinations_time_zone(customer):
    airport("DXB")
    airport("LHR")
    trip = five_day_trip(customer, destination_codes=["LHR", "DXB"])

    activity = activity_create(
        customer=customer, trip_id=trip.pk, day_date=days_ahead(10), title="Walk"
    )

    assert activity.time_zone == "Europe/London"
