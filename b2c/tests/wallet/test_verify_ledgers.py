from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from b2c.models import CustomerWallet, WalletTransaction
from b2c.selectors.wallet import ledgers_verify
from b2c.services.wallet import wallet_credit, wallet_debit
from b2c.tests.wallet.helpers import wallet_in

pytestmark = pytest.mark.django_db
Kind = WalletTransaction.Kind


@pytest.fixture
def wallets():
    first, second = wallet_in("USD"), wallet_in("KWD")
    wallet_in("JPY")  # empty
    wallet_credit(wallet=first, amount=Decimal("80.00"), kind=Kind.TOP_UP, idempotency_key="1")
    wallet_debit(
        wallet=first, amount=Decimal("30.00"), kind=Kind.BOOKING_PAYMENT, idempotency_key="2"
    )
    wallet_credit(wallet=second, amount=Decimal("5.125"), kind=Kind.REFUND, idempotency_key="3")
    return first, second


def test_clean_ledgers_pass(wallets, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert ledgers_verify() == []
    out = StringIO()
    call_command("verify_ledgers", stdout=out)
    assert out.getvalue() == "All 3 wallets balance.\n"


def test_a_corrupted_balance_fails_and_names_the_wallet(wallets):
    first, _ = wallets
    CustomerWallet.objects.filter(pk=first.pk).update(balance=Decimal("60.00"))
    err = StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("verify_ledgers", stderr=err)

    assert str(exc.value) == "1 ledger mismatch(es) found."
    email = first.customer.user.email
    assert err.getvalue() == (
        f"Wallet {first.pk} ({email}, USD): balance 60.000 but its transactions sum to 50.000.\n"
    )


def test_a_corrupted_balance_after_is_found(wallets):
    _, second = wallets
    entry = second.transactions.get()
    WalletTransaction.objects.filter(pk=entry.pk).update(balance_after=Decimal("5.000"))

    assert ledgers_verify() == [
        f"Wallet {second.pk} ({second.customer.user.email}): entry {entry.pk} has balance_after "
        "5.000, but the entries up to it sum to 5.125."
    ]


def test_the_command_line_exits_with_status_1(wallets, capsys):
    first, _ = wallets
    CustomerWallet.objects.filter(pk=first.pk).update(balance=Decimal("0"))
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["manage.py", "verify_ledgers"])
    assert exc.value.code == 1
