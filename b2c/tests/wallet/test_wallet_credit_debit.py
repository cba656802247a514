from decimal import Decimal

import pytest

from b2c.models import WalletTransaction
from b2c.services.wallet import wallet_credit, wallet_debit
from b2c.tests.wallet.helpers import snapshot, wallet_in
from core.exceptions import ApplicationError
from payments.fx import exchange_rates_refresh

pytestmark = pytest.mark.django_db
Kind = WalletTransaction.Kind


def test_credit_then_debit_move_the_balance_and_record_balance_after():
    wallet = wallet_in("USD")

    top_up = wallet_credit(
        wallet=wallet, amount=Decimal("100.00"), kind=Kind.TOP_UP, idempotency_key="t1"
    )
    payment = wallet_debit(
        wallet=wallet, amount=Decimal("30.25"), kind=Kind.BOOKING_PAYMENT, idempotency_key="p1"
    )

    assert (top_up.amount, top_up.balance_after, top_up.currency) == (
        Decimal("100.00"),
        Decimal("100.00"),
        "USD",
    )
    assert (payment.amount, payment.balance_after) == (Decimal("-30.25"), Decimal("69.75"))
    assert wallet.balance == Decimal("69.75")
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("69.750")
    assert list(wallet.transactions.values_list("kind", "amount", "balance_after")) == [
        ("booking_payment", Decimal("-30.250"), Decimal("69.750")),
        ("top_up", Decimal("100.000"), Decimal("100.000")),
    ]
    assert (payment.original_amount, payment.original_currency, payment.exchange_rate) == (
        None,
        "",
        None,
    )


@pytest.mark.parametrize(
    "amount, message",
    [
        (Decimal("10.005"), "10.005 has more decimals than USD allows."),
        (Decimal("0"), "The amount must be greater than zero."),
        (Decimal("0.00"), "The amount must be greater than zero."),
        (Decimal("-5.00"), "The amount must be greater than zero."),
        (Decimal("NaN"), "The amount must be greater than zero."),
        (Decimal("100000000000"), "The amount is too large."),
    ],
)
@pytest.mark.parametrize("post", [wallet_credit, wallet_debit])
def test_bad_amounts_are_refused_and_nothing_changes(post, amount, message):
    wallet = wallet_in("USD")
    wallet_credit(wallet=wallet, amount=Decimal("50.00"), kind=Kind.TOP_UP, idempotency_key="t")
    before = snapshot(wallet)

    with pytest.raises(ApplicationError) as exc:
        post(wallet=wallet, amount=amount, kind=Kind.TOP_UP, idempotency_key="bad")

    assert exc.value.message == message
    assert snapshot(wallet) == before
    assert before[0] == Decimal("50.000")


def test_floats_are_a_programming_error():
    wallet = wallet_in("USD")
    with pytest.raises(TypeError):
        wallet_credit(wallet=wallet, amount=10.5, kind=Kind.TOP_UP, idempotency_key="f")
    assert snapshot(wallet) == (Decimal("0.000"), [])


def test_a_debit_over_the_balance_is_refused_and_nothing_changes():
    wallet = wallet_in("USD")
    wallet_credit(wallet=wallet, amount=Decimal("20.00"), kind=Kind.TOP_UP, idempotency_key="t")
    before = snapshot(wallet)

    with pytest.raises(ApplicationError) as exc:
        wallet_debit(
            wallet=wallet, amount=Decimal("20.01"), kind=Kind.BOOKING_PAYMENT, idempotency_key="d"
        )

    assert exc.value.message == ("Not enough in your wallet: it holds $20.00, this needs $20.01.")
    assert exc.value.extra == {"amount": [exc.value.message]}
    assert snapshot(wallet) == before


def test_debit_of_the_whole_balance_leaves_zero():
    wallet = wallet_in("USD")
    wallet_credit(wallet=wallet, amount=Decimal("20.00"), kind=Kind.TOP_UP, idempotency_key="t")
    entry = wallet_debit(
        wallet=wallet, amount=Decimal("20.00"), kind=Kind.BOOKING_PAYMENT, idempotency_key="d"
    )
    assert entry.balance_after == Decimal("0.00")
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("0.000")


def test_kwd_takes_three_decimals_and_no_more():
    wallet = wallet_in("KWD")
    entry = wallet_credit(
        wallet=wallet, amount=Decimal("12.345"), kind=Kind.REFUND, idempotency_key="k1"
    )
    assert (entry.amount, entry.balance_after) == (Decimal("12.345"), Decimal("12.345"))
    before = snapshot(wallet)

    with pytest.raises(ApplicationError) as exc:
        wallet_credit(
            wallet=wallet, amount=Decimal("1.2345"), kind=Kind.REFUND, idempotency_key="k2"
        )

    assert exc.value.message == "1.2345 has more decimals than KWD allows."
    assert snapshot(wallet) == before


def test_jpy_takes_whole_yen_only():
    wallet = wallet_in("JPY")
    entry = wallet_credit(
        wallet=wallet, amount=Decimal("1500"), kind=Kind.CASHBACK, idempotency_key="j1"
    )
    assert (entry.amount, entry.balance_after) == (Decimal("1500"), Decimal("1500"))
    before = snapshot(wallet)

    with pytest.raises(ApplicationError) as exc:
        wallet_debit(
            wallet=wallet, amount=Decimal("1.5"), kind=Kind.BOOKING_PAYMENT, idempotency_key="j2"
        )

    assert exc.value.message == "1.5 has more decimals than JPY allows."
    assert snapshot(wallet) == before
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("1500.000")


def test_a_credit_in_another_currency_is_converted_and_the_rate_recorded():
    exchange_rates_refresh()
    wallet = wallet_in("AED")

    entry = wallet_credit(
        wallet=wallet,
        amount=Decimal("100.00"),
        currency="USD",
        kind=Kind.REFUND,
        idempotency_key="fx1",
    )

    entry.refresh_from_db()
    assert (entry.amount, entry.currency, entry.balance_after) == (
        Decimal("367.250"),
        "AED",
        Decimal("367.250"),
    )
    assert (entry.original_amount, entry.original_currency, entry.exchange_rate) == (
        Decimal("100.000"),
        "USD",
        Decimal("3.6725000000"),
    )
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("367.250")


def test_a_currency_without_a_rate_is_refused_and_nothing_changes():
    wallet = wallet_in("AED")  # no rates loaded
    with pytest.raises(ApplicationError) as exc:
        wallet_credit(
            wallet=wallet,
            amount=Decimal("10.00"),
            currency="USD",
            kind=Kind.REFUND,
            idempotency_key="fx",
        )
    assert exc.value.message == "No exchange rate from USD to AED is available."
    assert snapshot(wallet) == (Decimal("0.000"), [])


def test_the_same_key_twice_writes_one_entry():
    wallet = wallet_in("USD")
    first = wallet_credit(
        wallet=wallet, amount=Decimal("40.00"), kind=Kind.TOP_UP, idempotency_key="same"
    )
    again = wallet_credit(
        wallet=wallet, amount=Decimal("40.00"), kind=Kind.TOP_UP, idempotency_key="same"
    )

    assert again.pk == first.pk
    assert wallet.transactions.count() == 1
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("40.000")


def test_a_converted_retry_matches_on_the_original_amount():
    exchange_rates_refresh()
    wallet = wallet_in("AED")
    kwargs = {
        "amount": Decimal("10.00"),
        "currency": "USD",
        "kind": Kind.REFUND,
        "idempotency_key": "r",
    }
    first = wallet_credit(wallet=wallet, **kwargs)
    assert wallet_credit(wallet=wallet, **kwargs).pk == first.pk
    assert wallet.transactions.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"amount": Decimal("41.00")},
        {"kind": Kind.CASHBACK},
        {"post": wallet_debit},
        {"other_wallet": True},
    ],
)
def test_the_same_key_for_something_else_is_refused(change):
    wallet = wallet_in("USD")
    other = wallet_in("USD")
    wallet_credit(wallet=wallet, amount=Decimal("40.00"), kind=Kind.TOP_UP, idempotency_key="k")
    before, other_before = snapshot(wallet), snapshot(other)
    post = change.get("post", wallet_credit)

    with pytest.raises(ApplicationError) as exc:
        post(
            wallet=other if change.get("other_wallet") else wallet,
            amount=change.get("amount", Decimal("40.00")),
            kind=change.get("kind", Kind.TOP_UP),
            idempotency_key="k",
        )

    assert exc.value.message == (
        "This idempotency key was already used for a different wallet transaction."
    )
    assert (snapshot(wallet), snapshot(other)) == (before, other_before)


def test_a_cross_rate_is_stored_at_the_rate_columns_places():
    exchange_rates_refresh()
    wallet = wallet_in("AED")

    entry = wallet_credit(
        wallet=wallet,
        amount=Decimal("10.000"),
        currency="KWD",
        kind=Kind.REFUND,
        idempotency_key="x",
    )

    stored = WalletTransaction.objects.get(pk=entry.pk)
    assert entry.exchange_rate == stored.exchange_rate == Decimal("11.9703389831")
    assert (stored.amount, stored.original_amount, stored.original_currency) == (
        Decimal("119.700"),
        Decimal("10.000"),
        "KWD",
    )


def test_a_balance_over_the_column_is_refused():
    wallet = wallet_in("USD")
    wallet_credit(
        wallet=wallet, amount=Decimal("99999999999.99"), kind=Kind.TOP_UP, idempotency_key="big"
    )
    before = snapshot(wallet)
    with pytest.raises(ApplicationError) as exc:
        wallet_credit(wallet=wallet, amount=Decimal("0.01"), kind=Kind.TOP_UP, idempotency_key="o")
    assert exc.value.message == "This would take the wallet over its largest balance."
    assert snapshot(wallet) == before
