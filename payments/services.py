"""Card payments for bookings: charge once per key, confirm or refund, reconcile the unknown."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import mail_admins
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError
from core.formatting import format_money
from core.money import quantize
from payments.gateway import CardToken, GatewayError, gateway, luhn_valid
from payments.models import Payment, Refund

if TYPE_CHECKING:
    from accounts.models import User

# Lazy: translated when shown, in the customer's language, not once at import.
DECLINE_MESSAGES = {
    "card_declined": gettext_lazy("Your card was declined. Try another card."),
    "insufficient_funds": gettext_lazy("The card has insufficient funds. Try another card."),
    "expired_card": gettext_lazy("The card has expired. Try another card."),
    "invalid": gettext_lazy("The card number is not valid."),
}


def card_tokenize(*, number: str, exp_month: int, exp_year: int, cvc: str) -> CardToken:
    """Check what can be checked here, then hand the number to the gateway for a token."""
    number = "".join(number.split())
    errors: dict[str, list[str]] = {}
    if not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_valid(number):
        errors["card_number"] = [_("Enter a valid card number.")]
    today = timezone.localdate()
    if not 1 <= exp_month <= 12 or (exp_year, exp_month) < (today.year, today.month):
        errors["expiry"] = [_("The card has expired or the expiry date is not valid.")]
    if not cvc.isdigit() or len(cvc) not in (3, 4):
        errors["cvc"] = [_("Enter the 3 or 4 digits on the back of the card.")]
    if errors:
        raise ApplicationError(_("Please check the card details."), extra=errors)
    return gateway().tokenize(number=number, exp_month=exp_month, exp_year=exp_year, cvc=cvc)


def _settle(payment: Payment, *, charge_id: str) -> Payment:
    """The gateway captured the money: credit the wallet it tops up, or confirm the booking once
    its payments cover what is due, or refund it when the booking cannot be confirmed."""
    if payment.wallet_id is not None:
        return _settle_top_up(payment, charge_id=charge_id)
    from bookings.models import Booking
    from bookings.services import booking_confirm

    with transaction.atomic():
        # The booking first, then its payment: the order every booking payment path takes.
        booking = Booking.objects.select_for_update().get(pk=payment.booking_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Payment.Status.CAPTURED:
            return payment
        payment.status = Payment.Status.CAPTURED
        payment.gateway_charge_id = charge_id
        payment.save(update_fields=["status", "gateway_charge_id", "updated_at"])
        paid = booking_paid_total(booking)
        if booking.status == Booking.Status.HELD and paid >= booking.amount_due:
            booking_confirm(booking=booking, locked=True)
        elif booking.status == Booking.Status.HELD:
            return payment  # part of it; the rest is still to come
        elif booking.status != Booking.Status.CONFIRMED:
            paid = booking.amount_due + payment.amount  # expired or cancelled: all of it back
        # More than the booking costs (the hold ran out, or another payment paid it while this
        # card was charged): the excess goes back, so nothing is kept that was not owed.
        excess = min(payment.amount, paid - booking.amount_due)
        if excess <= 0:
            return payment
        reason = "overpaid" if excess < payment.amount else "booking not confirmable"
        recorded = [
            _refund_record(
                payment=payment, amount=excess, reason=reason, key="",
                destination=Refund.Destination.CARD,
            )
        ]  # fmt: skip
    refunds_send(recorded)
    payment.refresh_from_db()
    return payment


def _settle_top_up(payment: Payment, *, charge_id: str) -> Payment:
    """A top-up's charge was captured: the wallet gets the money in the same transaction."""
    from b2c.models import WalletTransaction
    from b2c.services.wallet import wallet_credit

    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Payment.Status.CAPTURED:
            return payment
        payment.status = Payment.Status.CAPTURED
        payment.gateway_charge_id = charge_id
        payment.save(update_fields=["status", "gateway_charge_id", "updated_at"])
        wallet_credit(
            wallet=payment.wallet,
            amount=payment.amount,
            currency=payment.currency,
            kind=WalletTransaction.Kind.TOP_UP,
            idempotency_key=f"top-up:{payment.pk}",
            payment=payment,
        )
    return payment


def booking_paid_total(booking) -> Decimal:
    """What the booking's captured payments (card and wallet) hold now: paid less refunded."""
    rows = Payment.objects.filter(
        booking=booking,
        status__in=[
            Payment.Status.CAPTURED,
            Payment.Status.PARTIALLY_REFUNDED,
            Payment.Status.REFUNDED,
        ],
    ).values_list("amount", "refunded_amount")
    return sum((amount - refunded for amount, refunded in rows), Decimal(0))


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    created: bool  # False: a retry with the same key, answered with the payment it made before


def booking_pay_by_card(*, booking, card: CardToken, idempotency_key: str) -> PaymentResult:
    """Pay what the booking still owes by card (see booking_pay)."""
    return booking_pay(booking=booking, card=card, idempotency_key=idempotency_key)


def _hold_checked(locked) -> None:
    from bookings.models import Booking

    if locked.status == Booking.Status.EXPIRED or (
        locked.status == Booking.Status.HELD and locked.held_until <= timezone.now()
    ):
        raise ApplicationError(
            _("The seats were released after 15 minutes without payment. Search again.")
        )
    if locked.status != Booking.Status.HELD:
        raise ApplicationError(_("This booking is not awaiting payment."))


def _refused(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={field: [message]})


def booking_pay(
    *,
    booking,
    idempotency_key: str,
    card: CardToken | None = None,
    wallet_amount: Decimal = Decimal(0),
    voucher_code: str = "",
) -> PaymentResult:
    """Pay a held booking: a voucher's discount first, then `wallet_amount` from the customer's
    wallet, then the rest by `card`; the booking is confirmed once it is paid in full.

    The voucher and the wallet are taken in one transaction with the card payment's record; the
    card is charged after it commits. A declined card leaves the voucher and wallet part in
    place, so the next attempt charges the card for the rest only; a hold that runs out gives
    them back (bookings_expire_holds).

    Once per `idempotency_key`: a repeated call returns the payment it made, with `created` False.
    """
    from b2c.models import WalletTransaction
    from b2c.services.loyalty import reward_voucher_use
    from b2c.services.wallet import wallet_create, wallet_debit
    from bookings.models import Booking
    from bookings.services import IdempotencyKeyReused, booking_confirm

    if not isinstance(wallet_amount, Decimal):
        raise TypeError("Money amounts are Decimal, never float.")
    key = f"booking:{booking.pk}:{idempotency_key}"
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        wallet_key = f"wallet-{key}"
        existing = Payment.objects.filter(idempotency_key__in=[key, wallet_key])
        earlier = sorted(existing, key=lambda p: p.method != Payment.Method.CARD)
        if earlier:
            from_wallet_before = sum(
                (p.amount for p in earlier if p.method == Payment.Method.WALLET), Decimal(0)
            )
            if from_wallet_before != wallet_amount:
                raise IdempotencyKeyReused()  # the key, with another wallet amount
            return PaymentResult(payment=earlier[0], created=False)
        _hold_checked(locked)
        if locked.payments.filter(
            method=Payment.Method.CARD,
            status__in=[Payment.Status.PENDING, Payment.Status.UNKNOWN],
        ).exists():
            # Another attempt's card is being charged: paying again now could pay twice.
            raise ApplicationError(
                _(
                    "A card payment for this booking is still being confirmed. Look at the "
                    "booking again in a few minutes."
                )
            )
        voucher_code = voucher_code.strip().upper()
        if voucher_code:
            if locked.voucher_id is not None:
                if locked.voucher.code != voucher_code:
                    raise _refused("voucher", _("Another voucher is already applied."))
            else:
                voucher, discount = reward_voucher_use(
                    customer=locked.customer, code=voucher_code, booking=locked
                )
                locked.voucher = voucher
                # A voucher takes off the fare, never the taxes (which the airline collects).
                locked.discount_total = min(discount, locked.base_total)
                locked.save(update_fields=["voucher", "discount_total", "updated_at"])
        due = locked.amount_due - booking_paid_total(locked)
        if due <= 0:
            raise ApplicationError(_("Nothing is left to pay on this booking."))
        if wallet_amount < 0 or not wallet_amount.is_finite():
            raise _refused("wallet_amount", _("The amount must be greater than zero."))
        if quantize(wallet_amount, locked.currency) != wallet_amount:
            raise _refused(
                "wallet_amount",
                _("%(amount)s has more decimals than %(currency)s allows.")
                % {"amount": wallet_amount, "currency": locked.currency},
            )
        if wallet_amount > due:
            raise _refused(
                "wallet_amount",
                _("This booking needs %(due)s; use at most that from your wallet.")
                % {"due": format_money(due, locked.currency)},
            )
        rest = due - wallet_amount
        if rest > 0 and card is None:
            raise _refused(
                "card",
                _("Pay the remaining %(rest)s by card.")
                % {"rest": format_money(rest, locked.currency)},
            )
        if wallet_amount > 0:
            wallet = wallet_create(customer=locked.customer)
            from_wallet = Payment.objects.create(
                booking=locked,
                method=Payment.Method.WALLET,
                amount=wallet_amount,
                currency=locked.currency,
                idempotency_key=wallet_key,
                status=Payment.Status.CAPTURED,
            )
            try:
                wallet_debit(
                    wallet=wallet,
                    amount=wallet_amount,
                    currency=locked.currency,
                    kind=WalletTransaction.Kind.BOOKING_PAYMENT,
                    idempotency_key=f"wallet-payment:{from_wallet.pk}",
                    booking=locked,
                    payment=from_wallet,
                )
            except ApplicationError as refused:
                # The wallet's refusal (not enough in it) is about this form's wallet amount.
                problems = [m for messages in refused.extra.values() for m in messages]
                raise ApplicationError(
                    refused.message, extra={"wallet_amount": problems or [refused.message]}
                ) from None
        if rest == 0:
            booking_confirm(booking=locked, locked=True)
            return PaymentResult(payment=from_wallet, created=True)
        assert card is not None
        payment = Payment.objects.create(
            booking=locked,
            method=Payment.Method.CARD,
            amount=rest,
            currency=locked.currency,
            idempotency_key=key,
            card_brand=card.brand,
            card_last4=card.last4,
            card_fingerprint=card.fingerprint,
        )
    return PaymentResult(payment=_charge(payment, card=card), created=True)


def _charge(payment: Payment, *, card: CardToken) -> Payment:
    # No lock is held during the network call.
    try:
        result = gateway().charge(
            token=card.token,
            amount=payment.amount,
            currency=payment.currency,
            idempotency_key=payment.idempotency_key,
        )
    except GatewayError:
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.UNKNOWN, updated_at=timezone.now()
        )
        payment.refresh_from_db()
        return payment  # reconciliation finishes it
    if not result.succeeded:
        Payment.objects.filter(pk=payment.pk).update(
            status=Payment.Status.FAILED,
            decline_code=result.decline_code,
            updated_at=timezone.now(),
        )
        payment.refresh_from_db()
        return payment
    return _settle(payment, charge_id=result.charge_id)


def decline_message(payment: Payment) -> str:
    return decline_code_message(payment.decline_code)


def decline_code_message(code: str) -> str:
    """What to tell the customer about a gateway's decline `code`."""
    return str(DECLINE_MESSAGES.get(code, DECLINE_MESSAGES["card_declined"]))


# After a failed request n (1-based), request n + 1 waits REFUND_RETRY_DELAYS[n - 1]; when the
# last request fails too, the refund is given up and staff are told.
REFUND_RETRY_DELAYS = (
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
    dt.timedelta(hours=24),
)
REFUND_MAX_ATTEMPTS = len(REFUND_RETRY_DELAYS) + 1
# Longer than any gateway request takes: a refund whose request has not been answered by then
# (the process died) is sent again, with the same key.
REFUND_IN_FLIGHT = dt.timedelta(minutes=5)
# Claimed together, then sent one by one: small enough to be sent well within REFUND_IN_FLIGHT.
REFUND_RETRY_BATCH = 10
# Refunds being sent (each has a next attempt); with `failed`, the ones still owed.
SENDING = (Refund.Status.PENDING, Refund.Status.RETRYING)
OWED = (*SENDING, Refund.Status.FAILED)


def payment_refund(
    *,
    payment: Payment,
    amount: Decimal,
    reason: str,
    key: str = "",
    destination: str = Refund.Destination.CARD,
) -> Refund:
    """Return `amount` of a captured payment, once per key: to its card through the gateway, or
    into the customer's wallet (instant). What the wallet paid always goes back to the wallet.

    When the gateway refuses a card refund or does not answer, the refund stays owed and
    `refunds_retry` sends it again on a schedule. A repeated call returns the refund as it stands.
    """
    with transaction.atomic():
        refund, to_send = _refund_record(
            payment=payment, amount=amount, reason=reason, key=key, destination=destination
        )
    return refunds_send([(refund, to_send)])[0]


def _refund_record(
    *, payment: Payment, amount: Decimal, reason: str, key: str, destination: str
) -> tuple[Refund, bool]:
    """Inside the caller's transaction: write what is owed. A wallet refund is credited here and
    then; a card refund is recorded pending, scheduled, and returned with True: the caller sends
    it after the commit (refunds_send), and `refunds_retry` sends it if the process dies first."""
    key = key or f"refund:{payment.pk}:{reason}"
    if payment.method == Payment.Method.WALLET or payment.wallet_id is not None:
        # A top-up is refunded by card only; a wallet payment only to the wallet.
        destination = (
            Refund.Destination.WALLET
            if payment.method == Payment.Method.WALLET
            else Refund.Destination.CARD
        )
    if destination == Refund.Destination.WALLET:
        return _refund_to_wallet(payment=payment, amount=amount, reason=reason, key=key), False
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    refund = Refund.objects.filter(idempotency_key=key).first()
    if refund is not None:
        return refund, False  # already recorded; the retries finish it if it is still owed
    if locked.refunded_amount + amount > locked.amount:
        raise ApplicationError(_("The refund is larger than what was paid."))
    refund = Refund.objects.create(
        payment=locked,
        amount=amount,
        currency=locked.currency,
        idempotency_key=key,
        reason=reason,
        attempts=1,
        next_attempt_at=timezone.now() + REFUND_IN_FLIGHT,
    )
    return refund, True


def refunds_send(recorded: list[tuple[Refund, bool]]) -> list[Refund]:
    """Make the first gateway request of each newly recorded card refund (no lock is held)."""
    now = timezone.now()
    return [
        _refund_send(refund, attempt=1, now=now) if to_send else refund
        for refund, to_send in recorded
    ]


def _refund_to_wallet(*, payment: Payment, amount: Decimal, reason: str, key: str) -> Refund:
    """Credit `amount` of a booking's payment to the customer's wallet, with its Refund row, in
    one transaction. What the wallet paid comes back as the wallet amount it took (no second
    conversion); card money is converted at the current rate, recorded on the entry."""
    from b2c.models import WalletTransaction
    from b2c.services.wallet import wallet_create, wallet_credit
    from bookings.models import Booking

    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        refund = Refund.objects.filter(idempotency_key=key).first()
        if refund is not None:
            return refund
        if locked.refunded_amount + amount > locked.amount:
            raise ApplicationError(_("The refund is larger than what was paid."))
        refund = Refund.objects.create(
            payment=locked,
            destination=Refund.Destination.WALLET,
            amount=amount,
            currency=locked.currency,
            idempotency_key=key,
            reason=reason,
            status=Refund.Status.SUCCEEDED,
            next_attempt_at=None,
        )
        booking = Booking.objects.select_related("customer").get(pk=locked.booking_id)
        wallet = wallet_create(customer=booking.customer)
        credit, currency = amount, locked.currency
        taken = (
            WalletTransaction.objects.filter(
                payment=locked, kind=WalletTransaction.Kind.BOOKING_PAYMENT
            ).first()
            if locked.method == Payment.Method.WALLET
            else None
        )
        if taken is not None and taken.currency != locked.currency:
            credit = quantize(-taken.amount * amount / locked.amount, taken.currency)
            currency = taken.currency
        wallet_credit(
            wallet=wallet,
            amount=credit,
            currency=currency,
            kind=WalletTransaction.Kind.REFUND,
            idempotency_key=f"refund:{refund.pk}",
            booking=booking,
            payment=locked,
            reason=reason,
        )
        locked.refunded_amount += amount
        locked.status = (
            Payment.Status.REFUNDED
            if locked.refunded_amount >= locked.amount
            else Payment.Status.PARTIALLY_REFUNDED
        )
        locked.save(update_fields=["refunded_amount", "status", "updated_at"])
        Booking.objects.filter(pk=booking.pk).update(refunded_total=F("refunded_total") + amount)
    return refund


def _refund_send(refund: Refund, *, attempt: int, now: dt.datetime) -> Refund:
    """Make request number `attempt` for `refund` and record the answer. No lock is held."""
    try:
        result = gateway().refund(
            charge_id=refund.payment.gateway_charge_id,
            amount=refund.amount,
            currency=refund.currency,
            idempotency_key=refund.idempotency_key,
        )
    except GatewayError as exc:
        # The outcome is unknown: the retry asks again with the same key, and the gateway
        # answers with the refund it made, if it made one.
        return _refund_attempt_failed(refund, attempt=attempt, error=f"no answer: {exc}", now=now)
    if not result.succeeded:
        error = result.decline_code or "declined"
        return _refund_attempt_failed(refund, attempt=attempt, error=error, now=now)
    return _refund_settle(refund, refund_id=result.refund_id)


def _refund_settle(refund: Refund, *, refund_id: str) -> Refund:
    """The gateway returned the money: record it on the refund, its payment and booking, once."""
    from bookings.models import Booking

    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == Refund.Status.SUCCEEDED:
            return refund
        # From any owed state: a late answer to an earlier request still means the money went.
        refund.status = Refund.Status.SUCCEEDED
        refund.gateway_refund_id = refund_id
        refund.next_attempt_at = None
        refund.save(update_fields=["status", "gateway_refund_id", "next_attempt_at", "updated_at"])
        paid = Payment.objects.select_for_update().get(pk=refund.payment_id)
        paid.refunded_amount += refund.amount
        paid.status = (
            Payment.Status.REFUNDED
            if paid.refunded_amount >= paid.amount
            else Payment.Status.PARTIALLY_REFUNDED
        )
        paid.save(update_fields=["refunded_amount", "status", "updated_at"])
        Booking.objects.filter(pk=paid.booking_id).update(
            refunded_total=F("refunded_total") + refund.amount
        )
    return refund


def _refund_attempt_failed(refund: Refund, *, attempt: int, error: str, now: dt.datetime) -> Refund:
    """Schedule the next request, or give up after the last one and tell staff."""
    from payments.tasks import refund_given_up_alert

    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status not in SENDING or refund.attempts != attempt:
            return refund  # refunded meanwhile, or a newer request is out: its answer counts
        refund.last_error = error[:200]
        if attempt >= REFUND_MAX_ATTEMPTS:
            refund.status = Refund.Status.FAILED
            refund.next_attempt_at = None
            refund_id = refund.pk
            transaction.on_commit(lambda: refund_given_up_alert.delay(refund_id=refund_id))
        else:
            refund.status = Refund.Status.RETRYING
            refund.next_attempt_at = now + REFUND_RETRY_DELAYS[attempt - 1]
        refund.save(update_fields=["status", "next_attempt_at", "last_error", "updated_at"])
    return refund


def _refunds_claim(*, now: dt.datetime) -> list[tuple[Refund, int]]:
    """Take due refunds no other worker holds, each with the number of the request to make."""
    # Locks only for this short transaction: moving `next_attempt_at` on is the claim, so no
    # other run takes these until REFUND_IN_FLIGHT has passed.
    with transaction.atomic():
        due = list(
            Refund.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("payment")
            .filter(status__in=SENDING, next_attempt_at__lte=now)
            .order_by("pk")[:REFUND_RETRY_BATCH]
        )
        Refund.objects.filter(pk__in=[refund.pk for refund in due]).update(
            attempts=F("attempts") + 1,
            next_attempt_at=now + REFUND_IN_FLIGHT,
            updated_at=timezone.now(),
        )
    for refund in due:
        refund.attempts += 1
    return [(refund, refund.attempts) for refund in due]


def refunds_retry(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send again every owed refund that is due (`next_attempt_at` <= now), with its first key.

    Safe to run concurrently: each due refund is claimed by one run and sent once by it.
    Returns how many were refunded, are scheduled again, and were given up.
    """
    now = now or timezone.now()
    done = {"refunded": 0, "retrying": 0, "given_up": 0}
    while claimed := _refunds_claim(now=now):
        for refund, attempt in claimed:
            refund = _refund_send(refund, attempt=attempt, now=now)
            if refund.status == Refund.Status.SUCCEEDED:
                done["refunded"] += 1
            elif refund.status == Refund.Status.FAILED:
                done["given_up"] += 1
            else:
                done["retrying"] += 1
    return done


def refund_retry_schedule(*, refund: Refund, user: "User") -> Refund:
    """Staff: send a retrying or given-up refund again at the next run (within 5 minutes)."""
    now = timezone.now()
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status not in (Refund.Status.RETRYING, Refund.Status.FAILED):
            raise ApplicationError(
                _("Only a refund that is retrying or was given up can be retried.")
            )
        locked.status = Refund.Status.RETRYING
        locked.next_attempt_at = now
        locked.retry_requested_by = user
        locked.retry_requested_at = now
        locked.save(
            update_fields=[
                "status",
                "next_attempt_at",
                "retry_requested_by",
                "retry_requested_at",
                "updated_at",
            ]
        )
    return locked


def refund_given_up_notify(*, refund_id: int) -> None:
    """Email settings.ADMINS that a refund was given up and the customer is still owed it."""
    refund = Refund.objects.select_related("payment__booking").get(pk=refund_id)
    if refund.status != Refund.Status.FAILED:
        return  # retried and refunded since
    # Staff read it in the site's language, whichever request or worker sends it.
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "reference": refund.payment.booking.reference,
            "amount": quantize(refund.amount, refund.currency),
            "currency": refund.currency,
            "refund_id": refund.pk,
            "attempts": refund.attempts,
            "error": refund.last_error,
            "path": reverse("admin:payments_refund_change", args=[refund.pk]),
        }
        subject = _("Refund given up: booking %(reference)s, %(amount)s %(currency)s") % values
        body = (
            _(
                "The gateway did not return refund %(refund_id)s after %(attempts)s attempts, and "
                "Safar has stopped retrying it. The customer is still owed the money.\n"
                "\n"
                "Booking: %(reference)s\n"
                "Amount: %(amount)s %(currency)s\n"
                "Refund: %(refund_id)s\n"
                "Last error: %(error)s\n"
                "Admin: %(path)s\n"
                "\n"
                'Find out why with the gateway, then use "Retry now" in the admin.\n'
            )
            % values
        )
    mail_admins(subject, body)


REFUNDABLE = (Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED)


def booking_refund_split(*, booking, amount: Decimal) -> list[tuple[Payment, Decimal]]:
    """How `amount` of a booking's refund divides between the payments that paid it: in
    proportion to what each paid (the wallet's part back to the wallet, the card's to the card),
    each within what is left of it, the rounding remainder on the last."""
    payments = list(booking.payments.filter(status__in=REFUNDABLE).order_by("pk"))
    paid = sum((p.amount for p in payments), Decimal(0))
    if not payments or paid <= 0:
        return []
    parts: list[tuple[Payment, Decimal]] = []
    left = amount
    for index, payment in enumerate(payments):
        share = (
            left
            if index == len(payments) - 1
            else quantize(amount * payment.amount / paid, payment.currency)
        )
        part = min(share, payment.amount - payment.refunded_amount, left)
        parts.append((payment, part))
        left -= part
    # What one payment could not take (already partly refunded), another with room takes.
    for index, (payment, part) in enumerate(parts):
        if left <= 0:
            break
        extra = min(left, payment.amount - payment.refunded_amount - part)
        if extra > 0:
            parts[index] = (payment, part + extra)
            left -= extra
    return [(payment, part) for payment, part in parts if part > 0]


def booking_refund_record(
    *, booking, amount: Decimal, reason: str, destination: str = Refund.Destination.CARD
) -> list[tuple[Refund, bool]]:
    """Inside the caller's transaction: record the refund of `amount` of a booking, split back to
    where it came from (booking_refund_split); the card's part goes to the card, or to the
    wallet when the customer chooses `destination` wallet. Send the result with refunds_send
    after the commit."""
    return [
        _refund_record(
            payment=payment,
            amount=part,
            reason=reason,
            key=f"refund:{payment.pk}:{reason}:{booking.pk}",
            destination=destination,
        )
        for payment, part in booking_refund_split(booking=booking, amount=amount)
    ]


def booking_refund(
    *, booking, amount: Decimal, reason: str, destination: str = Refund.Destination.CARD
) -> list[Refund]:
    """Record and send a booking's refund (booking_refund_record, then refunds_send)."""
    with transaction.atomic():
        recorded = booking_refund_record(
            booking=booking, amount=amount, reason=reason, destination=destination
        )
    return refunds_send(recorded)


def payments_reconcile(*, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> dict[str, int]:
    """Finish what a crash or a gateway timeout left open, exactly once:
    a charge the gateway captured becomes a confirmed booking or a refund; a charge it never
    made becomes a failed payment; refunds that are due are sent again (`refunds_retry`)."""
    cutoff = timezone.now() - older_than
    done = {"settled": 0, "failed": 0, "refunds_retried": 0}
    open_payments = Payment.objects.filter(
        status__in=[Payment.Status.PENDING, Payment.Status.UNKNOWN], updated_at__lt=cutoff
    )
    for payment in open_payments.order_by("pk"):
        result = gateway().find_charge(idempotency_key=payment.idempotency_key)
        if result is not None and result.succeeded:
            _settle(payment, charge_id=result.charge_id)
            done["settled"] += 1
        else:
            Payment.objects.filter(
                pk=payment.pk, status__in=[Payment.Status.PENDING, Payment.Status.UNKNOWN]
            ).update(
                status=Payment.Status.FAILED,
                decline_code=result.decline_code if result else "not_charged",
                updated_at=timezone.now(),
            )
            done["failed"] += 1
    # Refunds have their own schedule; this sends the ones that are due now.
    done["refunds_retried"] = sum(refunds_retry().values())
    return done
