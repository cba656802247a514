"""Hold, pay, confirm, expire and cancel: what the customer and the ledger of seats see."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from freezegun import freeze_time
from icalendar import Calendar

import bookings.services
from bookings.models import Booking, Passenger
from bookings.services import (
    IdempotencyKeyReused,
    PassengerDetails,
    booking_cancel,
    booking_cancel_quote,
    booking_hold,
    bookings_expire_holds,
)
from core.exceptions import ApplicationError
from core.testing.inventory import flight_with_fare, offer_for
from flights.models import Fare
from flights.search import Passengers
from payments.models import Payment, Refund, SandboxCharge
from payments.services import booking_pay_by_card, card_tokenize, payments_reconcile

pytestmark = pytest.mark.django_db

NOW = "2030-03-01 09:00:00"
DAY = dt.date(2030, 3, 10)
DEPARTURE = dt.datetime(2030, 3, 10, 4, 0, tzinfo=dt.UTC)
GOOD_CARD = "4242424242424242"


def adult(name="Layla", **kw):
    values = {
        "type": Passenger.Type.ADULT, "given_names": name, "surname": "Rahman",
        "date_of_birth": dt.date(1990, 4, 12), "passport_number": "BX1234567",
        "passport_country": "BD", "passport_expiry": dt.date(2034, 1, 1),
    }  # fmt: skip
    values.update(kw)
    return PassengerDetails(**values)


def card(number=GOOD_CARD):
    return card_tokenize(number=number, exp_month=12, exp_year=2031, cvc="123")


def hold(customer, offer, passengers=None):
    return booking_hold(
        customer=customer,
        offer_token=offer.token,
        passengers=passengers or [adult()],
        contact_email=customer.user.email,
    ).booking


def pay(booking, token, key):
    return booking_pay_by_card(booking=booking, card=token, idempotency_key=key).payment


@pytest.fixture
def fare(db):
    return flight_with_fare("DXB", "LHR", DEPARTURE, seats=5)


@freeze_time(NOW)
def test_hold_pay_and_confirm(customer, fare, django_capture_on_commit_callbacks):
    offer = offer_for("DXB", "LHR", DAY)
    booking = hold(customer, offer)

    assert booking.status == Booking.Status.HELD
    assert Fare.objects.get(pk=fare.pk).seats_available == 4
    assert len(booking.reference) == 6 and booking.reference.isalnum()
    assert booking.total == Decimal("500.000")

    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(booking, card(), "k1")

    booking.refresh_from_db()
    assert (payment.status, booking.status) == (Payment.Status.CAPTURED, Booking.Status.CONFIRMED)
    ticket = booking.passengers.get().ticket_number
    assert len(ticket) == 13 and ticket.isdigit()
    assert SandboxCharge.objects.get().amount == Decimal("500.000")
    message = mail.outbox[-1]
    assert message.subject == f"Your booking {booking.reference} is confirmed"
    assert message.to == [customer.user.email]
    assert message.alternatives[0].mimetype == "text/html"
    ics = Calendar.from_ical(message.attachments[0].content)
    event = next(iter(ics.walk("VEVENT")))
    assert str(event["summary"]) == "EK1 DXB → LHR"
    # 04:00 UTC is 08:00 in Dubai: the calendar keeps the airport's own time zone.
    assert event.decoded("dtstart").isoformat() == "2030-03-10T08:00:00+04:00"


@freeze_time(NOW)
def test_the_confirmation_email_is_in_the_customers_language(
    customer, fare, django_capture_on_commit_callbacks
):
    customer.preferred_language = "ar"
    customer.save()
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    with django_capture_on_commit_callbacks(execute=True):
        booking_pay_by_card(booking=booking, card=card(), idempotency_key="k1")

    assert booking.reference in mail.outbox[-1].subject
    assert 'lang="ar" dir="rtl"' in mail.outbox[-1].alternatives[0].content


@freeze_time(NOW)
def test_a_changed_price_is_refused_and_nothing_is_held(customer, fare):
    offer = offer_for("DXB", "LHR", DAY)
    Fare.objects.filter(pk=fare.pk).update(base_fare=Decimal("450.00"))

    with pytest.raises(ApplicationError) as error:
        hold(customer, offer)

    assert error.value.extra == {
        "price": ["The price has changed from 500.00 to 550.00 USD. Review the new price."]
    }
    assert Fare.objects.get(pk=fare.pk).seats_available == 5
    assert not Booking.objects.exists()


@freeze_time(NOW)
def test_too_few_seats_are_refused_and_nothing_is_held(customer, fare):
    offer = offer_for("DXB", "LHR", DAY, Passengers(2, 0, 0))
    Fare.objects.filter(pk=fare.pk).update(seats_available=1)

    with pytest.raises(ApplicationError, match="not enough seats"):
        hold(customer, offer, [adult(), adult("Omar")])

    assert Fare.objects.get(pk=fare.pk).seats_available == 1
    assert not Booking.objects.exists()


def test_an_offer_older_than_20_minutes_is_refused(customer, fare):
    with freeze_time(NOW) as clock:
        token = offer_for("DXB", "LHR", DAY).token  # signed when the results are shown
        clock.tick(dt.timedelta(minutes=21))
        with pytest.raises(ApplicationError, match="This price has expired"):
            booking_hold(
                customer=customer,
                offer_token=token,
                passengers=[adult()],
                contact_email=customer.user.email,
            )
    assert not Booking.objects.exists()


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("passengers", "message"),
    [
        ([adult(date_of_birth=dt.date(2025, 1, 1))], "does not match a passenger of this type"),
        ([adult(passport_number="")], "A passport is required for international travel."),
        ([adult(passport_expiry=dt.date(2030, 3, 5))], "The passport expires before the end"),
        ([adult(), adult("Omar")], "The passengers do not match the offer."),
    ],
)
def test_passenger_details_are_checked_against_the_trip(customer, fare, passengers, message):
    with pytest.raises(ApplicationError) as error:
        hold(customer, offer_for("DXB", "LHR", DAY), passengers)

    assert message in str(error.value.extra)
    assert Fare.objects.get(pk=fare.pk).seats_available == 5


@freeze_time(NOW)
def test_a_domestic_trip_needs_no_passport(customer):
    flight_with_fare("DXB", "AUH", DEPARTURE, minutes=45)

    booking = hold(
        customer,
        offer_for("DXB", "AUH", DAY),
        [adult(passport_number="", passport_country="", passport_expiry=None)],
    )

    assert booking.status == Booking.Status.HELD


def keyed_hold(customer, offer, key, fingerprint="body-1", passengers=None):
    return booking_hold(
        customer=customer,
        offer_token=offer.token,
        passengers=passengers or [adult()],
        contact_email=customer.user.email,
        idempotency_key=key,
        fingerprint=fingerprint,
    )


def seats_left(fare) -> int:
    return Fare.objects.get(pk=fare.pk).seats_available


@freeze_time(NOW)
def test_a_hold_sent_again_with_its_key_is_held_once(customer, fare):
    offer = offer_for("DXB", "LHR", DAY)

    first = keyed_hold(customer, offer, "k1")
    second = keyed_hold(customer, offer, "k1")

    assert (first.created, second.created) == (True, False)
    assert second.booking.pk == first.booking.pk
    assert (second.booking.idempotency_key, second.booking.request_fingerprint) == ("k1", "body-1")
    assert Booking.objects.count() == 1
    assert Passenger.objects.count() == 1
    assert seats_left(fare) == 4


@freeze_time(NOW)
def test_a_key_sent_again_for_another_request_is_refused_and_changes_nothing(customer, fare):
    offer = offer_for("DXB", "LHR", DAY)
    first = keyed_hold(customer, offer, "k1").booking

    with pytest.raises(IdempotencyKeyReused) as error:
        keyed_hold(customer, offer, "k1", fingerprint="body-2", passengers=[adult("Omar")])

    assert error.value.message == (
        "This booking request was already sent with different details. Check the details and "
        "send it again."
    )
    assert list(Booking.objects.values_list("pk", "request_fingerprint")) == [(first.pk, "body-1")]
    assert list(Passenger.objects.values_list("given_names", flat=True)) == ["Layla"]
    assert seats_left(fare) == 4


@freeze_time(NOW)
def test_two_customers_may_use_the_same_key(customer, other_customer, fare):
    offer = offer_for("DXB", "LHR", DAY)

    mine = keyed_hold(customer, offer, "k1")
    theirs = keyed_hold(other_customer, offer, "k1")

    assert (mine.created, theirs.created) == (True, True)
    assert mine.booking.pk != theirs.booking.pk
    assert seats_left(fare) == 3


@freeze_time(NOW)
def test_a_refused_hold_leaves_its_key_free(customer, fare):
    offer = offer_for("DXB", "LHR", DAY)
    Fare.objects.filter(pk=fare.pk).update(seats_available=0)

    with pytest.raises(ApplicationError, match="not enough seats"):
        keyed_hold(customer, offer, "k1")

    assert not Booking.objects.exists()  # the booking row claimed the key, then rolled back
    assert seats_left(fare) == 0
    Fare.objects.filter(pk=fare.pk).update(seats_available=5)
    assert keyed_hold(customer, offer, "k1", fingerprint="body-2").created is True
    assert seats_left(fare) == 4


@freeze_time(NOW)
def test_a_key_without_the_requests_fingerprint_is_a_programming_error(customer, fare):
    with pytest.raises(ValueError, match="fingerprint"):
        keyed_hold(customer, offer_for("DXB", "LHR", DAY), "k1", fingerprint="")

    assert not Booking.objects.exists()
    assert seats_left(fare) == 5


@freeze_time(NOW)
def test_a_concurrent_request_with_the_key_and_another_body_is_refused_and_holds_nothing(
    customer, fare, monkeypatch
):
    """The other request holds while this one is past its key check: this one's insert meets
    the key's unique constraint, its block rolls back, and the bodies differ: refused."""
    offer = offer_for("DXB", "LHR", DAY)
    others = []
    reprice = bookings.services.offer_reprice

    def reprice_while_another_request_holds(data):
        if not others:
            others.append(None)
            others[0] = keyed_hold(customer, offer, "k1", fingerprint="body-2")
        return reprice(data)

    monkeypatch.setattr(bookings.services, "offer_reprice", reprice_while_another_request_holds)

    with pytest.raises(IdempotencyKeyReused):
        keyed_hold(customer, offer, "k1", fingerprint="body-1")

    [other] = others
    assert other.created is True
    assert list(Booking.objects.values_list("pk", "request_fingerprint")) == [
        (other.booking.pk, "body-2")
    ]
    assert Passenger.objects.count() == 1
    assert seats_left(fare) == 4


@freeze_time(NOW)
def test_a_declined_card_keeps_the_hold_and_another_card_can_pay(customer, fare):
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    declined = pay(booking, card("4000000000009995"), "a")
    paid = pay(booking, card(), "b")

    assert (declined.status, declined.decline_code) == (Payment.Status.FAILED, "insufficient_funds")
    assert paid.status == Payment.Status.CAPTURED
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    assert SandboxCharge.objects.filter(status="captured").count() == 1


@freeze_time(NOW)
def test_a_repeated_submit_charges_once(customer, fare):
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    token = card()

    first = booking_pay_by_card(booking=booking, card=token, idempotency_key="same")
    second = booking_pay_by_card(booking=booking, card=token, idempotency_key="same")

    assert (first.created, second.created) == (True, False)
    assert first.payment.pk == second.payment.pk
    assert second.payment.status == Payment.Status.CAPTURED
    assert Payment.objects.count() == 1
    assert SandboxCharge.objects.count() == 1


@freeze_time(NOW)
def test_a_gateway_timeout_after_charging_is_completed_by_reconciliation(customer, fare):
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    payment = pay(booking, card("4000000000000119"), "t")
    assert payment.status == Payment.Status.UNKNOWN
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.HELD

    with freeze_time("2030-03-01 09:05:00"):
        first = payments_reconcile()
        again = payments_reconcile()

    assert first == {"settled": 1, "failed": 0, "refunds_retried": 0}
    assert again == {"settled": 0, "failed": 0, "refunds_retried": 0}
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.CAPTURED
    assert not Refund.objects.exists()


@freeze_time(NOW)
def test_a_charge_for_a_hold_that_ran_out_is_refunded_once(customer, fare):
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    payment = pay(booking, card("4000000000000119"), "t")

    with freeze_time("2030-03-01 09:20:00"):
        assert bookings_expire_holds() == 1
        payments_reconcile()
        payments_reconcile()

    payment.refresh_from_db()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.EXPIRED
    assert payment.status == Payment.Status.REFUNDED
    assert [(r.amount, r.status) for r in Refund.objects.all()] == [
        (Decimal("500.000"), Refund.Status.SUCCEEDED)
    ]
    assert SandboxCharge.objects.get().refunded == Decimal("500.000")
    assert Fare.objects.get(pk=fare.pk).seats_available == 5


def test_unpaid_holds_expire_and_free_their_seats(customer, fare):
    with freeze_time(NOW) as clock:
        booking = hold(customer, offer_for("DXB", "LHR", DAY))
        clock.tick(dt.timedelta(minutes=14))
        assert bookings_expire_holds() == 0
        clock.tick(dt.timedelta(minutes=2))
        assert bookings_expire_holds() == 1
        with pytest.raises(ApplicationError, match="released after 15 minutes"):
            booking_pay_by_card(booking=booking, card=card(), idempotency_key="late")

    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.EXPIRED
    assert Fare.objects.get(pk=fare.pk).seats_available == 5
    assert not SandboxCharge.objects.exists()


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("refundable", "refund_fee", "refund", "fees"),
    [
        (True, "50.00", Decimal("900.00"), Decimal("100.00")),
        (False, "0", Decimal("200.00"), Decimal("800.00")),
    ],
)
def test_cancellation_refunds_exactly_what_the_quote_said(
    customer, refundable, refund_fee, refund, fees
):
    fare = flight_with_fare("DXB", "LHR", DEPARTURE, refundable=refundable, refund_fee=refund_fee)
    booking = hold(
        customer, offer_for("DXB", "LHR", DAY, Passengers(2, 0, 0)), [adult(), adult("Omar")]
    )
    booking_pay_by_card(booking=booking, card=card(), idempotency_key="k")

    quote = booking_cancel_quote(booking=booking)
    assert (quote.refund, quote.fees, quote.currency) == (refund, fees, "USD")
    booking_cancel(booking=booking, quote_token=quote.token)
    booking_cancel(booking=booking, quote_token=quote.token)  # a repeated confirmation

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.refunded_total == refund
    assert [r.amount for r in Refund.objects.all()] == [refund]
    assert SandboxCharge.objects.get().refunded == refund
    assert Fare.objects.get(pk=fare.pk).seats_available == 9
