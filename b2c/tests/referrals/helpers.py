"""Programmes, bookings and payments for the referral and affiliate tests."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from b2c.models import CustomerWallet, LoyaltyProgram, ReferralProgram, WalletTransaction
from bookings.models import Booking
from payments.models import Payment

_references = itertools.count(1)


def wallet_program(**fields) -> ReferralProgram:
    values = {
        "name": "Bring a friend",
        "reward_kind": ReferralProgram.RewardKind.WALLET_CREDIT,
        "referrer_amount": Decimal("20.00"),
        "referee_amount": Decimal("10.00"),
        "currency": "USD",
        "max_rewards_per_referrer": 10,
    }
    values.update(fields)
    return ReferralProgram.objects.create(**values)


def points_program(**fields) -> ReferralProgram:
    values = {
        "name": "Points for friends",
        "reward_kind": ReferralProgram.RewardKind.POINTS,
        "referrer_points": 500,
        "referee_points": 250,
        "max_rewards_per_referrer": 10,
    }
    values.update(fields)
    return ReferralProgram.objects.create(**values)


def loyalty_program() -> LoyaltyProgram:
    return LoyaltyProgram.objects.create(
        name="Safar Miles",
        currency="USD",
        points_per_unit=Decimal("1"),
        silver_threshold=5000,
        gold_threshold=20000,
        platinum_threshold=50000,
    )


def booking_for(
    customer,
    *,
    base: str = "400.00",
    taxes: str = "100.00",
    discount: str = "0",
    currency: str = "USD",
    status: str = Booking.Status.CONFIRMED,
    completed: bool = False,
) -> Booking:
    now = timezone.now()
    return Booking.objects.create(
        reference=f"T{next(_references):05d}",
        customer=customer,
        status=status,
        held_until=now + timedelta(minutes=15),
        currency=currency,
        base_total=Decimal(base),
        taxes_total=Decimal(taxes),
        total=Decimal(base) + Decimal(taxes),
        discount_total=Decimal(discount),
        contact_email=customer.user.email,
        departure_at=now - timedelta(days=2),
        confirmed_at=now - timedelta(days=10) if status == Booking.Status.CONFIRMED else None,
        completed_at=now if completed else None,
    )


def complete(booking: Booking) -> Booking:
    """What bookings_complete does before it calls the referral and affiliate services."""
    booking.completed_at = timezone.now()
    booking.save(update_fields=["completed_at", "updated_at"])
    return booking


def pay_by_card(booking: Booking, fingerprint: str) -> Payment:
    return Payment.objects.create(
        booking=booking,
        method=Payment.Method.CARD,
        amount=booking.amount_due,
        currency=booking.currency,
        status=Payment.Status.CAPTURED,
        idempotency_key=f"pay-{booking.reference}",
        card_fingerprint=fingerprint,
    )


def balance(customer) -> Decimal:
    return CustomerWallet.objects.get(customer=customer).balance


def bonuses(customer) -> list[tuple[Decimal, str]]:
    return list(
        WalletTransaction.objects.filter(
            wallet__customer=customer, kind=WalletTransaction.Kind.REFERRAL_BONUS
        )
        .order_by("id")
        .values_list("amount", "idempotency_key")
    )
