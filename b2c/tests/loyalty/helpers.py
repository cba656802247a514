"""Builders for loyalty tests: a programme, bookings without flights, rewards, snapshots."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from b2c.models import Customer, CustomerReward, LoyaltyProgram, LoyaltyTransaction, Reward
from bookings.models import Booking

_references = itertools.count(1)


def program(**overrides) -> LoyaltyProgram:
    values = {
        "name": "Safar Miles",
        "currency": "USD",
        "points_per_unit": Decimal("2"),
        "silver_threshold": 1000,
        "gold_threshold": 5000,
        "platinum_threshold": 15000,
        "bronze_multiplier": Decimal("1"),
        "silver_multiplier": Decimal("1.25"),
        "gold_multiplier": Decimal("1.5"),
        "platinum_multiplier": Decimal("2"),
        "tier_benefits": {
            "silver": ["priority_support"],
            "gold": ["priority_support", "extra_baggage"],
        },
        "points_validity_months": 24,
        "qualification_months": 12,
    }
    values.update(overrides)
    return LoyaltyProgram.objects.create(**values)


def booking(customer, total="500.00", currency="USD", discount="0", **overrides) -> Booking:
    """A confirmed booking (no flights: loyalty reads only its money and customer)."""
    total = Decimal(total)
    now = timezone.now()
    values = {
        "reference": f"L{next(_references):05d}",
        "customer": customer,
        "status": Booking.Status.CONFIRMED,
        "held_until": now,
        "currency": currency,
        "base_total": total,
        "taxes_total": Decimal("0"),
        "total": total,
        "discount_total": Decimal(discount),
        "contact_email": customer.user.email,
        "departure_at": now + dt.timedelta(days=10),
        "confirmed_at": now,
    }
    values.update(overrides)
    return Booking.objects.create(**values)


def reward(**overrides) -> Reward:
    values = {
        "name": "Lounge pass",
        "description": "One visit to a partner lounge.",
        "kind": Reward.Kind.LOUNGE_PASS,
        "points_cost": 500,
    }
    values.update(overrides)
    return Reward.objects.create(**values)


def snapshot(customer) -> tuple:
    """Every loyalty row of `customer` and the stock of every reward, to compare."""
    fresh = Customer.objects.get(pk=customer.pk)
    return (
        fresh.points_balance,
        fresh.points_pending,
        fresh.loyalty_tier,
        list(LoyaltyTransaction.objects.filter(customer=customer).order_by("id").values()),
        list(CustomerReward.objects.filter(customer=customer).order_by("id").values()),
        list(Reward.objects.order_by("id").values_list("id", "stock")),
    )


def balances(customer) -> tuple[int, int]:
    fresh = Customer.objects.get(pk=customer.pk)
    return fresh.points_balance, fresh.points_pending


def set_expiry(entry: LoyaltyTransaction, when: dt.datetime) -> None:
    LoyaltyTransaction.objects.filter(pk=entry.pk).update(expires_at=when)
