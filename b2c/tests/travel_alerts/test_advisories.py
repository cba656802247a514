import datetime as dt

import pytest
from django.core import mail
from freezegun import freeze_time

from b2c.models import TravelAlert
from b2c.services.travel_alerts import advisories_notify, advisory_publish
from b2c.tests.travel_alerts.helpers import DEPARTURE, NOW, flight_fare, held_booking, paid_booking
from bookings.models import Booking
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory, UserFactory
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

FROZEN = dt.datetime(2030, 3, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def publish(staff, **changes):
    values = {
        "staff_user": staff, "country": "GB", "severity": TravelAlert.Severity.CAUTION,
        "title": "Rail strikes in London", "body": "Trains from Heathrow may not run.",
    } | changes  # fmt: skip
    return advisory_publish(**values)


def test_an_advisory_is_recorded_as_posted(staff):
    advisory = publish(staff, valid_until=FROZEN + dt.timedelta(days=7))

    stored = TravelAlert.objects.get()
    assert stored == advisory
    assert (
        stored.kind, stored.country.code, stored.severity, stored.title, stored.body,
        stored.valid_from, stored.valid_until, stored.posted_by, stored.customer,
    ) == (
        TravelAlert.Kind.ADVISORY, "GB", "caution", "Rail strikes in London",
        "Trains from Heathrow may not run.", FROZEN, FROZEN + dt.timedelta(days=7), staff, None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"title": "  "}, {"title": ["Give the advisory a title."]}),
        ({"body": ""}, {"body": ["Write what travellers should know."]}),
        ({"country": "XX"}, {"country": ["Choose a country."]}),
        ({"severity": "panic"}, {"severity": ["Choose how serious the advisory is."]}),
        (
            {
                "valid_from": FROZEN + dt.timedelta(days=2),
                "valid_until": FROZEN + dt.timedelta(days=1),
            },
            {"valid_until": ["The end must be after the start."]},
        ),
        (
            {
                "valid_from": FROZEN - dt.timedelta(days=2),
                "valid_until": FROZEN - dt.timedelta(days=1),
            },
            {"valid_until": ["The end must be in the future."]},
        ),
        (
            {"title": "", "body": "", "country": ""},
            {
                "country": ["Choose a country."],
                "title": ["Give the advisory a title."],
                "body": ["Write what travellers should know."],
            },
        ),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_posted(staff, changes, errors):
    with pytest.raises(ApplicationError) as refused:
        publish(staff, **changes)

    assert refused.value.extra == errors
    assert refused.value.message == next(iter(errors.values()))[0]
    assert not TravelAlert.objects.exists()


def test_only_staff_post_advisories(customer):
    with pytest.raises(ApplicationError) as refused:
        publish(customer.user)

    assert refused.value.message == "Only staff can post travel advisories."
    assert not TravelAlert.objects.exists()


@pytest.fixture
def trips(db):
    """Who flies where: into GB (confirmed, held, cancelled) and into AE."""
    flight_fare("DXB", "LHR")
    flight_fare("LHR", "DXB", departure=DEPARTURE + dt.timedelta(hours=1))
    into_gb = [paid_booking(CustomerFactory()), paid_booking(CustomerFactory())]
    held_booking(CustomerFactory())
    cancelled = paid_booking(CustomerFactory())
    Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CANCELLED)
    paid_booking(CustomerFactory(), origin="LHR", destination="DXB")
    return into_gb


def test_customers_flying_into_the_country_are_told_once(
    staff, trips, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        advisory = publish(staff)

    told = Notification.objects.filter(kind=Kind.ADVISORY).order_by("user_id")
    assert [(n.user, n.title, n.body, n.url) for n in told] == [
        (
            b.customer.user,
            "Rail strikes in London",
            "Trains from Heathrow may not run.",
            f"/alerts/travel/{advisory.pk}/",
        )
        for b in sorted(trips, key=lambda b: b.customer.user_id)
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.customer.user.email for b in trips)
    email = mail.outbox[0]
    assert email.subject == "Rail strikes in London"
    assert "Travel advisory for United Kingdom: Exercise caution" in email.body

    with django_capture_on_commit_callbacks(execute=True):
        assert advisories_notify(advisory_id=advisory.pk) == 0
    assert Notification.objects.filter(kind=Kind.ADVISORY).count() == 2
    assert len(mail.outbox) == 2


def test_flights_already_flown_and_ended_advisories_tell_nobody(staff, trips, frozen):
    advisory = publish(staff, valid_until=FROZEN + dt.timedelta(days=30))

    assert advisories_notify(advisory_id=advisory.pk, now=DEPARTURE) == 0
    assert advisories_notify(advisory_id=advisory.pk, now=FROZEN + dt.timedelta(days=31)) == 0
    assert advisories_notify(advisory_id=advisory.pk) == 2


def test_a_title_with_percent_signs_is_sent_as_written(
    staff, trips, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(staff, title="Fuel surcharge up 20%(approx.)")

    assert {m.subject for m in mail.outbox} == {"Fuel surcharge up 20%(approx.)"}
