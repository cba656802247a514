import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from b2c.models import TravelAlert
from b2c.tests.travel_alert_pages.helpers import (
    HOUR,
    NOW,
    advisory,
    change_for,
    reminder_for,
    snapshot,
    trip,
)
from bookings.models import Booking
from payments.models import Refund

pytestmark = pytest.mark.django_db

NOW_UTC = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


def text(response) -> str:
    """The page's text without tags and with runs of white space as one space."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.replace("\u202f", " ").replace("&nbsp;", " "))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_list_shows_changes_awaiting_first_reminders_and_advisories(customer_client, customer):
    booking = trip(customer)
    awaiting = change_for(booking)
    accepted = change_for(booking, state="accepted", later=HOUR)  # newer, but answered
    reminder_for(booking)
    advisory("GB", severity="avoid", title="Flooding in the north")
    advisory("GB", severity="info", title="Rail strikes")
    advisory("FR", title="Not on this trip")
    advisory("GB", title="Over", valid_until=NOW_UTC - HOUR, valid_from=NOW_UTC - 2 * HOUR)
    advisory("GB", title="Not yet", valid_from=NOW_UTC + HOUR)

    page = customer_client.get(reverse("b2c:travel-alerts"))

    html, words = page.content.decode(), text(page)
    assert page.status_code == 200
    changes = words.split("Changes to your flights")[1].split("Reminders")[0]
    assert html.index(reverse("b2c:travel-alert", args=[awaiting.pk])) < html.index(
        reverse("b2c:travel-alert", args=[accepted.pk])
    )
    assert changes.strip() == (
        f"EK1 DXB → LHR · New times · Booking {booking.reference} Awaiting your answer "
        f"Accept EK1 {booking.reference} Cancel for a full refund EK1 {booking.reference} "
        f"EK1 DXB → LHR · New times · Booking {booking.reference} Change accepted"
    )
    assert reverse("b2c:travel-alert-accept", args=[awaiting.pk]) in html
    assert reverse("b2c:travel-alert-accept", args=[accepted.pk]) not in html
    reminders = words.split("Reminders")[1].split("Travel advisories for your trips")[0]
    assert reminders.strip() == (
        f"24 hours before departure · EK1 DXB → LHR · Mar 10, 2030, 8:00 AM · "
        f"Booking {booking.reference}"
    )
    advisories = words.split("Travel advisories for your trips")[1].split("All travel")[0]
    assert advisories.strip() == (
        "United Kingdom Flooding in the north Avoid travel Trains between the airport and the "
        "city may not run. In force until further notice Rail strikes Information Trains between "
        "the airport and the city may not run. In force until further notice"
    )
    assert "Not on this trip" not in words and "Over" not in words and "Not yet" not in words


def test_with_nothing_yet_each_section_says_so(customer_client):
    words = text(customer_client.get(reverse("b2c:travel-alerts")))

    assert "No changes to your flights." in words
    assert "No reminders yet" in words
    assert "No travel advisories for the countries you are flying to." in words


def test_the_pages_need_signing_in(client):
    response = client.get(reverse("b2c:travel-alerts"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_detail_shows_old_and_new_local_times_and_what_a_refund_returns(
    customer_client, customer
):
    booking = trip(customer)
    alert = change_for(booking)

    page = customer_client.get(reverse("b2c:travel-alert", args=[alert.pk]))

    html, words = page.content.decode(), text(page)
    assert page.status_code == 200
    assert f"Booking reference {booking.reference}" in words
    # Departures in Dubai's time (UTC+4), arrivals in London's (UTC+0 in March).
    assert (
        "Departure Mar 10, 2030, 8:00 AM Mar 10, 2030, 10:00 AM "
        "Arrival Mar 10, 2030, 11:40 AM Mar 10, 2030, 1:40 PM"
    ) in words
    assert (
        f"Cancel booking {booking.reference} and get back <strong>$500.00</strong>: everything "
        "you paid, with no fee."
    ) in html
    assert "Cancel the booking and refund $500.00" in words
    assert reverse("b2c:travel-alert-accept", args=[alert.pk]) in html
    assert reverse("b2c:travel-alert-refund", args=[alert.pk]) in html
    assert 'name="refund_to" value="wallet"' in html


def test_a_cancelled_flight_offers_only_the_refund(customer_client, customer):
    alert = change_for(trip(customer), change="cancelled")

    page = customer_client.get(reverse("b2c:travel-alert", args=[alert.pk]))

    html = page.content.decode()
    assert "Flight cancelled" in text(page)
    assert reverse("b2c:travel-alert-accept", args=[alert.pk]) not in html
    assert reverse("b2c:travel-alert-refund", args=[alert.pk]) in html


def test_an_answered_change_has_no_forms(customer_client, customer):
    alert = change_for(trip(customer), state="accepted")

    html = customer_client.get(reverse("b2c:travel-alert", args=[alert.pk])).content.decode()

    assert "Change accepted" in html
    assert reverse("b2c:travel-alert-accept", args=[alert.pk]) not in html
    assert reverse("b2c:travel-alert-refund", args=[alert.pk]) not in html


def test_someone_elses_alert_is_not_found_and_stays_as_it_is(customer_client, other_customer):
    alert = change_for(trip(other_customer))
    before = snapshot(alert)

    assert customer_client.get(reverse("b2c:travel-alert", args=[alert.pk])).status_code == 404
    accept = customer_client.post(reverse("b2c:travel-alert-accept", args=[alert.pk]))
    refund = customer_client.post(
        reverse("b2c:travel-alert-refund", args=[alert.pk]), {"refund_to": "card"}
    )

    assert accept.status_code == refund.status_code == 404
    assert snapshot(alert) == before


def test_accepting_keeps_the_booking(customer_client, customer):
    alert = change_for(trip(customer))
    url = reverse("b2c:travel-alert", args=[alert.pk])

    response = customer_client.post(
        reverse("b2c:travel-alert-accept", args=[alert.pk]), follow=True
    )

    assert response.redirect_chain == [(url, 302)]
    assert messages_of(response) == ["You accepted the change. Your booking stays as it is."]
    state, answered_at, status, refunded, refunds = snapshot(alert)
    assert (state, answered_at, status, refunded, refunds) == (
        "accepted", NOW_UTC, "confirmed", Decimal("0.000"), 0,
    )  # fmt: skip


def test_cancelling_for_a_full_refund(
    customer_client, customer, django_capture_on_commit_callbacks
):
    booking = trip(customer)
    alert = change_for(booking)
    url = reverse("b2c:travel-alert", args=[alert.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            reverse("b2c:travel-alert-refund", args=[alert.pk]), {"refund_to": "card"}, follow=True
        )

    assert response.redirect_chain == [(url, 302)]
    assert messages_of(response) == [
        f"Booking {booking.reference} is cancelled with a full refund of $500.00: what you paid by "
        "card goes back to the card, what you paid from your wallet to the wallet."
    ]
    alert.refresh_from_db()
    booking.refresh_from_db()
    assert (alert.state, alert.answered_at) == ("refunded", NOW_UTC)
    assert (booking.status, booking.cancelled_at, booking.refunded_total) == (
        Booking.Status.CANCELLED, NOW_UTC, Decimal("500.000"),
    )  # fmt: skip
    [refund] = Refund.objects.filter(payment__booking=booking)
    assert (refund.amount, refund.destination) == (Decimal("500.000"), "card")

    again = customer_client.post(
        reverse("b2c:travel-alert-refund", args=[alert.pk]), {"refund_to": "card"}, follow=True
    )

    assert messages_of(again) == [f"Booking {booking.reference} is cancelled with a full refund."]
    assert Refund.objects.filter(payment__booking=booking).count() == 1


def test_a_refused_answer_shows_why_and_changes_nothing(customer_client, customer):
    alert = change_for(trip(customer), change="cancelled")
    before = snapshot(alert)

    response = customer_client.post(
        reverse("b2c:travel-alert-accept", args=[alert.pk]), follow=True
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        "This flight was cancelled: cancel your booking for a full refund."
    ]
    assert snapshot(alert) == before


def test_a_refund_nowhere_is_refused(customer_client, customer):
    alert = change_for(trip(customer))
    before = snapshot(alert)

    response = customer_client.post(
        reverse("b2c:travel-alert-refund", args=[alert.pk]), {"refund_to": "cheque"}
    )

    assert response.status_code == 400
    assert (
        "Select a valid choice. cheque is not one of the available choices."
        in response.content.decode()
    )
    assert snapshot(alert) == before


def test_the_list_and_detail_queries_do_not_grow(customer_client, customer):
    booking = trip(customer)
    first = change_for(booking)
    reminder_for(booking)
    advisory("GB")

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert customer_client.get(url).status_code == 200
        return len(captured)

    list_url, detail_url = (
        reverse("b2c:travel-alerts"),
        reverse("b2c:travel-alert", args=[first.pk]),
    )
    few = count(list_url), count(detail_url)
    for number in range(5):
        other = trip(customer)
        change_for(other, later=(number + 1) * HOUR)
        reminder_for(other, reminder="3h")
        advisory("GB", title=f"Advisory {number}")
        advisory("AE", title=f"Home {number}")

    many = count(list_url), count(detail_url)
    assert many == few
    assert TravelAlert.objects.filter(customer=customer).count() == 12


def test_the_public_advisories_page_lists_those_in_force_by_country(client):
    advisory("GB", severity="caution", title="Rail strikes")
    advisory("AE", severity="avoid", title="Sandstorms")
    advisory("AE", severity="info", title="Ramadan hours")
    advisory("FR", title="Over", valid_from=NOW_UTC - 2 * HOUR, valid_until=NOW_UTC - HOUR)
    advisory("FR", title="Soon", valid_from=NOW_UTC + HOUR, valid_until=NOW_UTC + 2 * HOUR)
    advisory("GB", severity="info", title="Airport works", valid_until=NOW_UTC + 24 * HOUR)

    page = client.get(reverse("b2c:advisories"))

    words = text(page).split("Travel advisories")[2]  # after the title and the heading
    assert page.status_code == 200
    headings = re.findall(r"<h2 id=\"country-(\w\w)\">([^<]+)</h2>", page.content.decode())
    assert headings == [("AE", "United Arab Emirates"), ("GB", "United Kingdom")]
    titles = re.findall(r'<h3 id="advisory-\d+">([^<]+?) <span', page.content.decode())
    assert titles == ["Sandstorms", "Ramadan hours", "Rail strikes", "Airport works"]
    assert "Avoid travel" in words and "Exercise caution" in words and "Information" in words
    assert "In force until 3/2/30, 9:00 AM" in words
    assert "Over" not in words and "Soon" not in words


def test_the_dashboard_counts_changes_awaiting_an_answer_and_price_alerts(
    customer_client, customer
):
    from b2c.tests.alerts.helpers import alert_for

    booking = trip(customer)
    change_for(booking)
    change_for(booking, state="accepted")
    alert_for(customer, target="450.00")

    words = text(customer_client.get(reverse("b2c:dashboard")))

    assert "1 change to your flights awaits your answer." in words
    assert "1 price alert watching fares for you." in words
    assert "You have no price alerts or travel alerts." not in words


def test_the_dashboard_says_when_there_are_no_alerts(customer_client):
    words = text(customer_client.get(reverse("b2c:dashboard")))

    assert "You have no price alerts or travel alerts." in words
