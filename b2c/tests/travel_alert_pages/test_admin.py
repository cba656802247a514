import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from freezegun import freeze_time

import b2c.admin.travel_alerts
from b2c.models import TravelAlert
from b2c.tests.travel_alert_pages.helpers import NOW, advisory, change_for, reminder_for, trip

pytestmark = pytest.mark.django_db

NOW_UTC = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
ADD_URL = reverse("admin:b2c_travelalert_add")
FORM = {
    "country": "GB", "severity": "caution", "title": "Rail strikes",
    "body": "Trains to the airport may not run.",
    "valid_from_0": "2030-03-01", "valid_from_1": "12:00:00",
    "valid_until_0": "2030-03-08", "valid_until_1": "12:00:00",
}  # fmt: skip


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def publish():
    """advisory_publish, watched."""
    real = b2c.admin.travel_alerts.advisory_publish
    with mock.patch.object(b2c.admin.travel_alerts, "advisory_publish", wraps=real) as spy:
        yield spy


def test_staff_post_an_advisory_through_the_service(admin_client, admin_user, publish):
    response = admin_client.post(ADD_URL, FORM)

    posted = TravelAlert.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:b2c_travelalert_changelist")
    publish.assert_called_once()
    assert (
        posted.kind, posted.state, posted.country.code, posted.severity, posted.title,
        posted.body, posted.valid_from, posted.valid_until, posted.posted_by,
    ) == (
        "advisory", "info", "GB", "caution", "Rail strikes", "Trains to the airport may not run.",
        NOW_UTC + 3 * HOUR, NOW_UTC + 7 * 24 * HOUR + 3 * HOUR, admin_user,
    )  # fmt: skip


def test_a_bad_date_range_shows_the_services_error_and_posts_nothing(admin_client, publish):
    response = admin_client.post(
        ADD_URL, FORM | {"valid_until_0": "2030-03-01", "valid_until_1": "11:00:00"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "valid_until": ["The end must be after the start."]
    }
    assert "The end must be after the start." in response.content.decode()
    publish.assert_called_once()
    assert TravelAlert.objects.count() == 0


def test_missing_fields_are_the_services_messages(admin_client):
    response = admin_client.post(ADD_URL, {"country": "", "severity": "", "title": "", "body": ""})

    assert response.context["adminform"].form.errors == {
        "country": ["Choose a country."],
        "severity": ["Choose how serious the advisory is."],
        "title": ["Give the advisory a title."],
        "body": ["Write what travellers should know."],
    }
    assert TravelAlert.objects.count() == 0


def test_the_list_shows_activity_and_what_is_in_force(admin_client, customer):
    booking = trip(customer)
    change = change_for(booking)
    reminder_for(booking)
    advisory("GB", title="Rail strikes")
    advisory("FR", title="Over", valid_from=NOW_UTC - 2 * HOUR, valid_until=NOW_UTC - HOUR)
    url = reverse("admin:b2c_travelalert_changelist")

    everything = admin_client.get(url)
    by_reference = admin_client.get(url, {"q": booking.reference})
    by_email = admin_client.get(url, {"q": customer.user.email})
    advisories = admin_client.get(url, {"kind__exact": "advisory"})
    in_force = [(str(row), row.is_in_force) for row in advisories.context["cl"].result_list]

    assert everything.status_code == 200
    assert everything.context["cl"].result_count == 4
    assert by_reference.context["cl"].result_count == by_email.context["cl"].result_count == 2
    assert sorted(in_force) == [("FR: Over", False), ("GB: Rail strikes", True)]
    changes = admin_client.get(url, {"state__exact": "awaiting"}).context["cl"].result_list
    assert list(changes) == [change]


def test_customers_alerts_are_read_only(admin_client, customer):
    change = change_for(trip(customer))
    url = reverse("admin:b2c_travelalert_change", args=[change.pk])

    page = admin_client.get(url)
    edit = admin_client.post(url, {"state": "accepted"})
    delete = admin_client.post(
        reverse("admin:b2c_travelalert_delete", args=[change.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    assert change.booking.reference in page.content.decode()
    assert edit.status_code == delete.status_code == 403
    change.refresh_from_db()
    assert change.state == "awaiting"
