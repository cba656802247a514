"""Concurrent debits that together exceed the balance, and retries of one credit, on
PostgreSQL: the balance never goes negative, always equals the ledger, and a key pays once."""

from decimal import Decimal

import pytest

from b2c.models import CustomerWallet, WalletTransaction
from b2c.selectors.wallet import ledgers_verify
from b2c.services.wallet import wallet_credit, wallet_debit
from b2c.tests.wallet.helpers import wallet_in
from core.testing.concurrency import race

Kind = WalletTransaction.Kind


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_50_concurrent_debits_never_overdraw():
    wallet = wallet_in("USD")
    wallet_credit(wallet=wallet, amount=Decimal("1000.00"), kind=Kind.TOP_UP, idempotency_key="t")

    outcomes, errors = race(
        50,
        lambda index: (
            wallet_debit(
                wallet=CustomerWallet.objects.get(pk=wallet.pk),
                amount=Decimal("30.00"),
                kind=Kind.BOOKING_PAYMENT,
                idempotency_key=f"debit-{index}",
            ).pk
        ),
    )

    assert errors == []
    refused = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert len(refused) == 17
    assert set(refused) == {"Not enough in your wallet: it holds $10.00, this needs $30.00."}
    assert len(outcomes) - len(refused) == 33
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("10.000")
    entries = wallet.transactions.order_by("id")
    assert entries.count() == 34
    assert sum(entries.values_list("amount", flat=True)) == Decimal("10.000")
    assert sorted(entries.values_list("balance_after", flat=True)) == sorted(
        Decimal(1000 - 30 * n) for n in range(34)
    )
    assert ledgers_verify() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_20_concurrent_retries_of_one_top_up_credit_once():
    wallet = wallet_in("USD")

    outcomes, errors = race(
        20,
        lambda index: (
            wallet_credit(
                wallet=CustomerWallet.objects.get(pk=wallet.pk),
                amount=Decimal("25.00"),
                kind=Kind.TOP_UP,
                idempotency_key="top-up-1",
            ).pk
        ),
    )

    assert errors == []
    entry = wallet.transactions.get()
    assert outcomes == [entry.pk] * 20
    assert (entry.amount, entry.balance_after) == (Decimal("25.000"), Decimal("25.000"))
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("25.000")
    assert ledgers_verify() == []
