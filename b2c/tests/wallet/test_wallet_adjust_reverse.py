from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from b2c.models import WalletTransaction
from b2c.services.wallet import wallet_adjust, wallet_credit, wallet_debit, wallet_reverse
from b2c.tests.wallet.helpers import snapshot, wallet_in
from core.exceptions import ApplicationError
from core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = WalletTransaction.Kind


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def wallet():
    wallet = wallet_in("USD")
    wallet_credit(wallet=wallet, amount=Decimal("50.00"), kind=Kind.TOP_UP, idempotency_key="t")
    return wallet


def test_staff_adjustments_add_and_take_away_with_the_reason_and_who(wallet, staff):
    added = wallet_adjust(
        wallet=wallet, amount=Decimal("12.50"), reason="Goodwill", user=staff, idempotency_key="a1"
    )
    taken = wallet_adjust(
        wallet=wallet,
        amount=Decimal("-2.50"),
        reason=" Duplicate credit ",
        user=staff,
        idempotency_key="a2",
    )

    assert (added.kind, added.amount, added.balance_after, added.reason, added.created_by) == (
        "adjustment",
        Decimal("12.50"),
        Decimal("62.50"),
        "Goodwill",
        staff,
    )
    assert (taken.amount, taken.balance_after, taken.reason) == (
        Decimal("-2.50"),
        Decimal("60.00"),
        "Duplicate credit",
    )
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("60.000")


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_adjustment_needs_a_reason(wallet, staff, reason):
    before = snapshot(wallet)
    with pytest.raises(ApplicationError) as exc:
        wallet_adjust(
            wallet=wallet, amount=Decimal("5.00"), reason=reason, user=staff, idempotency_key="a"
        )
    assert exc.value.message == "Give a reason for the adjustment."
    assert snapshot(wallet) == before


def test_an_adjustment_by_credit_also_needs_a_reason(wallet):
    before = snapshot(wallet)
    with pytest.raises(ApplicationError):
        wallet_credit(
            wallet=wallet, amount=Decimal("5.00"), kind=Kind.ADJUSTMENT, idempotency_key="a"
        )
    assert snapshot(wallet) == before


def test_the_database_refuses_an_adjustment_without_a_reason(wallet):
    with pytest.raises(IntegrityError), transaction.atomic():
        WalletTransaction.objects.create(
            wallet=wallet,
            kind=Kind.ADJUSTMENT,
            amount=Decimal("1.00"),
            balance_after=Decimal("51.00"),
            currency="USD",
            idempotency_key="raw",
        )


@pytest.mark.parametrize(
    "amount, message",
    [
        (Decimal("0"), "The amount must be greater than zero."),
        (Decimal("-50.01"), "Not enough in your wallet: it holds $50.00, this needs $50.01."),
        (Decimal("1.001"), "1.001 has more decimals than USD allows."),
    ],
)
def test_bad_adjustments_are_refused(wallet, staff, amount, message):
    before = snapshot(wallet)
    with pytest.raises(ApplicationError) as exc:
        wallet_adjust(wallet=wallet, amount=amount, reason="x", user=staff, idempotency_key="a")
    assert exc.value.message == message
    assert snapshot(wallet) == before


def test_a_reversal_is_the_opposite_entry_linked_to_the_original(wallet, staff):
    payment = wallet_debit(
        wallet=wallet, amount=Decimal("20.00"), kind=Kind.BOOKING_PAYMENT, idempotency_key="p"
    )

    reversal = wallet_reverse(
        transaction=payment, reason="Charged twice", user=staff, idempotency_key="rev-p"
    )

    assert (reversal.kind, reversal.amount, reversal.balance_after) == (
        "reversal",
        Decimal("20.00"),
        Decimal("50.00"),
    )
    assert (reversal.reverses, reversal.reason, reversal.created_by) == (
        payment,
        "Charged twice",
        staff,
    )
    assert payment.reversed_by == reversal
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("50.000")
    # A retry of the same reversal returns it.
    again = wallet_reverse(
        transaction=payment, reason="Charged twice", user=staff, idempotency_key="rev-p"
    )
    assert again.pk == reversal.pk
    assert wallet.transactions.count() == 3


def test_an_entry_is_reversed_at_most_once(wallet, staff):
    top_up = wallet.transactions.get()
    wallet_reverse(transaction=top_up, reason="Card disputed", user=staff, idempotency_key="r1")
    before = snapshot(wallet)

    with pytest.raises(ApplicationError) as exc:
        wallet_reverse(transaction=top_up, reason="Again", user=staff, idempotency_key="r2")

    assert exc.value.message == "This transaction has already been reversed."
    assert snapshot(wallet) == before
    assert before[0] == Decimal("0.000")


def test_a_reversal_cannot_be_reversed(wallet, staff):
    top_up = wallet.transactions.get()
    reversal = wallet_reverse(transaction=top_up, reason="x", user=staff, idempotency_key="r1")
    before = snapshot(wallet)

    with pytest.raises(ApplicationError) as exc:
        wallet_reverse(transaction=reversal, reason="y", user=staff, idempotency_key="r2")

    assert exc.value.message == "A reversal cannot itself be reversed."
    assert snapshot(wallet) == before


def test_a_reversal_that_would_make_the_balance_negative_is_refused(wallet, staff):
    top_up = wallet.transactions.get()
    wallet_debit(
        wallet=wallet, amount=Decimal("30.00"), kind=Kind.BOOKING_PAYMENT, idempotency_key="p"
    )
    before = snapshot(wallet)

    with pytest.raises(ApplicationError) as exc:
        wallet_reverse(transaction=top_up, reason="Disputed", user=staff, idempotency_key="r")

    assert exc.value.message == "Not enough in your wallet: it holds $20.00, this needs $50.00."
    assert snapshot(wallet) == before


def test_a_reversal_needs_a_reason(wallet, staff):
    before = snapshot(wallet)
    with pytest.raises(ApplicationError) as exc:
        wallet_reverse(
            transaction=wallet.transactions.get(), reason="", user=staff, idempotency_key="r"
        )
    assert exc.value.message == "Give a reason for the reversal."
    assert snapshot(wallet) == before
