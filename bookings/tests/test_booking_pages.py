"""The booking pages as a customer goes through them: passengers, payment, confirmation,
my bookings and cancellation; and what another customer cannot see."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from bookings.models import Booking
from core.testing.inventory import flight_with_fare, offer_for
from flights.search import Passengers
from payments.models import Payment

NOW = "2030-03-01 09:00:00"
DAY = dt.date(2030, 3, 10)
DEPARTURE = dt.datetime(2030, 3, 10, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def traveller(customer):
    customer.user.first_name, customer.user.last_name = "Layla", "Rahman"
    customer.user.save()
    profile = customer.profile
    profile.date_of_birth = dt.date(1990, 4, 12)
    profile.passport_number, profile.passport_country = "BX1234567", "BD"
    profile.passport_expiry = dt.date(2034, 1, 1)
    profile.save()
    return customer


def passenger_post(form_html: str, **overrides) -> dict:
    """What the browser would send: every field of the page's form as rendered."""
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form_html))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form_html, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = selected.group(1) if selected else ""
    data.pop("csrfmiddlewaretoken", None)
    data.update(overrides)
    return data


def book(client, token):
    page = client.get(f"/booking/{token}/")
    data = passenger_post(page.content.decode(), contact_phone="+971501234567")
    return client.post(f"/booking/{token}/", data)


@freeze_time(NOW)
def test_a_customer_books_pays_and_sees_the_confirmation(
    client, traveller, django_capture_on_commit_callbacks
):
    flight_with_fare("DXB", "LHR", DEPARTURE, seats=5)
    client.force_login(traveller.user)
    offer = offer_for("DXB", "LHR", DAY)

    page = client.get(f"/booking/{offer.token}/").content.decode()
    assert 'value="Layla"' in page and 'value="BX1234567"' in page  # from the profile

    held = book(client, offer.token)
    booking = Booking.objects.get()
    assert held.status_code == 302 and held.url == f"/booking/{booking.pk}/pay/"

    pay_page = client.get(held.url).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', pay_page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(held.url, {
            "idempotency_key": key, "card_number": "4242 4242 4242 4242", "exp_month": 12,
            "exp_year": 2031, "cvc": "123",
        })  # fmt: skip
    assert paid.url == f"/confirmation/{booking.pk}/"

    confirmation = client.get(paid.url).content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.reference in confirmation
    assert booking.passengers.get().ticket_number in confirmation
    assert "Mar 10, 2030, 8:00\u202fAM" in confirmation  # Dubai local time
    assert "4242424242424242" not in confirmation
    assert mail.outbox[-1].subject == f"Your booking {booking.reference} is confirmed"

    listing = client.get("/bookings/").content.decode()
    assert booking.reference in listing

    quote_page = client.get(f"/bookings/{booking.pk}/cancel/").content.decode()
    quote = re.search(r'name="quote" value="([^"]+)"', quote_page).group(1)
    assert "$100.00" in quote_page  # non-refundable: the taxes come back
    client.post(f"/bookings/{booking.pk}/cancel/", {"quote": quote})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert str(booking.refunded_total) == "100.000"


@freeze_time(NOW)
def test_a_declined_card_shows_why_and_never_the_number(client, traveller):
    flight_with_fare("DXB", "LHR", DEPARTURE, seats=5)
    client.force_login(traveller.user)
    held = book(client, offer_for("DXB", "LHR", DAY).token)

    response = client.post(held.url, {
        "idempotency_key": "a" * 32, "card_number": "4000000000000002", "exp_month": 12,
        "exp_year": 2031, "cvc": "123",
    })  # fmt: skip

    body = response.content.decode()
    assert response.status_code == 400
    assert "Your card was declined. Try another card." in body
    assert "4000000000000002" not in body
    assert 'value="' + "a" * 32 + '"' not in body  # a retry is a new payment
    assert Booking.objects.get().status == Booking.Status.HELD
    assert Payment.objects.get().status == Payment.Status.FAILED


@freeze_time(NOW)
def test_wrong_passenger_details_are_shown_and_nothing_is_held(client, traveller):
    fare = flight_with_fare("DXB", "LHR", DEPARTURE, seats=5)
    client.force_login(traveller.user)
    offer = offer_for("DXB", "LHR", DAY)
    page = client.get(f"/booking/{offer.token}/").content.decode()

    response = client.post(
        f"/booking/{offer.token}/", passenger_post(page, **{"passengers-0-passport_number": ""})
    )

    assert response.status_code == 400
    assert "A passport is required for international travel." in response.content.decode()
    assert not Booking.objects.exists()
    fare.refresh_from_db()
    assert fare.seats_available == 5


@freeze_time(NOW)
def test_a_double_submitted_passenger_form_holds_once(client, traveller):
    fare = flight_with_fare("DXB", "LHR", DEPARTURE, seats=5)
    client.force_login(traveller.user)
    offer = offer_for("DXB", "LHR", DAY)
    data = passenger_post(client.get(f"/booking/{offer.token}/").content.decode())
    assert re.fullmatch(r"[0-9a-f]{32}", data["idempotency_key"])

    first = client.post(f"/booking/{offer.token}/", data)
    second = client.post(f"/booking/{offer.token}/", data)  # a double click

    booking = Booking.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/booking/{booking.pk}/pay/"
    assert booking.idempotency_key == data["idempotency_key"]
    fare.refresh_from_db()
    assert fare.seats_available == 4


@freeze_time(NOW)
def test_the_form_sent_again_with_other_details_is_refused_and_renewed(client, traveller):
    fare = flight_with_fare("DXB", "LHR", DEPARTURE, seats=5)
    client.force_login(traveller.user)
    offer = offer_for("DXB", "LHR", DAY)
    data = passenger_post(client.get(f"/booking/{offer.token}/").content.decode())
    client.post(f"/booking/{offer.token}/", data)

    # Back in the browser, a name corrected, the same rendered form (and key) sent again.
    response = client.post(
        f"/booking/{offer.token}/", {**data, "passengers-0-given_names": "Laila"}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "This booking request was already sent with different details. Check the details and "
        "send it again."
    ) in body
    renewed = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', body).group(1)
    assert renewed != data["idempotency_key"]  # sent again, it is a new booking
    booking = Booking.objects.get()
    assert booking.passengers.get().given_names == "Layla"
    fare.refresh_from_db()
    assert fare.seats_available == 4


@freeze_time(NOW)
def test_another_customers_booking_is_not_found(client, traveller, other_customer):
    flight_with_fare("DXB", "LHR", DEPARTURE, seats=5)
    client.force_login(traveller.user)
    book(client, offer_for("DXB", "LHR", DAY).token)
    booking = Booking.objects.get()
    client.force_login(other_customer.user)

    for url in (f"/confirmation/{booking.pk}/", f"/booking/{booking.pk}/pay/",
                f"/bookings/{booking.pk}/cancel/"):  # fmt: skip
        assert client.get(url).status_code == 404
    assert booking.reference not in client.get("/bookings/").content.decode()


@freeze_time(NOW)
def test_my_bookings_costs_the_same_queries_for_1_and_50_bookings(client, traveller):
    from bookings.services import booking_hold
    from bookings.tests.test_booking_flow import adult

    flight_with_fare("DXB", "LHR", DEPARTURE, seats=60)
    client.force_login(traveller.user)

    def hold_one():
        booking_hold(
            customer=traveller, offer_token=offer_for("DXB", "LHR", DAY).token,
            passengers=[adult()], contact_email="a@example.com",
        )  # fmt: skip
        Booking.objects.update(status=Booking.Status.CONFIRMED)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/bookings/").status_code == 200
        return len(queries)

    hold_one()
    one = count()
    for _ in range(49):
        hold_one()
    assert count() == one


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/bookings/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@freeze_time(NOW)
def test_an_expired_offer_goes_back_to_search(client, traveller):
    flight_with_fare("DXB", "LHR", DEPARTURE, seats=5)
    client.force_login(traveller.user)
    token = offer_for("DXB", "LHR", DAY, Passengers(1, 0, 0)).token

    with freeze_time("2030-03-01 09:30:00"):
        response = client.get(f"/booking/{token}/")

    assert response.status_code == 302
    assert response.url == "/search/"
