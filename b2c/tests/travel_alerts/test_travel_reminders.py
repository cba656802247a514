import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from freezegun import freeze_time

from b2c.models import TravelAlert
from b2c.services.travel_alerts import travel_reminders_send
from b2c.tests.travel_alerts.helpers import DEPARTURE, NOW, flight_fare, paid_booking
from bookings.models import Booking
from core.formatting import format_moment
from core.testing.factories import CustomerFactory
from flights.models import Flight
from notifications.models import Kind, Notification, OutboxMessage

pytestmark = pytest.mark.django_db

Reminder = TravelAlert.Reminder
CHECK_IN_OPENS = DEPARTURE - dt.timedelta(hours=48)  # 8 March 04:00 UTC
DAY_BEFORE = DEPARTURE - dt.timedelta(hours=24)
HOURS_BEFORE = DEPARTURE - dt.timedelta(hours=3)  # 10 March 01:00 UTC
SECOND = dt.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def fare(db):
    return flight_fare()


@pytest.fixture
def booking(customer, fare):
    return paid_booking(customer)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One pass at `now`, the outbox delivering after the commit as it does live."""

    def run_at(now):
        with django_capture_on_commit_callbacks(execute=True):
            return travel_reminders_send(now=now)

    return run_at


def reminders():
    return list(
        TravelAlert.objects.filter(kind=TravelAlert.Kind.REMINDER)
        .order_by("pk")
        .values_list("reminder", flat=True)
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (CHECK_IN_OPENS - SECOND, []),
        (CHECK_IN_OPENS, [Reminder.CHECK_IN]),
        (DAY_BEFORE - SECOND, [Reminder.CHECK_IN]),
        (DAY_BEFORE, [Reminder.DAY]),
        (HOURS_BEFORE, [Reminder.HOURS]),
        (DEPARTURE - SECOND, [Reminder.HOURS]),
        (DEPARTURE, []),
    ],
)
def test_the_reminder_due_at_each_moment(booking, now, expected):
    assert travel_reminders_send(now=now) == len(expected)

    assert reminders() == expected


def test_each_moment_is_told_once_and_a_rerun_adds_nothing(booking, customer, run):
    told = [
        (run(moment), run(moment + dt.timedelta(minutes=5)))
        for moment in (CHECK_IN_OPENS, DAY_BEFORE, HOURS_BEFORE)
    ]

    assert told == [(1, 0), (1, 0), (1, 0)]
    assert reminders() == [Reminder.CHECK_IN, Reminder.DAY, Reminder.HOURS]
    alert = TravelAlert.objects.get(reminder=Reminder.DAY)
    assert (alert.customer, alert.booking, alert.flight_id, alert.state) == (
        customer,
        booking,
        booking.segments.get().flight_id,
        TravelAlert.State.INFO,
    )
    assert alert.dedupe_key == f"reminder:{booking.pk}:{alert.flight_id}:1899345600:24h"
    assert Notification.objects.filter(user=customer.user).count() == 3
    assert len(mail.outbox) == 3


def test_after_a_gap_only_the_latest_reminder_is_told(booking, run):
    assert run(DEPARTURE - dt.timedelta(hours=2)) == 1

    assert reminders() == [Reminder.HOURS]


def test_the_reminder_tells_the_flight_route_local_time_and_booking(booking, customer, run):
    run(CHECK_IN_OPENS)

    notification = Notification.objects.get(user=customer.user)
    assert notification.kind == Kind.TRAVEL_REMINDER
    assert notification.title == "Check-in is open for EK1 DXB → LHR"
    # 04:00 UTC is 08:00 in Dubai, where the flight leaves.
    assert notification.body == "EK1 leaves DXB → LHR at Mar 10, 2030, 8:00\u202fAM local time."
    assert notification.url == f"/confirmation/{booking.pk}/"
    email = mail.outbox[0]
    assert email.to == [customer.user.email]
    assert email.subject == "Check-in is open for EK1 DXB → LHR"
    assert f"Booking reference: {booking.reference}" in email.body
    assert "Departure (local time): Mar 10, 2030, 8:00\u202fAM" in email.body
    assert f"Your booking: {settings.SITE_URL}/confirmation/{booking.pk}/" in email.body
    assert f'href="{settings.SITE_URL}/confirmation/{booking.pk}/"' in email.alternatives[0][0]
    assert email.extra_headers["Content-Language"] == "en"


def test_the_email_is_in_the_customers_language(fare, run):
    customer = CustomerFactory()
    customer.preferred_language = "ar"
    customer.save()
    paid_booking(customer)

    run(DAY_BEFORE)

    email = mail.outbox[0]
    assert email.extra_headers["Content-Language"] == "ar"
    html = email.alternatives[0][0]
    assert 'lang="ar" dir="rtl"' in html
    with translation.override("ar"):
        local = format_moment(DEPARTURE, tz="Asia/Dubai")
    assert local in email.body
    assert local in Notification.objects.get(user=customer.user).body


def test_cancelled_bookings_and_flights_get_no_reminder(fare, run):
    cancelled = paid_booking(CustomerFactory())
    Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CANCELLED)
    kept = paid_booking(CustomerFactory())
    cheaper = flight_fare(number=2, base="300.00")
    on_cancelled_flight = paid_booking(CustomerFactory())
    assert on_cancelled_flight.segments.get().flight_id == cheaper.flight_id
    Flight.objects.filter(pk=cheaper.flight_id).update(status=Flight.Status.CANCELLED)

    assert run(CHECK_IN_OPENS) == 1

    assert TravelAlert.objects.get().booking == kept


def test_a_retimed_flight_gets_fresh_reminders(booking, fare, run):
    run(CHECK_IN_OPENS)
    later = DEPARTURE + dt.timedelta(hours=6)
    Flight.objects.filter(pk=fare.flight_id).update(
        departure_at=later, arrival_at=later + dt.timedelta(hours=8)
    )

    assert run(CHECK_IN_OPENS + dt.timedelta(minutes=5)) == 0  # the new time is not due yet
    assert run(later - dt.timedelta(hours=48)) == 1
    assert reminders() == [Reminder.CHECK_IN, Reminder.CHECK_IN]


def test_a_pass_with_nothing_due_costs_the_same_queries_for_1_and_3_bookings(
    fare, django_assert_num_queries
):
    paid_booking(CustomerFactory())
    travel_reminders_send(now=CHECK_IN_OPENS)
    with django_assert_num_queries(2):  # the segments, their existing reminders
        assert travel_reminders_send(now=CHECK_IN_OPENS) == 0

    paid_booking(CustomerFactory())
    paid_booking(CustomerFactory())
    travel_reminders_send(now=CHECK_IN_OPENS)
    with django_assert_num_queries(2):
        assert travel_reminders_send(now=CHECK_IN_OPENS) == 0
    with django_assert_num_queries(1):  # nothing in reach
        assert travel_reminders_send(now=CHECK_IN_OPENS - SECOND) == 0


def test_a_reminder_turned_off_is_not_sent_but_still_recorded_once(booking, customer, run):
    from notifications.services import preferences_set

    preferences_set(user=customer.user, values={(Kind.TRAVEL_REMINDER, "email"): False})

    run(CHECK_IN_OPENS)

    assert mail.outbox == []
    assert Notification.objects.filter(user=customer.user).count() == 1
    assert OutboxMessage.objects.filter(channel="email").count() == 0


def test_the_command_runs_one_pass(booking, frozen):
    frozen.move_to(CHECK_IN_OPENS)

    call_command("send_travel_reminders")

    assert reminders() == [Reminder.CHECK_IN]


def test_check_in_opening_hours_are_a_setting(booking, settings):
    settings.CHECK_IN_OPENS_HOURS = 30

    assert travel_reminders_send(now=DEPARTURE - dt.timedelta(hours=30, seconds=1)) == 0
    assert travel_reminders_send(now=DEPARTURE - dt.timedelta(hours=30)) == 1
    assert reminders() == [Reminder.CHECK_IN]
