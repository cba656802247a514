from decimal import Decimal

import pytest

from b2c.models import CustomerWallet, WalletTransaction
from b2c.selectors.wallet import wallet_for_customer, wallet_transaction_list
from b2c.services.wallet import wallet_create, wallet_credit, wallet_debit
from core.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_every_new_customer_gets_an_empty_wallet_in_their_currency(settings):
    settings.DEFAULT_CURRENCY = "KWD"
    customer = CustomerFactory()

    wallet = CustomerWallet.objects.get(customer=customer)
    assert (wallet.currency, wallet.balance) == ("KWD", Decimal("0.000"))
    assert wallet.transactions.count() == 0
    assert customer.wallet == wallet


def test_wallet_create_is_idempotent():
    customer = CustomerFactory()
    first = customer.wallet

    assert wallet_create(customer=customer) == first
    assert CustomerWallet.objects.filter(customer=customer).count() == 1


def test_wallet_keeps_its_currency_when_the_customer_changes_theirs():
    customer = CustomerFactory()
    customer.preferred_currency = "JPY"
    customer.save()

    assert CustomerWallet.objects.get(customer=customer).currency == "USD"


def test_the_ledger_list_takes_one_query_whatever_its_length(django_assert_num_queries):
    customer = CustomerFactory()
    wallet = wallet_for_customer(customer=customer)
    for index in range(3):
        wallet_credit(
            wallet=wallet,
            amount=Decimal("5.00"),
            kind=WalletTransaction.Kind.TOP_UP,
            idempotency_key=f"t{index}",
        )
    debit = wallet_debit(
        wallet=wallet,
        amount=Decimal("5.00"),
        kind=WalletTransaction.Kind.BOOKING_PAYMENT,
        idempotency_key="d",
    )

    with django_assert_num_queries(1):
        rows = [
            (entry.kind, entry.amount, entry.booking, entry.payment, entry.reverses)
            for entry in wallet_transaction_list(wallet=wallet)
        ]
    assert rows[0] == ("booking_payment", Decimal("-5.000"), None, None, None)
    assert len(rows) == 4
    assert debit.balance_after == Decimal("10.00")
