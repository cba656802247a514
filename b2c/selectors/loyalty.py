"""Reads of loyalty accounts, the rewards catalogue, and the check that every points balance
matches its ledger."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, IntegerField, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from b2c.models import Customer, CustomerReward, LoyaltyProgram, LoyaltyTransaction, Reward
from b2c.models.customer import LoyaltyTier
from b2c.models.loyalty import TierBenefit
from b2c.services.loyalty import (
    TIER_ORDER,
    qualifying_points,
    reward_unavailable_reason,
    tier_rank,
    tier_threshold,
)

Kind = LoyaltyTransaction.Kind
Status = LoyaltyTransaction.Status

EXPIRING_SOON = dt.timedelta(days=60)


def loyalty_program_active() -> LoyaltyProgram | None:
    return LoyaltyProgram.objects.filter(is_active=True).first()


@dataclass(frozen=True)
class LoyaltySummary:
    """What the loyalty page and API show about one customer's account."""

    tier: str
    tier_label: str
    balance: int
    pending: int
    qualifying_points: int
    qualification_months: int
    next_tier: str | None
    next_tier_label: str
    next_tier_threshold: int | None
    points_to_next_tier: int
    progress_percent: int
    expiring_points: int
    expiring_on: dt.datetime | None
    benefits: list[str] = field(default_factory=list)
    program_active: bool = True


def loyalty_summary(*, customer: Customer, now: dt.datetime | None = None) -> LoyaltySummary:
    """The customer's tier, balances, progress to the next tier within the rolling window, the
    points that lapse within 60 days (and the first date they do), and the tier's benefits.
    A fixed number of queries."""
    now = now or timezone.now()
    program = loyalty_program_active()
    tier = customer.loyalty_tier
    if program is None:
        return LoyaltySummary(
            tier=tier,
            tier_label=str(LoyaltyTier(tier).label),
            balance=customer.points_balance,
            pending=customer.points_pending,
            qualifying_points=0,
            qualification_months=0,
            next_tier=None,
            next_tier_label="",
            next_tier_threshold=None,
            points_to_next_tier=0,
            progress_percent=100,
            expiring_points=0,
            expiring_on=None,
            program_active=False,
        )
    qualifying = qualifying_points(customer=customer, program=program, now=now)
    rank = tier_rank(tier)
    next_tier = TIER_ORDER[rank + 1] if rank + 1 < len(TIER_ORDER) else None
    if next_tier is None:
        threshold, needed, percent = None, 0, 100
    else:
        threshold = tier_threshold(program, next_tier)
        needed = max(threshold - qualifying, 0)
        percent = min(100, qualifying * 100 // threshold)
    expiring = LoyaltyTransaction.objects.filter(
        customer_id=customer.pk,
        status=Status.POSTED,
        remaining__gt=0,
        expires_at__lte=now + EXPIRING_SOON,
    ).aggregate(points=Sum("remaining"), first=Min("expires_at"))
    labels = dict(TierBenefit.choices)
    benefits = [
        str(labels[value])
        for value in (program.tier_benefits or {}).get(tier, [])
        if value in labels
    ]
    return LoyaltySummary(
        tier=tier,
        tier_label=str(LoyaltyTier(tier).label),
        balance=customer.points_balance,
        pending=customer.points_pending,
        qualifying_points=qualifying,
        qualification_months=program.qualification_months,
        next_tier=next_tier.value if next_tier else None,
        next_tier_label=str(next_tier.label) if next_tier else "",
        next_tier_threshold=threshold,
        points_to_next_tier=needed,
        progress_percent=percent,
        expiring_points=int(expiring["points"] or 0),
        expiring_on=expiring["first"],
        benefits=benefits,
    )


def loyalty_transaction_list(*, customer: Customer) -> QuerySet[LoyaltyTransaction]:
    """The customer's ledger, newest first, with the booking each entry belongs to."""
    return (
        LoyaltyTransaction.objects.filter(customer_id=customer.pk)
        .select_related("booking", "customer_reward__reward")
        .order_by("-created_at", "-id")
    )


def reward_text(reward: Reward, language: str | None = None) -> tuple[str, str]:
    """The reward's name and description in `language` (the active one by default), falling
    back to the catalogue's own text."""
    language = (language or translation.get_language() or "en").split("-")[0]
    own = (reward.translations or {}).get(language) or {}
    return (own.get("name") or reward.name, own.get("description") or reward.description)


@dataclass(frozen=True)
class CatalogueEntry:
    """A reward as one customer sees it: whether they can redeem it now, and why not."""

    reward: Reward
    name: str
    description: str
    can_redeem: bool
    reason: str


def reward_catalogue(*, customer: Customer, now: dt.datetime | None = None) -> list[CatalogueEntry]:
    """Active rewards whose window has not ended, in catalogue order; one query."""
    now = now or timezone.now()
    rewards = Reward.objects.filter(is_active=True).filter(
        Q(available_until__isnull=True) | Q(available_until__gt=now)
    )
    entries = []
    for reward in rewards:
        name, description = reward_text(reward)
        why = reward_unavailable_reason(reward=reward, customer=customer, now=now)
        entries.append(
            CatalogueEntry(
                reward=reward,
                name=name,
                description=description,
                can_redeem=why is None,
                reason=why[1] if why else "",
            )
        )
    return entries


def reward_catalogue_entry(
    *, customer: Customer, reward_id: int, now: dt.datetime | None = None
) -> CatalogueEntry | None:
    """One active reward as `customer` sees it, or None when it is not in the catalogue."""
    now = now or timezone.now()
    reward = Reward.objects.filter(pk=reward_id, is_active=True).first()
    if reward is None:
        return None
    name, description = reward_text(reward)
    why = reward_unavailable_reason(reward=reward, customer=customer, now=now)
    return CatalogueEntry(reward, name, description, why is None, why[1] if why else "")


def customer_reward_list(*, customer: Customer) -> QuerySet[CustomerReward]:
    """The customer's redeemed rewards, newest first, with the reward and booking."""
    return (
        CustomerReward.objects.filter(customer_id=customer.pk)
        .select_related("reward", "booking")
        .order_by("-created_at", "-id")
    )


def loyalty_ledgers_verify() -> list[str]:
    """Every way a points account disagrees with its ledger, one line each; [] when none.

    Checks, in four queries whatever the number of accounts: the balance against the sum of the
    posted entries and against what remains of the lots; the pending points against the sum of
    the pending entries; each posted entry's `balance_after` against the running sum in id
    order (ids are taken under the customer's lock); each lot's `remaining` within 0..points.
    """
    problems = []
    zero = Value(0)
    posted = Q(loyalty_transactions__status=Status.POSTED)
    accounts = (
        Customer.objects.annotate(
            posted_sum=Coalesce(
                Sum("loyalty_transactions__points", filter=posted),
                zero,
                output_field=IntegerField(),
            ),
            pending_sum=Coalesce(
                Sum(
                    "loyalty_transactions__points",
                    filter=Q(loyalty_transactions__status=Status.PENDING),
                ),
                zero,
                output_field=IntegerField(),
            ),
            remaining_sum=Coalesce(
                Sum("loyalty_transactions__remaining", filter=posted),
                zero,
                output_field=IntegerField(),
            ),
        )
        .exclude(
            points_balance=F("posted_sum"),
            points_pending=F("pending_sum"),
            points_balance__exact=F("remaining_sum"),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "user__email",
            "points_balance",
            "posted_sum",
            "points_pending",
            "pending_sum",
            "remaining_sum",
        )
    )
    for pk, email, balance, posted_sum, pending, pending_sum, remaining_sum in accounts:
        if balance != posted_sum:
            problems.append(
                f"Customer {pk} ({email}): points balance {balance} but its posted entries "
                f"sum to {posted_sum}."
            )
        if pending != pending_sum:
            problems.append(
                f"Customer {pk} ({email}): pending points {pending} but its pending entries "
                f"sum to {pending_sum}."
            )
        if balance != remaining_sum:
            problems.append(
                f"Customer {pk} ({email}): points balance {balance} but its lots hold "
                f"{remaining_sum}."
            )
    entries = (
        LoyaltyTransaction.objects.filter(status=Status.POSTED)
        .order_by("customer_id", "id")
        .values_list("customer_id", "id", "points", "balance_after", "customer__user__email")
        .iterator(chunk_size=2000)
    )
    current, running = None, 0
    for customer_id, entry_id, points, balance_after, email in entries:
        if customer_id != current:
            current, running = customer_id, 0
        running += points
        if balance_after != running:
            problems.append(
                f"Customer {customer_id} ({email}): entry {entry_id} has balance_after "
                f"{balance_after}, but the posted entries up to it sum to {running}."
            )
            running = balance_after if balance_after is not None else running
    bad_lots = (
        LoyaltyTransaction.objects.filter(
            Q(points__gt=0, remaining__gt=F("points"))
            | Q(remaining__lt=0)
            | (Q(remaining__gt=0) & (~Q(status=Status.POSTED) | Q(points__lt=0)))
        )
        .order_by("id")
        .values_list("id", "customer_id", "points", "remaining")
    )
    for entry_id, customer_id, points, remaining in bad_lots:
        problems.append(
            f"Customer {customer_id}: entry {entry_id} has {remaining} remaining of {points} "
            "points."
        )
    return problems
