"""200 customers race for a fare with 10 seats: exactly 10 bookings, never a negative seat,
and a captured payment only for each confirmed booking. 20 retries of one hold race each other:
one booking, seats taken once."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum
from freezegun import freeze_time
from rest_framework.test import APIClient

from bookings.models import Booking, Passenger
from bookings.services import PassengerDetails, booking_hold
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory
from core.testing.inventory import flight_with_fare, offer_for
from flights.models import Fare
from flights.search import Passengers
from payments.models import Payment, SandboxCharge
from payments.services import booking_pay_by_card, card_tokenize

ATTEMPTS = 200
WORKERS = 40  # each thread its own connection; PostgreSQL allows 100 by default


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_bookings_for_10_seats():
    with freeze_time("2030-03-01 09:00:00", tick=True):
        fare = flight_with_fare("DXB", "LHR", dt.datetime(2030, 3, 10, 4, tzinfo=dt.UTC), seats=10)
        offer = offer_for("DXB", "LHR", dt.date(2030, 3, 10))
        customers = [CustomerFactory() for _ in range(ATTEMPTS)]
        card = card_tokenize(number="4242424242424242", exp_month=12, exp_year=2031, cvc="123")
        start = threading.Barrier(WORKERS)
        outcomes, errors = [], []

        def attempt(index):
            try:
                if index < WORKERS:
                    start.wait()
                customer = customers[index]
                try:
                    booking = booking_hold(
                        customer=customer, offer_token=offer.token, contact_email="a@example.com",
                        passengers=[PassengerDetails(
                            type=Passenger.Type.ADULT, given_names="Layla", surname="Rahman",
                            date_of_birth=dt.date(1990, 1, 1), passport_number="BX1234567",
                            passport_country="BD", passport_expiry=dt.date(2034, 1, 1),
                        )],
                    ).booking  # fmt: skip
                except ApplicationError:
                    outcomes.append("refused")
                    return
                paid = booking_pay_by_card(booking=booking, card=card, idempotency_key="once")
                outcomes.append(paid.payment.status)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(attempt, range(ATTEMPTS)))

    assert errors == []
    assert sorted(set(outcomes)) == ["captured", "refused"]
    assert outcomes.count("captured") == 10
    assert Booking.objects.filter(status=Booking.Status.CONFIRMED).count() == 10
    assert Booking.objects.count() == 10
    assert Fare.objects.get(pk=fare.pk).seats_available == 0
    captured = Payment.objects.filter(status=Payment.Status.CAPTURED)
    assert captured.count() == 10
    assert set(captured.values_list("booking__status", flat=True)) == {Booking.Status.CONFIRMED}
    assert SandboxCharge.objects.filter(status="captured").count() == 10
    assert captured.aggregate(total=Sum("amount"))["total"] == 10 * offer.price.total


RETRIES = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_20_concurrent_retries_of_one_hold_hold_once():
    with freeze_time("2030-03-01 09:00:00", tick=True):
        fare = flight_with_fare("DXB", "LHR", dt.datetime(2030, 3, 10, 4, tzinfo=dt.UTC), seats=10)
        offer = offer_for("DXB", "LHR", dt.date(2030, 3, 10), Passengers(2, 0, 0))
        customer = CustomerFactory()
        body = {
            "offer": offer.token, "contact_email": "layla@example.com",
            "passengers": [
                {"type": "adult", "given_names": name, "surname": "Rahman",
                 "date_of_birth": "1990-04-12", "passport_number": number,
                 "passport_country": "BD", "passport_expiry": "2034-01-01"}
                for name, number in (("Layla", "BX1234567"), ("Omar", "BX7654321"))
            ],
        }  # fmt: skip
        start = threading.Barrier(RETRIES)
        answers, errors = [], []

        def retry(_index):
            try:
                api = APIClient()
                api.force_authenticate(customer.user)
                start.wait()
                response = api.post(
                    "/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="hold-1"
                )
                answers.append((response.status_code, response.json()["id"]))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=RETRIES) as pool:
            list(pool.map(retry, range(RETRIES)))

    assert errors == []
    booking = Booking.objects.get()
    assert sorted(answers) == [(200, booking.pk)] * (RETRIES - 1) + [(201, booking.pk)]
    assert (booking.customer_id, booking.idempotency_key) == (customer.pk, "hold-1")
    assert booking.passengers.count() == 2
    assert Fare.objects.get(pk=fare.pk).seats_available == 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_wallet_paying_several_bookings_at_once_is_never_overdrawn():
    """A wallet of 1,000 pays five 500 holds at once, each from the wallet alone, with
    different keys: exactly two are paid, the balance is 0 and the ledger agrees."""
    from decimal import Decimal

    from b2c.models import CustomerWallet, WalletTransaction
    from b2c.selectors.wallet import ledgers_verify
    from b2c.services.wallet import wallet_credit
    from payments.services import booking_pay

    with freeze_time("2030-03-01 09:00:00", tick=True):
        flight_with_fare("DXB", "LHR", dt.datetime(2030, 3, 10, 4, tzinfo=dt.UTC), seats=9)
        offer = offer_for("DXB", "LHR", dt.date(2030, 3, 10))
        customer = CustomerFactory()
        wallet_credit(
            wallet=customer.wallet, amount=Decimal(1000), kind="top_up", idempotency_key="fund"
        )
        holds = [
            booking_hold(
                customer=customer, offer_token=offer.token, contact_email="a@example.com",
                passengers=[PassengerDetails(
                    type=Passenger.Type.ADULT, given_names="Layla", surname="Rahman",
                    date_of_birth=dt.date(1990, 1, 1), passport_number="BX1234567",
                    passport_country="BD", passport_expiry=dt.date(2034, 1, 1),
                )],
            ).booking
            for _ in range(5)
        ]  # fmt: skip
        start = threading.Barrier(len(holds))
        outcomes, errors = [], []

        def attempt(booking):
            try:
                start.wait()
                booking_pay(booking=booking, idempotency_key="w", wallet_amount=booking.total)
                outcomes.append("paid")
            except ApplicationError:
                outcomes.append("refused")
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=len(holds)) as pool:
            list(pool.map(attempt, holds))

    assert errors == []
    assert sorted(outcomes) == ["paid", "paid", "refused", "refused", "refused"]
    assert Booking.objects.filter(status=Booking.Status.CONFIRMED).count() == 2
    assert CustomerWallet.objects.get(customer=customer).balance == 0
    assert WalletTransaction.objects.filter(kind="booking_payment").count() == 2
    assert Payment.objects.filter(method="wallet").count() == 2  # refused ones left none
    assert ledgers_verify() == []
