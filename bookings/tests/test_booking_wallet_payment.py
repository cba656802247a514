"""Paying a booking from the wallet, with or without a card; each refund goes back to its source."""

import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from b2c.models import Customer, CustomerWallet, WalletTransaction
from b2c.selectors.wallet import ledgers_verify, wallet_usable_for_booking
from b2c.services.wallet import wallet_credit
from bookings.models import Booking
from bookings.services import (
    booking_cancel,
    booking_cancel_quote,
    bookings_complete,
    bookings_expire_holds,
)
from bookings.tests.test_booking_currency import rate
from bookings.tests.test_booking_flow import DAY, DEPARTURE, NOW, card, hold
from core.exceptions import ApplicationError
from core.testing.inventory import flight_with_fare, offer_for
from flights.models import Fare
from payments.models import Payment, Refund, SandboxCharge
from payments.services import booking_pay

pytestmark = pytest.mark.django_db

Kind = WalletTransaction.Kind


@pytest.fixture
def fare(db):
    # 400 + 100 taxes; refundable for 50 per passenger.
    return flight_with_fare("DXB", "LHR", DEPARTURE, seats=5, refundable=True, refund_fee="50")


def fund(customer, amount: str) -> CustomerWallet:
    wallet = customer.wallet
    wallet_credit(
        wallet=wallet, amount=Decimal(amount), kind=Kind.TOP_UP, idempotency_key=f"fund-{amount}"
    )
    return CustomerWallet.objects.get(pk=wallet.pk)


def balance(customer) -> Decimal:
    return CustomerWallet.objects.get(customer=customer).balance


def state(customer, booking):
    """What a refused payment must leave as it was."""
    return (
        balance(customer),
        WalletTransaction.objects.count(),
        list(Payment.objects.filter(booking=booking).values_list("pk", "status")),
        Booking.objects.get(pk=booking.pk).status,
        SandboxCharge.objects.count(),
    )


@freeze_time(NOW)
def test_wallet_and_card_together_pay_the_total(customer, fare):
    fund(customer, "200.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    result = booking_pay(
        booking=booking, idempotency_key="k1", card=card(), wallet_amount=Decimal("200.00")
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    paid = {p.method: (p.amount, p.status) for p in booking.payments.all()}
    assert paid == {
        Payment.Method.WALLET: (Decimal("200.000"), Payment.Status.CAPTURED),
        Payment.Method.CARD: (Decimal("300.000"), Payment.Status.CAPTURED),
    }
    assert result.payment.method == Payment.Method.CARD and result.created
    assert SandboxCharge.objects.get().amount == Decimal("300.000")
    assert balance(customer) == Decimal("0.000")
    entry = WalletTransaction.objects.get(kind=Kind.BOOKING_PAYMENT)
    assert (entry.amount, entry.balance_after, entry.booking_id) == (
        Decimal("-200.000"),
        Decimal("0.000"),
        booking.pk,
    )
    assert ledgers_verify() == []


@freeze_time(NOW)
def test_the_same_key_again_charges_nothing_more(customer, fare):
    fund(customer, "200.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    first = booking_pay(
        booking=booking, idempotency_key="k1", card=card(), wallet_amount=Decimal("200.00")
    )

    again = booking_pay(
        booking=booking, idempotency_key="k1", card=card(), wallet_amount=Decimal("200.00")
    )

    assert again.payment.pk == first.payment.pk and not again.created
    assert SandboxCharge.objects.count() == 1
    assert WalletTransaction.objects.filter(kind=Kind.BOOKING_PAYMENT).count() == 1


@freeze_time(NOW)
def test_the_wallet_alone_pays_and_confirms(customer, fare):
    fund(customer, "600.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    result = booking_pay(booking=booking, idempotency_key="k1", wallet_amount=Decimal("500.00"))

    assert result.payment.method == Payment.Method.WALLET
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    assert balance(customer) == Decimal("100.000")
    assert SandboxCharge.objects.count() == 0


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("funded", "wallet_amount", "with_card", "field"),
    [
        ("600.00", "500.01", False, "wallet_amount"),  # more than the booking needs
        ("600.00", "10.001", True, "wallet_amount"),  # finer than a cent
        ("600.00", "-1", True, "wallet_amount"),
        ("100.00", "150.00", True, "wallet_amount"),  # more than the wallet holds
        ("600.00", "200.00", False, "card"),  # the rest needs a card
    ],
)
def test_refused_payments_change_nothing(customer, fare, funded, wallet_amount, with_card, field):
    fund(customer, funded)
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    token = card() if with_card else None
    before = state(customer, booking)

    with pytest.raises(ApplicationError) as refused:
        booking_pay(
            booking=booking,
            idempotency_key="k1",
            card=token,
            wallet_amount=Decimal(wallet_amount),
        )

    assert field in refused.value.extra
    assert state(customer, booking) == before


@freeze_time(NOW)
def test_a_declined_card_keeps_the_wallet_part_and_the_next_card_pays_the_rest(customer, fare):
    fund(customer, "200.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    declined = booking_pay(
        booking=booking,
        idempotency_key="k1",
        card=card("4000000000000002"),
        wallet_amount=Decimal("200.00"),
    ).payment
    assert declined.status == Payment.Status.FAILED
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.HELD
    assert balance(customer) == Decimal("0.000")

    paid = booking_pay(booking=booking, idempotency_key="k2", card=card()).payment

    assert (paid.amount, paid.status) == (Decimal("300.000"), Payment.Status.CAPTURED)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_a_hold_that_runs_out_gives_the_wallet_part_back(customer, fare):
    with freeze_time(NOW):
        fund(customer, "200.00")
        booking = hold(customer, offer_for("DXB", "LHR", DAY))
        booking_pay(
            booking=booking,
            idempotency_key="k1",
            card=card("4000000000000002"),
            wallet_amount=Decimal("150.00"),
        )
        assert balance(customer) == Decimal("50.000")

    with freeze_time("2030-03-01 09:20:00"):
        assert bookings_expire_holds() == 1
        assert bookings_expire_holds() == 0

    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.EXPIRED
    assert balance(customer) == Decimal("200.000")
    refund = Refund.objects.get()
    assert (refund.destination, refund.status, refund.amount) == (
        Refund.Destination.WALLET,
        Refund.Status.SUCCEEDED,
        Decimal("150.000"),
    )
    assert Fare.objects.get(pk=fare.pk).seats_available == 5
    assert ledgers_verify() == []


@freeze_time(NOW)
def test_cancelling_returns_each_part_where_it_came_from(customer, fare):
    fund(customer, "200.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    booking_pay(booking=booking, idempotency_key="k1", card=card(), wallet_amount=Decimal("200"))

    quote = booking_cancel_quote(booking=booking)
    # 500 paid, 50 kept by the fare: 450 back, 2/5 of it to the wallet, 3/5 to the card.
    assert (quote.refund, quote.fees, quote.to_wallet, quote.to_card) == (
        Decimal("450.00"),
        Decimal("50.00"),
        Decimal("180.00"),
        Decimal("270.00"),
    )
    booking_cancel(booking=booking, quote_token=quote.token)

    assert balance(customer) == Decimal("180.000")
    refunds = {r.destination: (r.amount, r.status) for r in Refund.objects.all()}
    assert refunds == {
        Refund.Destination.WALLET: (Decimal("180.000"), Refund.Status.SUCCEEDED),
        Refund.Destination.CARD: (Decimal("270.000"), Refund.Status.SUCCEEDED),
    }
    assert SandboxCharge.objects.get().refunded == Decimal("270.000")
    assert Booking.objects.get(pk=booking.pk).refunded_total == Decimal("450.000")
    assert ledgers_verify() == []


@freeze_time(NOW)
def test_the_customer_can_take_the_card_part_to_the_wallet_instead(customer, fare):
    fund(customer, "200.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    booking_pay(booking=booking, idempotency_key="k1", card=card(), wallet_amount=Decimal("200"))

    quote = booking_cancel_quote(booking=booking)
    booking_cancel(booking=booking, quote_token=quote.token, refund_to="wallet")

    assert balance(customer) == Decimal("450.000")
    assert set(Refund.objects.values_list("destination", flat=True)) == {"wallet"}
    assert SandboxCharge.objects.get().refunded == Decimal("0.000")
    entries = WalletTransaction.objects.filter(kind=Kind.REFUND).order_by("amount")
    assert [e.amount for e in entries] == [Decimal("180.000"), Decimal("270.000")]


@freeze_time(NOW)
def test_an_unknown_refund_destination_is_refused(customer, fare):
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    booking_pay(booking=booking, idempotency_key="k1", card=card())
    quote = booking_cancel_quote(booking=booking)

    with pytest.raises(ApplicationError) as refused:
        booking_cancel(booking=booking, quote_token=quote.token, refund_to="cash")

    assert "refund_to" in refused.value.extra
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


@freeze_time(NOW)
def test_the_wallet_can_pay_what_its_balance_converts_to(customer, fare):
    rate("AED", "3.6725")
    CustomerWallet.objects.filter(customer=customer).update(currency="AED")
    customer = Customer.objects.get(pk=customer.pk)
    fund(customer, "100.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    # 100 AED at 1 USD = 3.6725 AED, rounded down to the cent.
    usable = wallet_usable_for_booking(customer=customer, booking=booking)
    assert usable == Decimal("27.22")

    booking_pay(booking=booking, idempotency_key="k1", card=card(), wallet_amount=usable)

    entry = WalletTransaction.objects.get(kind=Kind.BOOKING_PAYMENT)
    assert (entry.original_amount, entry.original_currency) == (Decimal("27.220"), "USD")
    assert entry.amount == Decimal("-99.970")
    assert balance(customer) == Decimal("0.030")


def test_a_trip_completes_once_its_last_flight_has_landed(customer, fare):
    with freeze_time(NOW):
        booking = hold(customer, offer_for("DXB", "LHR", DAY))
        booking_pay(booking=booking, idempotency_key="k1", card=card())

    # Departs 04:00 UTC on 10 March, lands 460 minutes later (11:40).
    with freeze_time("2030-03-10 11:39:00"):
        assert bookings_complete() == 0
    with freeze_time("2030-03-10 11:41:00"):
        assert bookings_complete() == 1
        assert bookings_complete() == 0

    assert Booking.objects.get(pk=booking.pk).completed_at == dt.datetime(
        2030, 3, 10, 11, 41, tzinfo=dt.UTC
    )


@freeze_time(NOW)
def test_a_second_attempt_waits_while_a_card_charge_is_unconfirmed(customer, fare):
    fund(customer, "200.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    # Charged, then the gateway times out: the payment's outcome is unknown for now.
    first = booking_pay(booking=booking, idempotency_key="k1", card=card("4000000000000119"))
    assert first.payment.status == Payment.Status.UNKNOWN
    before = state(customer, booking)

    with pytest.raises(ApplicationError) as refused:
        booking_pay(
            booking=booking, idempotency_key="k2", card=card(), wallet_amount=Decimal("200")
        )

    assert "still being confirmed" in refused.value.message
    assert state(customer, booking) == before


@freeze_time(NOW)
def test_a_card_capture_beyond_what_is_due_is_refunded_at_once(customer, fare):
    """Whatever the route to it, a booking never keeps more than it costs."""
    from payments.services import _settle

    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    booking_pay(booking=booking, idempotency_key="k1", card=card())
    late = Payment.objects.create(
        booking=booking, method=Payment.Method.CARD, amount=Decimal("120.00"), currency="USD",
        idempotency_key="late",
    )  # fmt: skip
    charge = SandboxCharge.objects.create(
        charge_id="ch_late", idempotency_key="late", card_token=card().token,
        amount=Decimal("120.00"), currency="USD", status="captured",
    )  # fmt: skip

    _settle(late, charge_id=charge.charge_id)

    late.refresh_from_db()
    assert (late.status, late.refunded_amount) == (Payment.Status.REFUNDED, Decimal("120.000"))
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


@freeze_time(NOW)
def test_the_same_key_with_another_wallet_amount_is_refused(customer, fare):
    fund(customer, "300.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    booking_pay(booking=booking, idempotency_key="k1", card=card(), wallet_amount=Decimal("100"))

    from bookings.services import IdempotencyKeyReused

    with pytest.raises(IdempotencyKeyReused):
        booking_pay(
            booking=booking, idempotency_key="k1", card=card(), wallet_amount=Decimal("300")
        )
    assert balance(customer) == Decimal("200.000")


@freeze_time(NOW)
def test_a_crash_after_cancelling_leaves_the_card_refund_owed_and_the_retry_sends_it(
    customer, fare, monkeypatch
):
    import payments.services
    from payments.services import refunds_retry

    fund(customer, "200.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    booking_pay(booking=booking, idempotency_key="k1", card=card(), wallet_amount=Decimal("200"))
    quote = booking_cancel_quote(booking=booking)

    def crash(*args, **kwargs):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(payments.services, "_refund_send", crash)
    with pytest.raises(RuntimeError):
        booking_cancel(booking=booking, quote_token=quote.token)
    monkeypatch.undo()

    # Committed with the cancellation: the wallet's part credited, the card's part owed.
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert balance(customer) == Decimal("180.000")
    owed = Refund.objects.get(destination=Refund.Destination.CARD)
    assert (owed.status, owed.amount) == (Refund.Status.PENDING, Decimal("270.000"))

    with freeze_time("2030-03-01 09:06:00"):
        assert refunds_retry() == {"refunded": 1, "retrying": 0, "given_up": 0}
    assert SandboxCharge.objects.get().refunded == Decimal("270.000")
    assert Booking.objects.get(pk=booking.pk).refunded_total == Decimal("450.000")
