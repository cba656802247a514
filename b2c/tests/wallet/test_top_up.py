"""wallet_top_up: a card charge that credits the wallet once per key; a decline credits nothing;
a timeout is finished by reconciliation; bad amounts and expired cards charge nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from b2c.models import CustomerWallet, SavedPaymentMethod, WalletTransaction
from b2c.selectors.wallet import ledgers_verify
from b2c.services.wallet import saved_card_token, wallet_top_up
from b2c.tests.wallet.helpers import snapshot, wallet_in
from b2c.tests.wallet.test_wallet_race import race
from core.exceptions import ApplicationError
from payments.gateway import CardToken
from payments.models import Payment, SandboxCharge
from payments.services import card_tokenize, decline_message, payments_reconcile

Kind = WalletTransaction.Kind
NEXT_YEAR = timezone.localdate().year + 1


def card(number="4242424242424242"):
    return card_tokenize(number=number, exp_month=12, exp_year=NEXT_YEAR, cvc="123")


def top_up(wallet, amount, key="key-1", number="4242424242424242", token=None):
    return wallet_top_up(
        customer=wallet.customer,
        amount=Decimal(amount),
        card=token or card(number),
        idempotency_key=key,
    )


def unchanged(wallet, before):
    assert snapshot(wallet) == before
    assert Payment.objects.count() == 0
    assert SandboxCharge.objects.count() == 0


@pytest.mark.django_db
def test_a_paying_card_credits_exactly_the_amount():
    wallet = wallet_in("USD")

    result = top_up(wallet, "25.50")

    assert result.created is True
    payment = result.payment
    assert (payment.status, payment.amount, payment.currency) == (
        "captured",
        Decimal("25.50"),
        "USD",
    )
    assert (payment.wallet_id, payment.booking_id) == (wallet.pk, None)
    assert (payment.card_brand, payment.card_last4) == ("visa", "4242")
    entry = WalletTransaction.objects.get(wallet=wallet)
    assert (entry.kind, entry.amount, entry.balance_after, entry.payment_id) == (
        Kind.TOP_UP,
        Decimal("25.500"),
        Decimal("25.500"),
        payment.pk,
    )
    assert CustomerWallet.objects.get(pk=wallet.pk).balance == Decimal("25.500")
    charge = SandboxCharge.objects.get()
    assert (charge.amount, charge.currency, charge.status) == (Decimal("25.50"), "USD", "captured")
    assert ledgers_verify() == []


@pytest.mark.django_db
def test_the_same_key_again_charges_once_and_answers_the_first_top_up():
    wallet = wallet_in("USD")
    token = card()
    first = top_up(wallet, "40.00", token=token)

    again = top_up(wallet, "40.00", token=token)

    assert (again.created, again.payment.pk) == (False, first.payment.pk)
    assert SandboxCharge.objects.count() == 1
    assert WalletTransaction.objects.filter(wallet=wallet).count() == 1
    assert CustomerWallet.objects.get(pk=wallet.pk).balance == Decimal("40.000")


@pytest.mark.django_db
def test_the_same_key_for_another_amount_is_refused_and_changes_nothing():
    wallet = wallet_in("USD")
    top_up(wallet, "40.00")
    before = snapshot(wallet)

    with pytest.raises(ApplicationError) as exc:
        top_up(wallet, "41.00")

    assert exc.value.extra == {
        "idempotency_key": ["This idempotency key was already used for a different top-up."]
    }
    assert snapshot(wallet) == before
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_a_declined_card_credits_nothing():
    wallet = wallet_in("USD")
    before = snapshot(wallet)

    result = top_up(wallet, "25.00", number="4000000000000002")

    payment = result.payment
    assert (payment.status, payment.decline_code) == ("failed", "card_declined")
    assert decline_message(payment) == "Your card was declined. Try another card."
    assert snapshot(wallet) == before
    assert SandboxCharge.objects.get().status == "declined"


@pytest.mark.django_db
def test_a_timeout_after_charging_is_credited_once_by_reconciliation():
    wallet = wallet_in("USD")
    before = snapshot(wallet)

    result = top_up(wallet, "30.00", number="4000000000000119")

    assert result.payment.status == "unknown"
    assert snapshot(wallet) == before
    assert SandboxCharge.objects.get().status == "captured"

    done = payments_reconcile(older_than=dt.timedelta(0))
    again = payments_reconcile(older_than=dt.timedelta(0))

    assert (done["settled"], again["settled"]) == (1, 0)
    assert Payment.objects.get().status == "captured"
    entry = WalletTransaction.objects.get(wallet=wallet)
    assert (entry.kind, entry.amount, entry.balance_after) == (
        Kind.TOP_UP,
        Decimal("30.000"),
        Decimal("30.000"),
    )
    assert CustomerWallet.objects.get(pk=wallet.pk).balance == Decimal("30.000")
    assert SandboxCharge.objects.count() == 1
    assert ledgers_verify() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("currency", "amount", "message"),
    [
        ("USD", "0", "The amount must be greater than zero."),
        ("USD", "-5", "The amount must be greater than zero."),
        ("USD", "10.001", "10.001 has more decimals than USD allows."),
        ("JPY", "1.5", "1.5 has more decimals than JPY allows."),
        ("USD", "5000.01", "You can add at most $5,000.00 at a time."),
        ("JPY", "800001", "You can add at most ¥800,000 at a time."),
        ("KWD", "1.0001", "1.0001 has more decimals than KWD allows."),
    ],
)
def test_bad_amounts_are_refused_before_any_charge(currency, amount, message):
    wallet = wallet_in(currency)
    token = card()
    before = snapshot(wallet)

    with pytest.raises(ApplicationError) as exc:
        top_up(wallet, amount, token=token)

    assert exc.value.extra == {"amount": [message]}
    unchanged(wallet, before)


@pytest.mark.django_db
def test_the_limit_itself_and_three_decimals_in_kwd_are_accepted():
    usd, kwd = wallet_in("USD"), wallet_in("KWD")

    assert top_up(usd, "5000.00", key="a").payment.status == "captured"
    assert top_up(kwd, "1.125", key="b").payment.status == "captured"

    assert CustomerWallet.objects.get(pk=usd.pk).balance == Decimal("5000.000")
    assert CustomerWallet.objects.get(pk=kwd.pk).balance == Decimal("1.125")


@pytest.mark.django_db
def test_an_expired_card_is_refused_before_any_charge():
    wallet = wallet_in("USD")
    before = snapshot(wallet)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    token = CardToken("tok_old", "visa", "4242", last_month.month, last_month.year)

    with pytest.raises(ApplicationError) as exc:
        top_up(wallet, "10.00", token=token)

    assert exc.value.extra == {
        "card": [f"This card expired in {last_month.month:02d}/{last_month.year}."]
    }
    unchanged(wallet, before)


@pytest.mark.django_db
def test_an_expired_saved_card_cannot_be_charged():
    wallet = wallet_in("USD")
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    method = SavedPaymentMethod.objects.create(
        customer=wallet.customer, token="tok_old", brand="visa", last4="4242",
        exp_month=last_month.month, exp_year=last_month.year, is_default=True,
    )  # fmt: skip

    with pytest.raises(ApplicationError) as exc:
        saved_card_token(customer=wallet.customer, method_id=method.pk)

    assert exc.value.extra == {
        "payment_method": [f"This card expired in {last_month.month:02d}/{last_month.year}."]
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_top_up_sent_from_10_threads_at_once_charges_once():
    wallet = wallet_in("USD")
    token = card()
    customer = wallet.customer

    outcomes, errors = race(
        10,
        lambda index: wallet_top_up(
            customer=customer, amount=Decimal("75.00"), card=token, idempotency_key="double-click"
        ),
    )

    assert errors == []
    assert connection.vendor == "postgresql"
    payment = Payment.objects.get()
    assert payment.status == "captured"
    assert sorted(outcome.created for outcome in outcomes) == [False] * 9 + [True]
    assert {outcome.payment.pk for outcome in outcomes} == {payment.pk}
    assert SandboxCharge.objects.count() == 1
    entry = WalletTransaction.objects.get(wallet=wallet)
    assert (entry.kind, entry.amount) == (Kind.TOP_UP, Decimal("75.000"))
    assert CustomerWallet.objects.get(pk=wallet.pk).balance == Decimal("75.000")
    assert ledgers_verify() == []
