"""The card gateway interface and the embedded sandbox gateway.

A card number crosses into Safar only as far as `tokenize()`: the gateway keeps it and hands back
a token. Nothing else in Safar stores, logs or renders a card number.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string


class GatewayError(Exception):
    """The gateway could not be reached or did not answer: the outcome is unknown."""


@dataclass(frozen=True)
class CardToken:
    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    # The same card number always gives the same fingerprint (a second account paying with
    # one's card is spotted by it); it cannot be turned back into the number.
    fingerprint: str = ""


@dataclass(frozen=True)
class ChargeResult:
    succeeded: bool
    charge_id: str = ""
    decline_code: str = ""


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    refund_id: str = ""
    decline_code: str = ""  # why the gateway refused it (a code, never card data)


class Gateway(Protocol):
    def tokenize(self, *, number: str, exp_month: int, exp_year: int, cvc: str) -> CardToken: ...

    def charge(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ChargeResult: ...

    # Idempotent per key: a repeated key is answered with the refund it made, never a second one.
    # Raises GatewayError when the outcome is unknown (no answer, a timeout).
    def refund(
        self, *, charge_id: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> RefundResult: ...

    def find_charge(self, *, idempotency_key: str) -> ChargeResult | None: ...


# Test cards, as in real gateways' test modes (docs/payments.md).
SANDBOX_CARDS = {
    "4242424242424242": "success",
    "5555555555554444": "success",
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000119": "timeout_after_charge",
    # Paid; then what happens to its refunds (refund retries, docs/payments.md).
    "4000000000005126": "refund_declined",
    "4000000000005134": "refund_declined_twice",
    "4000000000005142": "refund_timeout",
}
# Behaviours whose charge succeeds.
PAID_BEHAVIOURS = frozenset(
    {"success", "timeout_after_charge", "refund_declined", "refund_declined_twice",
     "refund_timeout"}
)  # fmt: skip


def card_brand(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"51", "52", "53", "54", "55"} or "2221" <= number[:4] <= "2720":
        return "mastercard"
    if number[:2] in {"34", "37"}:
        return "amex"
    return "card"


def card_fingerprint(number: str) -> str:
    """A keyed digest of the card number, as gateways give (Stripe's `card.fingerprint`)."""
    return hmac.new(settings.SECRET_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()[:32]


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number]
    checksum = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        checksum += digit
    return checksum % 10 == 0


class SandboxGateway:
    """Behaves like a card gateway's test mode; its own records stand for the remote side."""

    def tokenize(self, *, number: str, exp_month: int, exp_year: int, cvc: str) -> CardToken:
        from payments.models import SandboxCard

        token = "tok_" + secrets.token_hex(12)
        SandboxCard.objects.create(
            token=token,
            behaviour=SANDBOX_CARDS.get(number, "success" if luhn_valid(number) else "invalid"),
            brand=card_brand(number),
            last4=number[-4:],
        )
        return CardToken(
            token,
            card_brand(number),
            number[-4:],
            exp_month,
            exp_year,
            fingerprint=card_fingerprint(number),
        )

    def charge(self, *, token, amount, currency, idempotency_key) -> ChargeResult:
        from payments.models import SandboxCard, SandboxCharge

        existing = self.find_charge(idempotency_key=idempotency_key)
        if existing is not None:
            return existing  # a retried request: the same answer, never a second charge
        card = SandboxCard.objects.filter(token=token).first()
        behaviour = card.behaviour if card else "invalid"
        paid = behaviour in PAID_BEHAVIOURS
        try:
            with transaction.atomic():
                charge = SandboxCharge.objects.create(
                    charge_id="ch_" + secrets.token_hex(12) if paid else "",
                    idempotency_key=idempotency_key,
                    card_token=token,
                    amount=amount,
                    currency=currency,
                    status="captured" if paid else "declined",
                    decline_code="" if paid else behaviour,
                )
        except IntegrityError:
            # A concurrent request with the same key got there first: its answer, as a real
            # gateway gives, never a second charge.
            winner = self.find_charge(idempotency_key=idempotency_key)
            if winner is None:
                raise
            return winner
        if not paid:
            return ChargeResult(False, decline_code=behaviour)
        if behaviour == "timeout_after_charge":
            raise GatewayError("The gateway timed out after capturing the charge.")
        return ChargeResult(True, charge_id=charge.charge_id)

    def refund(self, *, charge_id, amount, currency, idempotency_key) -> RefundResult:
        result, time_out = self._refund(charge_id, amount, idempotency_key)
        if time_out:
            raise GatewayError("The gateway timed out after refunding.")
        return result

    @staticmethod
    def _refund(charge_id, amount, idempotency_key) -> tuple[RefundResult, bool]:
        """The refund's outcome, and whether to time out after making it (test card)."""
        from payments.models import SandboxCard, SandboxCharge

        # The remote side serialises refunds of one charge, as a real gateway does.
        with transaction.atomic():
            charge = SandboxCharge.objects.select_for_update().filter(charge_id=charge_id).first()
            if charge is None:
                return RefundResult(False, decline_code="no_such_charge"), False
            if idempotency_key in charge.refund_keys:
                # A retried request: the refund it made before, never a second one.
                return RefundResult(True, refund_id=charge.refund_keys[idempotency_key]), False
            if charge.refunded + amount > charge.amount:
                return RefundResult(False, decline_code="amount_too_large"), False
            card = SandboxCard.objects.filter(token=charge.card_token).first()
            behaviour = card.behaviour if card else ""
            declines = charge.refund_declines.get(idempotency_key, 0)
            if behaviour == "refund_declined" or (
                behaviour == "refund_declined_twice" and declines < 2
            ):
                charge.refund_declines[idempotency_key] = declines + 1
                charge.save(update_fields=["refund_declines"])
                return RefundResult(False, decline_code="refund_declined"), False
            refund_id = "re_" + secrets.token_hex(12)
            charge.refunded += amount
            charge.refund_keys[idempotency_key] = refund_id
            charge.save(update_fields=["refunded", "refund_keys"])
        return RefundResult(True, refund_id=refund_id), behaviour == "refund_timeout"

    def find_charge(self, *, idempotency_key) -> ChargeResult | None:
        from payments.models import SandboxCharge

        charge = SandboxCharge.objects.filter(idempotency_key=idempotency_key).first()
        if charge is None:
            return None
        if charge.status == "declined":
            return ChargeResult(False, decline_code=charge.decline_code)
        return ChargeResult(True, charge_id=charge.charge_id)


def gateway() -> Gateway:
    return import_string(settings.PAYMENT_GATEWAY)()
