"""Reads of wallets and their ledgers, and the check that every balance matches its ledger."""

from decimal import ROUND_FLOOR, Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from b2c.models import Customer, CustomerWallet, WalletTransaction
from core.money import minor_unit_exponent

AMOUNT_PLACES = Decimal("0.001")


def wallet_for_customer(*, customer: Customer) -> CustomerWallet:
    """The customer's wallet (404 when there is none), with its customer in the same query."""
    return get_object_or_404(
        CustomerWallet.objects.select_related("customer__user"), customer=customer
    )


def wallet_transaction_list(*, wallet: CustomerWallet) -> QuerySet[WalletTransaction]:
    """The wallet's ledger, newest first, with what each entry links to."""
    return (
        WalletTransaction.objects.filter(wallet=wallet)
        .select_related("booking", "payment", "reverses", "created_by")
        .order_by("-created_at", "-id")
    )


def _places(amount) -> Decimal:
    """A stored amount at the column's three places, whatever type the database returned."""
    return Decimal(str(amount)).quantize(AMOUNT_PLACES)


def ledgers_verify() -> list[str]:
    """Every way a wallet's balance disagrees with its ledger, as one line each; [] when none.

    Two queries whatever the number of wallets: the balances against the sums of their
    entries, then every entry in ledger order to check each `balance_after` against the
    running sum. (Loyalty accounts will be checked here too.)
    """
    problems = []
    total = Coalesce(
        Sum("transactions__amount"),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=20, decimal_places=3),
    )
    # Compared here rather than in SQL: SQLite sums decimals as floats.
    balances = (
        CustomerWallet.objects.annotate(total=total)
        .order_by("pk")
        .values_list("pk", "customer__user__email", "currency", "balance", "total")
        .iterator(chunk_size=2000)
    )
    for wallet_id, email, currency, balance, summed in balances:
        balance, summed = _places(balance), _places(summed)
        if balance != summed:
            problems.append(
                f"Wallet {wallet_id} ({email}, {currency}): balance {balance} but its "
                f"transactions sum to {summed}."
            )
    # Ids are taken under the wallet's lock, so id order is the order entries were applied.
    entries = (
        WalletTransaction.objects.order_by("wallet_id", "id")
        .values_list("wallet_id", "id", "amount", "balance_after", "wallet__customer__user__email")
        .iterator(chunk_size=2000)
    )
    current_wallet, running = None, Decimal(0)
    for wallet_id, entry_id, amount, balance_after, email in entries:
        if wallet_id != current_wallet:
            current_wallet, running = wallet_id, Decimal(0)
        running += _places(amount)
        if _places(balance_after) != running:
            problems.append(
                f"Wallet {wallet_id} ({email}): entry {entry_id} has balance_after "
                f"{_places(balance_after)}, but the entries up to it sum to {running}."
            )
            running = _places(balance_after)  # report where it went wrong, not every entry after it
    return problems


def wallet_usable_for_booking(*, customer: Customer, booking) -> Decimal:
    """How much of the booking's amount still due the customer's wallet can pay, in the
    booking's currency: its balance converted at the current rate, rounded down to the
    currency's minor unit (so the debit never comes to more than the balance)."""
    from payments.fx import RateUnavailable, rate_for
    from payments.services import booking_paid_total

    wallet = CustomerWallet.objects.filter(customer=customer).first()
    if wallet is None or wallet.balance <= 0:
        return Decimal(0)
    try:
        rate = rate_for(wallet.currency, booking.currency)
    except RateUnavailable:
        return Decimal(0)  # no rate: the wallet cannot pay in this currency
    usable = (wallet.balance * rate).quantize(
        minor_unit_exponent(booking.currency), rounding=ROUND_FLOOR
    )
    due = booking.amount_due - booking_paid_total(booking)
    return max(Decimal(0), min(usable, due))
