"""Card payments for bookings: charge once per key, confirm or refund, reconcile the unknown."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError
from payments.gateway import CardToken, GatewayError, gateway, luhn_valid
from payments.models import Payment, Refund

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
    """The gateway captured the money: confirm the booking, or refund when it cannot be."""
    from bookings.models import Booking
    from bookings.services import booking_confirm

    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Payment.Status.CAPTURED:
            return payment
        payment.status = Payment.Status.CAPTURED
        payment.gateway_charge_id = charge_id
        payment.save(update_fields=["status", "gateway_charge_id", "updated_at"])
        booking = Booking.objects.select_for_update().get(pk=payment.booking_id)
        confirmable = booking.status == Booking.Status.HELD or (
            booking.status == Booking.Status.CONFIRMED
            and not booking.payments.filter(status=Payment.Status.CAPTURED)
            .exclude(pk=payment.pk)
            .exists()
        )
        if confirmable:
            booking_confirm(booking=booking)
            return payment
    # The hold ran out (or another payment paid it) while the card was charged: give it back.
    payment_refund(payment=payment, amount=payment.amount, reason="booking not confirmable")
    payment.refresh_from_db()
    return payment


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    created: bool  # False: a retry with the same key, answered with the payment it made before


def booking_pay_by_card(*, booking, card: CardToken, idempotency_key: str) -> PaymentResult:
    """Charge the booking's total once per `idempotency_key` and confirm it.

    A repeated call with the same key (double click, browser or API retry) returns the same
    payment, as it stands now and with `created` False, and charges nothing more.
    """
    from bookings.models import Booking

    key = f"booking:{booking.pk}:{idempotency_key}"
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        existing = Payment.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return PaymentResult(payment=existing, created=False)
        if locked.status == Booking.Status.EXPIRED or (
            locked.status == Booking.Status.HELD and locked.held_until <= timezone.now()
        ):
            raise ApplicationError(
                _("The seats were released after 15 minutes without payment. Search again.")
            )
        if locked.status != Booking.Status.HELD:
            raise ApplicationError(_("This booking is not awaiting payment."))
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    booking=locked,
                    method=Payment.Method.CARD,
                    amount=locked.total,
                    currency=locked.currency,
                    idempotency_key=key,
                    card_brand=card.brand,
                    card_last4=card.last4,
                )
        except IntegrityError:
            return PaymentResult(payment=Payment.objects.get(idempotency_key=key), created=False)
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
    return str(DECLINE_MESSAGES.get(payment.decline_code, DECLINE_MESSAGES["card_declined"]))


def payment_refund(*, payment: Payment, amount: Decimal, reason: str, key: str = "") -> Refund:
    """Return `amount` of a captured payment to its card, once per key."""
    key = key or f"refund:{payment.pk}:{reason}"
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        refund = Refund.objects.filter(idempotency_key=key).first()
        if refund is None:
            if locked.refunded_amount + amount > locked.amount:
                raise ApplicationError(_("The refund is larger than what was paid."))
            refund = Refund.objects.create(
                payment=locked,
                amount=amount,
                currency=locked.currency,
                idempotency_key=key,
                reason=reason,
            )
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    try:
        result = gateway().refund(
            charge_id=locked.gateway_charge_id,
            amount=amount,
            currency=locked.currency,
            idempotency_key=key,
        )
    except GatewayError:
        return refund  # stays pending; reconciliation retries it
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PENDING:
            return refund
        if not result.succeeded:
            refund.status = Refund.Status.FAILED
            refund.save(update_fields=["status", "updated_at"])
            return refund
        refund.status = Refund.Status.SUCCEEDED
        refund.gateway_refund_id = result.refund_id
        refund.save(update_fields=["status", "gateway_refund_id", "updated_at"])
        paid = Payment.objects.select_for_update().get(pk=locked.pk)
        paid.refunded_amount += amount
        paid.status = (
            Payment.Status.REFUNDED
            if paid.refunded_amount >= paid.amount
            else Payment.Status.PARTIALLY_REFUNDED
        )
        paid.save(update_fields=["refunded_amount", "status", "updated_at"])
        from bookings.models import Booking

        Booking.objects.filter(pk=paid.booking_id).update(
            refunded_total=F("refunded_total") + amount
        )
    return refund


def booking_refund(*, booking, amount: Decimal, reason: str) -> list[Refund]:
    """Refund `amount` of a booking to the payments that paid it, newest first."""
    refunds = []
    remaining = amount
    for payment in booking.payments.filter(
        status__in=[Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED]
    ).order_by("-created_at"):
        if remaining <= 0:
            break
        part = min(remaining, payment.amount - payment.refunded_amount)
        if part > 0:
            refunds.append(
                payment_refund(
                    payment=payment,
                    amount=part,
                    reason=reason,
                    key=f"refund:{payment.pk}:{reason}:{booking.pk}",
                )
            )
            remaining -= part
    return refunds


def payments_reconcile(*, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> dict[str, int]:
    """Finish what a crash or a gateway timeout left open, exactly once:
    a charge the gateway captured becomes a confirmed booking or a refund; a charge it never
    made becomes a failed payment; a pending refund is sent again."""
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
    for refund in Refund.objects.filter(status=Refund.Status.PENDING, updated_at__lt=cutoff):
        payment_refund(
            payment=refund.payment,
            amount=refund.amount,
            reason=refund.reason,
            key=refund.idempotency_key,
        )
        done["refunds_retried"] += 1
    return done
