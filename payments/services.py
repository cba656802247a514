"""Card payments for bookings: charge once per key, confirm or refund, reconcile the unknown."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import mail_admins
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError
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
            booking_confirm(booking=booking, locked=True)
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


def payment_refund(*, payment: Payment, amount: Decimal, reason: str, key: str = "") -> Refund:
    """Return `amount` of a captured payment to its card, once per key.

    When the gateway refuses it or does not answer, the refund stays owed and `refunds_retry`
    sends it again on a schedule. A repeated call returns the refund as it stands.
    """
    key = key or f"refund:{payment.pk}:{reason}"
    now = timezone.now()
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        refund = Refund.objects.filter(idempotency_key=key).first()
        if refund is not None:
            return refund  # already sent; the retries finish it if it is still owed
        if locked.refunded_amount + amount > locked.amount:
            raise ApplicationError(_("The refund is larger than what was paid."))
        refund = Refund.objects.create(
            payment=locked,
            amount=amount,
            currency=locked.currency,
            idempotency_key=key,
            reason=reason,
            attempts=1,
            next_attempt_at=now + REFUND_IN_FLIGHT,
        )
    return _refund_send(refund, attempt=1, now=now)


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
