"""Writes to wallets: every change of a balance is a WalletTransaction written with it.

Each write locks the wallet row (`select_for_update`) in a short transaction, re-checks the
idempotency key under the lock, appends the entry with its `balance_after` and saves the
balance. A retried request (same key, same amount) gets the first entry back; a concurrent one
that loses the race on the unique key gets the winner's.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from b2c.models import Customer, CustomerWallet, SavedPaymentMethod, WalletTransaction
from core.exceptions import ApplicationError
from core.formatting import format_money
from core.money import quantize
from payments.fx import RATE_PLACES, convert
from payments.gateway import CardToken
from payments.models import Payment
from payments.services import card_tokenize

Kind = WalletTransaction.Kind

# What a wallet amount column holds (max_digits=14, decimal_places=3).
AMOUNT_LIMIT = Decimal("1E11")

# The most one card top-up adds, per wallet currency: about 5,000 US dollars, in round numbers a
# customer recognises (card issuers flag larger stored-value loads).
TOP_UP_LIMIT = {
    "USD": Decimal(5000), "EUR": Decimal(5000), "GBP": Decimal(4000), "SAR": Decimal(20000),
    "AED": Decimal(20000), "QAR": Decimal(20000), "KWD": Decimal(1500), "BHD": Decimal(2000),
    "OMR": Decimal(2000), "JOD": Decimal(3500), "EGP": Decimal(250000), "TRY": Decimal(200000),
    "BDT": Decimal(600000), "PKR": Decimal(1400000), "INR": Decimal(450000),
    "MYR": Decimal(25000), "SGD": Decimal(7000), "JPY": Decimal(800000),
}  # fmt: skip


def _refused(field: str, message: str) -> ApplicationError:
    """A refusal whose message is also the error of `field` (the API's field errors)."""
    return ApplicationError(message, extra={field: [message]})


def wallet_create(*, customer: Customer) -> CustomerWallet:
    """The customer's wallet, in the customer's preferred currency, created on first call.
    Safe under races: the one-wallet-per-customer constraint decides."""
    existing = CustomerWallet.objects.filter(customer=customer).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return CustomerWallet.objects.create(
                customer=customer, currency=customer.preferred_currency
            )
    except IntegrityError:
        return CustomerWallet.objects.get(customer=customer)


def _validate_amount(amount: Decimal, currency: str) -> None:
    if not isinstance(amount, Decimal):
        raise TypeError("Money amounts are Decimal, never float.")
    if not amount.is_finite() or amount <= 0:
        raise _refused("amount", _("The amount must be greater than zero."))
    if amount >= AMOUNT_LIMIT:
        raise _refused("amount", _("The amount is too large."))
    if quantize(amount, currency) != amount:
        # Rounding it silently would credit or charge a different amount than was asked.
        raise _refused(
            "amount",
            _("%(amount)s has more decimals than %(currency)s allows.")
            % {"amount": amount, "currency": currency},
        )


def _same_request(
    entry: WalletTransaction,
    *,
    wallet: CustomerWallet,
    kind: str,
    signed: Decimal,
    currency: str,
    reverses: WalletTransaction | None,
) -> bool:
    """Whether `entry` is what this request would have written (a retry), rates aside."""
    if entry.wallet_id != wallet.pk or entry.kind != kind:
        return False
    if entry.reverses_id != (reverses.pk if reverses is not None else None):
        return False
    if entry.original_currency:
        sign = 1 if entry.amount > 0 else -1
        return (sign * (entry.original_amount or 0), entry.original_currency) == (
            signed,
            currency,
        )
    return (entry.amount, entry.currency) == (signed, currency)


def _replay(entry: WalletTransaction, **request) -> WalletTransaction:
    if not _same_request(entry, **request):
        raise _refused(
            "idempotency_key",
            _("This idempotency key was already used for a different wallet transaction."),
        )
    return entry


def _post(
    *,
    wallet: CustomerWallet,
    amount: Decimal,
    direction: int,
    kind: str,
    idempotency_key: str,
    currency: str | None,
    booking=None,
    payment=None,
    customer_reward=None,
    reason: str = "",
    user=None,
    reverses: WalletTransaction | None = None,
) -> WalletTransaction:
    """Append one entry of `direction` (+1 in, -1 out) and move the balance with it."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown wallet transaction kind: {kind!r}")
    if not idempotency_key:
        raise ValueError("A wallet transaction needs an idempotency key.")
    reason = reason.strip()
    if kind == Kind.ADJUSTMENT and not reason:
        raise _refused("reason", _("Give a reason for the adjustment."))
    currency = currency or wallet.currency
    _validate_amount(amount, currency)
    request = {
        "wallet": wallet,
        "kind": kind,
        "signed": direction * amount,
        "currency": currency,
        "reverses": reverses,
    }
    # Before the lock: a rate lookup may read the database (never the network).
    conversion = convert(amount, currency, wallet.currency)
    if conversion.amount <= 0:
        raise _refused(
            "amount",
            _("%(amount)s %(currency)s is less than the smallest amount of %(wallet)s.")
            % {"amount": amount, "currency": currency, "wallet": wallet.currency},
        )
    if conversion.amount >= AMOUNT_LIMIT:
        raise _refused("amount", _("The amount is too large."))
    signed = direction * conversion.amount
    converted = currency != wallet.currency
    try:
        with transaction.atomic():
            locked = CustomerWallet.objects.select_for_update().get(pk=wallet.pk)
            # Under the lock, so a retry that waited for the first attempt sees its entry.
            existing = WalletTransaction.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                wallet.balance = locked.balance
                return _replay(existing, **request)
            if (
                reverses is not None
                and WalletTransaction.objects.filter(reverses=reverses).exists()
            ):
                raise _refused("amount", _("This transaction has already been reversed."))
            balance_after = locked.balance + signed
            if balance_after >= AMOUNT_LIMIT:
                raise ApplicationError(_("This would take the wallet over its largest balance."))
            if balance_after < 0:
                raise _refused(
                    "amount",
                    _("Not enough in your wallet: it holds %(balance)s, this needs %(amount)s.")
                    % {
                        "balance": format_money(locked.balance, locked.currency),
                        "amount": format_money(conversion.amount, locked.currency),
                    },
                )
            entry = WalletTransaction.objects.create(
                wallet=locked,
                kind=kind,
                amount=signed,
                balance_after=balance_after,
                currency=locked.currency,
                reason=reason,
                idempotency_key=idempotency_key,
                booking=booking,
                payment=payment,
                customer_reward=customer_reward,
                reverses=reverses,
                created_by=user,
                original_amount=amount if converted else None,
                original_currency=currency if converted else "",
                exchange_rate=conversion.rate.quantize(RATE_PLACES) if converted else None,
            )
            locked.balance = balance_after
            locked.save(update_fields=["balance", "updated_at"])
    except IntegrityError:
        # A concurrent request with the same key (on another wallet's lock) got there first.
        existing = WalletTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _replay(existing, **request)
        if reverses is not None and WalletTransaction.objects.filter(reverses=reverses).exists():
            raise _refused("reason", _("This transaction has already been reversed.")) from None
        raise
    wallet.balance = locked.balance
    return entry


def wallet_credit(
    *,
    wallet: CustomerWallet,
    amount: Decimal,
    kind: str,
    idempotency_key: str,
    currency: str | None = None,
    booking=None,
    payment=None,
    customer_reward=None,
    reason: str = "",
    user=None,
) -> WalletTransaction:
    """Add `amount` (of `currency`, the wallet's by default, converted at the current rate)."""
    return _post(
        wallet=wallet,
        amount=amount,
        direction=1,
        kind=kind,
        idempotency_key=idempotency_key,
        currency=currency,
        booking=booking,
        payment=payment,
        customer_reward=customer_reward,
        reason=reason,
        user=user,
    )


def wallet_debit(
    *,
    wallet: CustomerWallet,
    amount: Decimal,
    kind: str,
    idempotency_key: str,
    currency: str | None = None,
    booking=None,
    payment=None,
    reason: str = "",
    user=None,
) -> WalletTransaction:
    """Take `amount` out; refused, with nothing written, when the balance is not enough."""
    return _post(
        wallet=wallet,
        amount=amount,
        direction=-1,
        kind=kind,
        idempotency_key=idempotency_key,
        currency=currency,
        booking=booking,
        payment=payment,
        reason=reason,
        user=user,
    )


def wallet_adjust(
    *, wallet: CustomerWallet, amount: Decimal, reason: str, user, idempotency_key: str
) -> WalletTransaction:
    """A staff correction: positive adds, negative takes away; always with a reason."""
    if not reason.strip():
        raise ApplicationError(_("Give a reason for the adjustment."))
    if not isinstance(amount, Decimal):
        raise TypeError("Money amounts are Decimal, never float.")
    post = wallet_credit if amount > 0 else wallet_debit
    # Zero and NaN reach _validate_amount, which refuses them.
    return post(
        wallet=wallet,
        amount=abs(amount) if amount.is_finite() else amount,
        kind=Kind.ADJUSTMENT,
        idempotency_key=idempotency_key,
        reason=reason,
        user=user,
    )


def wallet_reverse(
    *, transaction: WalletTransaction, reason: str, user, idempotency_key: str
) -> WalletTransaction:
    """Undo `transaction` with an opposite entry that points at it; at most once per entry."""
    entry = transaction
    if not reason.strip():
        raise _refused("reason", _("Give a reason for the reversal."))
    if entry.kind == Kind.REVERSAL:
        raise ApplicationError(_("A reversal cannot itself be reversed."))
    return _post(
        wallet=entry.wallet,
        amount=abs(entry.amount),
        direction=-1 if entry.amount > 0 else 1,
        kind=Kind.REVERSAL,
        idempotency_key=idempotency_key,
        currency=entry.currency,
        booking=entry.booking,
        payment=entry.payment,
        reason=reason,
        user=user,
        reverses=entry,
    )


def _expired_message(month: int, year: int) -> str | None:
    """The refusal for a card that expired before this month, or None while it is valid."""
    today = timezone.localdate()
    if (year, month) < (today.year, today.month):
        return _("This card expired in %(month)s/%(year)s.") % {
            "month": f"{month:02d}",
            "year": year,
        }
    return None


def _own_method(customer: Customer, method_id: int) -> SavedPaymentMethod:
    method = SavedPaymentMethod.objects.filter(pk=method_id, customer=customer).first()
    if method is None:
        # The same answer whether the card is someone else's or does not exist (404, not 403).
        raise _refused("payment_method", _("This saved card was not found."))
    return method


def payment_method_add(
    *,
    customer: Customer,
    number: str,
    exp_month: int,
    exp_year: int,
    cvc: str,
    holder_name: str,
    make_default: bool = False,
) -> SavedPaymentMethod:
    """Tokenise a card at the gateway and keep its token; the customer's first card is default."""
    if 1 <= exp_month <= 12 and (expired := _expired_message(exp_month, exp_year)):
        raise _refused("expiry", expired)
    # Only the token, brand and last four digits come back; the number and CVC stop here.
    card = card_tokenize(number=number, exp_month=exp_month, exp_year=exp_year, cvc=cvc)
    with transaction.atomic():
        # Serialises one customer's card changes, so "the first card is default" and the
        # default swap cannot race (the one-default constraint would refuse the loser).
        Customer.objects.select_for_update().get(pk=customer.pk)
        methods = SavedPaymentMethod.objects.filter(customer=customer)
        same = (
            methods.filter(
                fingerprint=card.fingerprint, exp_month=card.exp_month, exp_year=card.exp_year
            ).first()
            if card.fingerprint
            else None
        )
        if same is not None:
            # The same card saved again: one entry, made default if asked.
            if make_default and not same.is_default:
                methods.filter(is_default=True).update(is_default=False, updated_at=timezone.now())
                same.is_default = True
                same.save(update_fields=["is_default", "updated_at"])
            return same
        default = make_default or not methods.filter(is_default=True).exists()
        if default:
            methods.filter(is_default=True).update(is_default=False, updated_at=timezone.now())
        return SavedPaymentMethod.objects.create(
            customer=customer,
            token=card.token,
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            holder_name=holder_name.strip()[:100],
            fingerprint=card.fingerprint,
            is_default=default,
        )


def payment_method_set_default(*, customer: Customer, method_id: int) -> SavedPaymentMethod:
    """Make one of the customer's own saved cards the default (and no other)."""
    with transaction.atomic():
        Customer.objects.select_for_update().get(pk=customer.pk)
        method = _own_method(customer, method_id)
        if not method.is_default:
            # The old default first: the one-default constraint is checked row by row.
            SavedPaymentMethod.objects.filter(customer=customer, is_default=True).update(
                is_default=False, updated_at=timezone.now()
            )
            method.is_default = True
            method.save(update_fields=["is_default", "updated_at"])
    return method


def payment_method_delete(*, customer: Customer, method_id: int) -> None:
    """Forget one of the customer's own saved cards; the newest other card becomes default."""
    with transaction.atomic():
        Customer.objects.select_for_update().get(pk=customer.pk)
        method = _own_method(customer, method_id)
        was_default = method.is_default
        method.delete()
        if was_default:
            newest = (
                SavedPaymentMethod.objects.filter(customer=customer)
                .order_by("-created_at", "-id")
                .first()
            )
            if newest is not None:
                newest.is_default = True
                newest.save(update_fields=["is_default", "updated_at"])


@dataclass(frozen=True)
class TopUpResult:
    payment: Payment
    created: bool  # False: a retry with the same key, answered with the top-up it made before


def saved_card_token(*, customer: Customer, method_id: int) -> CardToken:
    """One of the customer's own saved cards, ready to charge; an expired card is refused."""
    method = _own_method(customer, method_id)
    if expired := _expired_message(method.exp_month, method.exp_year):
        raise _refused("payment_method", expired)
    return CardToken(
        token=method.token,
        brand=method.brand,
        last4=method.last4,
        exp_month=method.exp_month,
        exp_year=method.exp_year,
        fingerprint=method.fingerprint,
    )


def wallet_top_up(
    *, customer: Customer, amount: Decimal, card: CardToken, idempotency_key: str
) -> TopUpResult:
    """Add `amount` of the wallet's currency by charging `card`, once per `idempotency_key`.

    The top-up's payment is recorded (pending) before the gateway is called, and the wallet is
    credited in the transaction that records the capture (payments._settle_top_up): a crash or a
    timeout in between leaves a pending payment that `payments_reconcile` finishes, never a
    charge without its credit. A declined card credits nothing.
    """
    from payments.services import _charge

    if not idempotency_key:
        raise ValueError("A top-up needs an idempotency key.")
    wallet = wallet_create(customer=customer)
    _validate_amount(amount, wallet.currency)
    if amount > TOP_UP_LIMIT.get(wallet.currency, amount):
        raise _refused(
            "amount",
            _("You can add at most %(limit)s at a time.")
            % {"limit": format_money(TOP_UP_LIMIT[wallet.currency], wallet.currency)},
        )
    if expired := _expired_message(card.exp_month, card.exp_year):
        raise _refused("card", expired)
    key = f"top-up:{wallet.pk}:{idempotency_key}"
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = None
                payment = Payment.objects.create(
                    wallet=wallet,
                    method=Payment.Method.CARD,
                    amount=amount,
                    currency=wallet.currency,
                    idempotency_key=key,
                    card_brand=card.brand,
                    card_last4=card.last4,
                    card_fingerprint=card.fingerprint,
                )
        except IntegrityError:
            existing = Payment.objects.get(idempotency_key=key)
    if existing is not None:
        if (existing.amount, existing.currency) != (amount, wallet.currency):
            raise _refused(
                "idempotency_key",
                _("This idempotency key was already used for a different top-up."),
            )
        return TopUpResult(payment=existing, created=False)
    return TopUpResult(payment=_charge(payment, card=card), created=True)
