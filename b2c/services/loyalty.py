"""Writes to the loyalty ledger: points earned, released, redeemed, expired and adjusted; tiers;
rewards redeemed with points and vouchers used at booking payment.

Every write locks the Customer row (`select_for_update`) in a short transaction, re-checks the
idempotency key under the lock, appends a LoyaltyTransaction and saves the customer's balances
with it, so `points_balance` is always the sum of the posted entries and `points_pending` the
sum of the pending ones. Each positive posted entry is a lot with an expiry date and what remains
of it; every negative posted entry consumes lots, oldest-expiring first, and records which.

Lock order, the same as the payment of a booking (booking, voucher, wallet, then customer when
the booking is confirmed), so that no two transactions wait for each other: booking, customer
reward, wallet, customer, reward (its stock).
"""

import calendar
import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from b2c.models import (
    Customer,
    CustomerReward,
    CustomerWallet,
    LoyaltyProgram,
    LoyaltyTransaction,
    Reward,
    WalletTransaction,
)
from b2c.models.customer import LoyaltyTier
from core.exceptions import ApplicationError
from core.formatting import format_date, format_number
from payments.fx import RateUnavailable, convert

logger = logging.getLogger(__name__)

Kind = LoyaltyTransaction.Kind
Status = LoyaltyTransaction.Status

TIER_ORDER = [LoyaltyTier.BRONZE, LoyaltyTier.SILVER, LoyaltyTier.GOLD, LoyaltyTier.PLATINUM]
# Points given back for a cancelled booking's voucher whose lots have lapsed stay this long.
RETURNED_POINTS_GRACE = dt.timedelta(days=30)
REWARD_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read aloud
REWARD_CODE_LENGTH = 10


class RewardNotFound(ApplicationError):
    """The reward does not exist or is not in the catalogue (the API answers 404)."""


@dataclass(frozen=True)
class RedeemResult:
    customer_reward: CustomerReward
    created: bool


def _refused(field: str, message: str, error=ApplicationError) -> ApplicationError:
    """A refusal whose message is also the error of `field` (the API's field errors)."""
    return error(message, extra={field: [message]})


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` later, on the month's last day when it is shorter."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def tier_rank(tier: str) -> int:
    return TIER_ORDER.index(LoyaltyTier(tier))


def tier_threshold(program: LoyaltyProgram, tier: str) -> int:
    return {
        LoyaltyTier.BRONZE: 0,
        LoyaltyTier.SILVER: program.silver_threshold,
        LoyaltyTier.GOLD: program.gold_threshold,
        LoyaltyTier.PLATINUM: program.platinum_threshold,
    }[LoyaltyTier(tier)]


def tier_multiplier(program: LoyaltyProgram, tier: str) -> Decimal:
    return Decimal(getattr(program, f"{LoyaltyTier(tier).value}_multiplier"))


def tier_for_points(program: LoyaltyProgram, points: int) -> str:
    """The highest tier whose threshold `points` reaches."""
    reached = LoyaltyTier.BRONZE
    for tier in TIER_ORDER:
        if points >= tier_threshold(program, tier):
            reached = tier
    return reached.value


def _program() -> LoyaltyProgram | None:
    return LoyaltyProgram.objects.filter(is_active=True).first()


def _program_for() -> LoyaltyProgram:
    """The active programme; a ledger write with none configured is a setup error."""
    program = _program()
    if program is None:
        raise ApplicationError(_("The loyalty programme is not available at the moment."))
    return program


def qualifying_points(*, customer: Customer, program: LoyaltyProgram, now: dt.datetime) -> int:
    """Points earned (posted earn entries) within the programme's rolling qualification window."""
    since = add_months(now, -program.qualification_months)
    total = LoyaltyTransaction.objects.filter(
        customer_id=customer.pk, kind=Kind.EARN, status=Status.POSTED, created_at__gt=since
    ).aggregate(total=Sum("points"))["total"]
    return int(total or 0)


def _lock(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _existing(key: str) -> LoyaltyTransaction | None:
    return LoyaltyTransaction.objects.filter(idempotency_key=key).first()


def _lot_expiry(program: LoyaltyProgram, now: dt.datetime) -> dt.datetime:
    return add_months(now, program.points_validity_months)


def _sync(customer: Customer, locked: Customer) -> None:
    """Give the caller's instance the balances written under the lock."""
    customer.points_balance = locked.points_balance
    customer.points_pending = locked.points_pending


def _post_lot(
    *,
    locked: Customer,
    program: LoyaltyProgram,
    kind: str,
    points: int,
    idempotency_key: str,
    expires_at: dt.datetime,
    reason: str = "",
    booking=None,
    customer_reward: CustomerReward | None = None,
    reverses: LoyaltyTransaction | None = None,
    releases: LoyaltyTransaction | None = None,
    user=None,
) -> LoyaltyTransaction:
    """Append a positive posted entry (a lot) under the customer's lock and move the balance."""
    assert points > 0
    balance_after = locked.points_balance + points
    entry = LoyaltyTransaction.objects.create(
        customer=locked,
        program=program,
        kind=kind,
        status=Status.POSTED,
        points=points,
        balance_after=balance_after,
        expires_at=expires_at,
        remaining=points,
        reason=reason,
        idempotency_key=idempotency_key,
        booking=booking,
        customer_reward=customer_reward,
        reverses=reverses,
        releases=releases,
        created_by=user,
    )
    locked.points_balance = balance_after
    locked.save(update_fields=["points_balance", "updated_at"])
    return entry


def _expire_lapsed(*, locked: Customer, program: LoyaltyProgram, now: dt.datetime) -> int:
    """Under the customer's lock: an expire entry for what remains of each lapsed lot."""
    lots = LoyaltyTransaction.objects.filter(
        customer=locked, status=Status.POSTED, remaining__gt=0, expires_at__lte=now
    ).order_by("expires_at", "id")
    count = 0
    for lot in lots:
        balance_after = locked.points_balance - lot.remaining
        LoyaltyTransaction.objects.create(
            customer=locked,
            program=program,
            kind=Kind.EXPIRE,
            points=-lot.remaining,
            balance_after=balance_after,
            consumed=[[lot.pk, lot.remaining]],
            idempotency_key=f"loyalty:expire:{lot.pk}",
            booking_id=lot.booking_id,
        )
        locked.points_balance = balance_after
        lot.remaining = 0
        lot.save(update_fields=["remaining"])
        count += 1
    if count:
        locked.save(update_fields=["points_balance", "updated_at"])
    return count


def _post_spend(
    *,
    locked: Customer,
    program: LoyaltyProgram,
    kind: str,
    points: int,
    idempotency_key: str,
    now: dt.datetime,
    field: str,
    reason: str = "",
    customer_reward: CustomerReward | None = None,
    user=None,
) -> LoyaltyTransaction:
    """Take `points` (> 0) out of the lots, oldest-expiring first, in one negative entry.
    Refused, with nothing written by it, when the balance is not enough."""
    assert points > 0
    _expire_lapsed(locked=locked, program=program, now=now)
    if locked.points_balance < points:
        raise _refused(
            field,
            _("Not enough points: you have %(balance)s, this needs %(points)s.")
            % {"balance": format_number(locked.points_balance), "points": format_number(points)},
        )
    lots = list(
        LoyaltyTransaction.objects.filter(
            customer=locked, status=Status.POSTED, remaining__gt=0
        ).order_by("expires_at", "id")
    )
    consumed, touched, left = [], [], points
    for lot in lots:
        if left == 0:
            break
        take = min(lot.remaining, left)
        lot.remaining -= take
        left -= take
        consumed.append([lot.pk, take])
        touched.append(lot)
    if left:
        # The balance said there were enough points, the lots disagree: a corrupted ledger.
        raise RuntimeError(f"Customer {locked.pk}: the lots hold less than the balance.")
    LoyaltyTransaction.objects.bulk_update(touched, ["remaining"])
    balance_after = locked.points_balance - points
    entry = LoyaltyTransaction.objects.create(
        customer=locked,
        program=program,
        kind=kind,
        points=-points,
        balance_after=balance_after,
        consumed=consumed,
        reason=reason,
        idempotency_key=idempotency_key,
        customer_reward=customer_reward,
        created_by=user,
    )
    locked.points_balance = balance_after
    locked.save(update_fields=["points_balance", "updated_at"])
    return entry


# Earning on bookings --------------------------------------------------------------------------


def _earn_key(booking) -> str:
    return f"loyalty:earn:{booking.pk}"


def loyalty_booking_confirmed(*, booking) -> LoyaltyTransaction | None:
    """A paid booking was confirmed (inside the caller's transaction, booking locked): its
    points wait, pending, until the trip is flown. Once per booking; None when there is no
    programme or the booking earns nothing."""
    program = _program()
    if program is None:
        return None
    key = _earn_key(booking)
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=booking.customer_id)
        existing = _existing(key)
        if existing is not None:
            return existing
        try:
            spent = convert(booking.amount_due, booking.currency, program.currency).amount
        except RateUnavailable:
            # Never fail the confirmation of a paid booking over points: staff can grant them.
            logger.error(
                "No rate %s->%s: booking %s earned no points.",
                booking.currency,
                program.currency,
                booking.pk,
            )
            return None
        raw = spent * program.points_per_unit * tier_multiplier(program, locked.loyalty_tier)
        points = int(raw.to_integral_value(rounding=ROUND_FLOOR))
        if points <= 0:
            return None
        entry = LoyaltyTransaction.objects.create(
            customer=locked,
            program=program,
            kind=Kind.EARN,
            status=Status.PENDING,
            points=points,
            balance_after=None,
            idempotency_key=key,
            booking=booking,
        )
        locked.points_pending += points
        locked.save(update_fields=["points_pending", "updated_at"])
    return entry


def loyalty_booking_completed(*, booking) -> LoyaltyTransaction | None:
    """The trip was flown: its pending points become a posted lot (and may lift the tier).
    Once per booking; None when nothing was pending."""
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=booking.customer_id)
        pending = _existing(_earn_key(booking))
        if pending is None or pending.status == Status.VOIDED:
            return None
        if pending.status == Status.RELEASED:
            return LoyaltyTransaction.objects.get(releases=pending)
        now = timezone.now()
        pending.status = Status.RELEASED
        pending.settled_at = now
        pending.save(update_fields=["status", "settled_at"])
        locked.points_pending -= pending.points
        # The tier follows through the post_save receiver of the posted earn (b2c.signals).
        lot = _post_lot(
            locked=locked,
            program=pending.program,
            kind=Kind.EARN,
            points=pending.points,
            idempotency_key=f"loyalty:release:{booking.pk}",
            expires_at=_lot_expiry(pending.program, now),
            booking=booking,
            releases=pending,
        )
        locked.save(update_fields=["points_pending", "updated_at"])
    return lot


def loyalty_booking_cancelled(*, booking) -> None:
    """A booking was cancelled (inside the caller's transaction, booking locked): its pending
    points are voided and the points of a voucher used on it come back. Idempotent."""
    with transaction.atomic():
        voucher = (
            CustomerReward.objects.select_for_update().get(pk=booking.voucher_id)
            if booking.voucher_id is not None
            else None
        )
        locked = Customer.objects.select_for_update().get(pk=booking.customer_id)
        pending = _existing(_earn_key(booking))
        now = timezone.now()
        if pending is not None and pending.status == Status.PENDING:
            pending.status = Status.VOIDED
            pending.settled_at = now
            pending.save(update_fields=["status", "settled_at"])
            locked.points_pending -= pending.points
            locked.save(update_fields=["points_pending", "updated_at"])
        if voucher is None:
            return
        if voucher.state != CustomerReward.State.USED or voucher.booking_id != booking.pk:
            return
        _cancel_and_return(
            locked=locked,
            voucher=voucher,
            now=now,
            reason=f"Booking {booking.reference} cancelled",
            booking=booking,
        )


def _cancel_and_return(
    *,
    locked: Customer,
    voucher: CustomerReward,
    now: dt.datetime,
    reason: str,
    booking=None,
    user=None,
) -> LoyaltyTransaction | None:
    """Under the customer's and the reward's locks: cancel `voucher` and give its points back
    as a reverse entry (a new lot) expiring with the latest of the lots it consumed, or in
    RETURNED_POINTS_GRACE if that has passed."""
    voucher.state = CustomerReward.State.CANCELLED
    voucher.save(update_fields=["state", "updated_at"])
    redemption = LoyaltyTransaction.objects.filter(
        customer_reward=voucher, kind=Kind.REDEEM
    ).first()
    if redemption is None or LoyaltyTransaction.objects.filter(reverses=redemption).exists():
        return None
    lot_ids = [lot_id for lot_id, _points in redemption.consumed]
    expiries = LoyaltyTransaction.objects.filter(pk__in=lot_ids).values_list(
        "expires_at", flat=True
    )
    latest = max((e for e in expiries if e is not None), default=None)
    expires_at = latest if latest is not None and latest > now else now + RETURNED_POINTS_GRACE
    return _post_lot(
        locked=locked,
        program=redemption.program,
        kind=Kind.REVERSE,
        points=-redemption.points,
        idempotency_key=f"loyalty:reward-return:{voucher.pk}",
        expires_at=expires_at,
        reason=reason,
        booking=booking,
        customer_reward=voucher,
        reverses=redemption,
        user=user,
    )


def customer_reward_cancel(
    *, customer_reward: CustomerReward, reason: str, user=None
) -> CustomerReward:
    """Staff cancel an issued reward: it can no longer be used and its points come back.
    A reward already used, expired or cancelled is refused (a used voucher comes back with its
    booking's cancellation)."""
    reason = reason.strip()
    if not reason:
        raise _refused("reason", _("Give a reason for the cancellation."))
    with transaction.atomic():
        reward = CustomerReward.objects.select_for_update().get(pk=customer_reward.pk)
        locked = Customer.objects.select_for_update().get(pk=customer_reward.customer_id)
        if reward.state != CustomerReward.State.ISSUED:
            raise _refused("state", _("Only a reward that is ready to use can be cancelled."))
        _cancel_and_return(
            locked=locked, voucher=reward, now=timezone.now(), reason=reason, user=user
        )
    return reward


# Grants and staff adjustments -----------------------------------------------------------------


def loyalty_points_grant(
    *, customer: Customer, points: int, reason: str, idempotency_key: str, booking=None
) -> LoyaltyTransaction:
    """Posted earned points right away (a referral bonus, a goodwill gesture): a new lot.
    Once per key; the key again with other points or another customer is refused."""
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise _refused("points", _("The points must be a whole number greater than zero."))
    if not idempotency_key:
        raise ValueError("A loyalty transaction needs an idempotency key.")
    program = _program_for()
    with transaction.atomic():
        locked = _lock(customer)
        existing = _existing(idempotency_key)
        if existing is not None:
            if (existing.customer_id, existing.kind, existing.points) != (
                customer.pk,
                Kind.EARN,
                points,
            ):
                raise _refused(
                    "idempotency_key",
                    _("This idempotency key was already used for a different transaction."),
                )
            return existing
        entry = _post_lot(
            locked=locked,
            program=program,
            kind=Kind.EARN,
            points=points,
            idempotency_key=idempotency_key,
            expires_at=_lot_expiry(program, timezone.now()),
            reason=reason.strip(),
            booking=booking,
        )
    _sync(customer, locked)
    return entry


def loyalty_adjust(
    *, customer: Customer, points: int, reason: str, user, idempotency_key: str
) -> LoyaltyTransaction:
    """A staff correction with a reason: positive adds a lot, negative spends lots like a
    redemption; refused when the balance would go below zero."""
    reason = reason.strip()
    if not reason:
        raise _refused("reason", _("Give a reason for the adjustment."))
    if not isinstance(points, int) or isinstance(points, bool) or points == 0:
        raise _refused("points", _("The points must be a whole number other than zero."))
    if not idempotency_key:
        raise ValueError("A loyalty transaction needs an idempotency key.")
    program = _program_for()
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(customer)
        existing = _existing(idempotency_key)
        if existing is not None:
            if (existing.customer_id, existing.kind, existing.points) != (
                customer.pk,
                Kind.ADJUST,
                points,
            ):
                raise _refused(
                    "idempotency_key",
                    _("This idempotency key was already used for a different transaction."),
                )
            return existing
        if points > 0:
            entry = _post_lot(
                locked=locked,
                program=program,
                kind=Kind.ADJUST,
                points=points,
                idempotency_key=idempotency_key,
                expires_at=_lot_expiry(program, now),
                reason=reason,
                user=user,
            )
        else:
            entry = _post_spend(
                locked=locked,
                program=program,
                kind=Kind.ADJUST,
                points=-points,
                idempotency_key=idempotency_key,
                now=now,
                field="points",
                reason=reason,
                user=user,
            )
    _sync(customer, locked)
    return entry


# Expiry and tiers -----------------------------------------------------------------------------


def loyalty_points_expire(*, now: dt.datetime | None = None) -> int:
    """Expire what remains of every lot past its date: one expire entry per lot, written under
    its customer's lock. Safe to run concurrently (a busy customer is skipped until the next run,
    and each lot's entry has its own key). Returns the number of lots expired."""
    now = now or timezone.now()
    program = _program()
    customer_ids = (
        LoyaltyTransaction.objects.filter(
            status=Status.POSTED, remaining__gt=0, expires_at__lte=now
        )
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
        .distinct()
    )
    expired = 0
    for customer_id in list(customer_ids):
        with transaction.atomic():
            locked = (
                Customer.objects.select_for_update(skip_locked=True).filter(pk=customer_id).first()
            )
            if locked is None:
                continue
            lot_program = program or LoyaltyProgram.objects.order_by("-pk").first()
            assert lot_program is not None  # lots exist, so a programme does
            expired += _expire_lapsed(locked=locked, program=lot_program, now=now)
    return expired


def _tier_change_notify(*, customer: Customer, old: str, new: str) -> None:
    """Email the customer, in their language, once the change commits."""
    from notifications.services import email_enqueue

    with translation.override(customer.preferred_language):
        context = {
            "customer": customer,
            "old": LoyaltyTier(old).label,
            "new": LoyaltyTier(new).label,
            "up": tier_rank(new) > tier_rank(old),
        }
        message = EmailMultiAlternatives(
            subject=_("Your Safar loyalty tier is now %(tier)s") % {"tier": context["new"]},
            body=render_to_string("b2c/loyalty/email/tier_changed.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[customer.user.email],
        )
    email_enqueue(message=message)


def loyalty_tier_update(*, customer: Customer) -> str:
    """Lift the tier when the qualifying points of the window reach a higher threshold (never
    lower it: that waits for the review). Returns the tier."""
    program = _program()
    if program is None:
        return customer.loyalty_tier
    now = timezone.now()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().select_related("user").get(pk=customer.pk)
        reached = tier_for_points(
            program, qualifying_points(customer=locked, program=program, now=now)
        )
        old = locked.loyalty_tier
        if tier_rank(reached) > tier_rank(old):
            locked.loyalty_tier = reached
            locked.tier_review_at = add_months(now, program.qualification_months)
            locked.save(update_fields=["loyalty_tier", "tier_review_at", "updated_at"])
            _tier_change_notify(customer=locked, old=old, new=reached)
    customer.loyalty_tier, customer.tier_review_at = locked.loyalty_tier, locked.tier_review_at
    return locked.loyalty_tier


def loyalty_tiers_review(*, now: dt.datetime | None = None) -> int:
    """At the end of each customer's window, set the tier from the window's qualifying points
    (it may go down); the next review is a window later (none once back at Bronze, which
    cannot go lower; the tier rises again through loyalty_tier_update). Returns the number of
    tiers changed. Safe to run concurrently."""
    now = now or timezone.now()
    program = _program()
    if program is None:
        return 0
    due = (
        Customer.objects.filter(tier_review_at__lte=now).order_by("pk").values_list("pk", flat=True)
    )
    changed = 0
    for pk in list(due):
        with transaction.atomic():
            locked = (
                Customer.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=pk, tier_review_at__lte=now)
                .first()
            )
            if locked is None:
                continue
            tier = tier_for_points(
                program, qualifying_points(customer=locked, program=program, now=now)
            )
            old = locked.loyalty_tier
            locked.loyalty_tier = tier
            locked.tier_review_at = (
                None
                if tier == LoyaltyTier.BRONZE
                else add_months(now, program.qualification_months)
            )
            locked.save(update_fields=["loyalty_tier", "tier_review_at", "updated_at"])
            if tier != old:
                _tier_change_notify(customer=locked, old=old, new=tier)
                changed += 1
    return changed


# Rewards --------------------------------------------------------------------------------------


def reward_code_new() -> str:
    return "".join(secrets.choice(REWARD_CODE_ALPHABET) for _ in range(REWARD_CODE_LENGTH))


def reward_unavailable_reason(
    *, reward: Reward, customer: Customer, now: dt.datetime, check_points: bool = True
) -> tuple[str, str] | None:
    """Why `customer` cannot redeem `reward` now, as (field, message), or None when they can."""
    if reward.available_from and now < reward.available_from:
        return "reward", _("Available from %(date)s.") % {
            "date": format_date(reward.available_from, "long")
        }
    if reward.available_until and now >= reward.available_until:
        return "reward", _("No longer available.")
    if tier_rank(customer.loyalty_tier) < tier_rank(reward.min_tier):
        return "reward", _("For %(tier)s members and above.") % {
            "tier": LoyaltyTier(reward.min_tier).label
        }
    if reward.stock is not None and reward.stock <= 0:
        return "reward", _("Out of stock.")
    if check_points and customer.points_balance < reward.points_cost:
        return "points", _("You need %(points)s more points.") % {
            "points": format_number(reward.points_cost - customer.points_balance)
        }
    return None


def _issue_code(**fields) -> CustomerReward:
    """Create the customer reward with a fresh code; a clash (32**10 codes) draws again."""
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return CustomerReward.objects.create(code=reward_code_new(), **fields)
        except IntegrityError:
            if CustomerReward.objects.filter(idempotency_key=fields["idempotency_key"]).exists():
                raise
            continue
    raise RuntimeError("No free reward code after 10 draws.")


def reward_redeem(*, customer: Customer, reward_id: int, idempotency_key: str) -> RedeemResult:
    """Buy a reward with points, atomically: it is in the catalogue and its window, the
    customer's tier is high enough, there is stock left and the points are enough. The points
    come out of the oldest-expiring lots in one entry; a wallet credit is credited at once.
    The same key again returns the same reward (created False) and charges nothing."""
    if not idempotency_key:
        raise ValueError("A redemption needs an idempotency key.")
    # Scoped to the customer: a key chosen by one client never meets another's.
    key = f"redeem:{customer.pk}:{idempotency_key}"
    now = timezone.now()

    def replay(existing: CustomerReward) -> RedeemResult:
        if existing.reward_id != reward_id:
            raise _refused(
                "idempotency_key",
                _("This idempotency key was already used to redeem another reward."),
            )
        return RedeemResult(customer_reward=existing, created=False)

    existing = CustomerReward.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return replay(existing)
    program = _program_for()
    wallet = None
    if Reward.objects.filter(pk=reward_id, kind=Reward.Kind.WALLET_CREDIT).exists():
        from b2c.services.wallet import wallet_create

        wallet = wallet_create(customer=customer)
    with transaction.atomic():
        if wallet is not None:
            # The wallet before the customer, as a payment locks them.
            CustomerWallet.objects.select_for_update().filter(pk=wallet.pk).first()
        locked = _lock(customer)
        # Under the lock: a double click waits for the first request, then finds its reward.
        existing = CustomerReward.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return replay(existing)
        reward = Reward.objects.filter(pk=reward_id, is_active=True).first()
        if reward is None:
            raise _refused("reward", _("This reward was not found."), RewardNotFound)
        refusal = reward_unavailable_reason(
            reward=reward, customer=locked, now=now, check_points=False
        )
        if refusal is not None:
            raise _refused(*refusal)
        cost = reward.points_cost
        customer_reward = _issue_code(
            customer=locked,
            reward=reward,
            points_spent=cost,
            value_amount=reward.value_amount,
            value_currency=reward.value_currency,
            expires_at=now + dt.timedelta(days=reward.validity_days),
            idempotency_key=key,
        )
        _post_spend(
            locked=locked,
            program=program,
            kind=Kind.REDEEM,
            points=cost,
            idempotency_key=f"loyalty:redeem:{customer_reward.pk}",
            now=now,
            field="points",
            customer_reward=customer_reward,
        )
        if reward.stock is not None:
            # Last, to hold the reward's row lock briefly; the condition is re-read after any
            # wait for a concurrent redemption, so stock never goes below zero.
            taken = Reward.objects.filter(pk=reward.pk, stock__gt=0).update(stock=F("stock") - 1)
            if not taken:
                raise _refused("reward", _("Out of stock."))
        if reward.kind == Reward.Kind.WALLET_CREDIT:
            from b2c.services.wallet import wallet_create, wallet_credit

            assert reward.value_amount is not None
            wallet_credit(
                wallet=wallet or wallet_create(customer=locked),
                amount=reward.value_amount,
                currency=reward.value_currency,
                kind=WalletTransaction.Kind.REWARD_CREDIT,
                idempotency_key=f"reward-credit:{customer_reward.pk}",
                customer_reward=customer_reward,
            )
            customer_reward.state = CustomerReward.State.USED
            customer_reward.used_at = now
            customer_reward.save(update_fields=["state", "used_at", "updated_at"])
    _sync(customer, locked)
    return RedeemResult(customer_reward=customer_reward, created=True)


def customer_rewards_expire(*, now: dt.datetime | None = None) -> int:
    """Issued rewards past their use-by date become expired. One conditional update: a voucher
    being used concurrently (its row locked) is re-checked after the wait."""
    now = now or timezone.now()
    return CustomerReward.objects.filter(
        state=CustomerReward.State.ISSUED, expires_at__lte=now
    ).update(state=CustomerReward.State.EXPIRED, updated_at=now)


# Vouchers at booking payment ------------------------------------------------------------------


def _voucher(
    *, customer: Customer, code: str, booking, lock: bool
) -> tuple[CustomerReward, Decimal]:
    code = (code or "").strip().upper()
    vouchers = CustomerReward.objects.select_related("reward")
    if lock:
        vouchers = vouchers.select_for_update(of=("self",))
    # Someone else's code answers exactly like a code that does not exist.
    voucher = vouchers.filter(code=code, customer_id=customer.pk).first() if code else None
    if voucher is None:
        raise _refused("voucher", _("This voucher code is not valid."))
    if voucher.reward.kind != Reward.Kind.DISCOUNT_VOUCHER:
        raise _refused("voucher", _("This code is not a discount voucher."))
    if voucher.state == CustomerReward.State.USED and voucher.booking_id == booking.pk:
        pass  # already on this booking: a retry
    elif voucher.state == CustomerReward.State.USED:
        raise _refused("voucher", _("This voucher has already been used."))
    elif voucher.state == CustomerReward.State.CANCELLED:
        raise _refused("voucher", _("This voucher was cancelled."))
    elif voucher.state == CustomerReward.State.EXPIRED or voucher.expires_at <= timezone.now():
        raise _refused("voucher", _("This voucher has expired."))
    assert voucher.value_amount is not None
    value = convert(voucher.value_amount, voucher.value_currency, booking.currency).amount
    return voucher, min(value, booking.total)


def reward_voucher_check(
    *, customer: Customer, code: str, booking
) -> tuple[CustomerReward, Decimal]:
    """The customer's own usable discount voucher with `code` and what it takes off `booking`
    (its value in the booking's currency, at most the total). Reads only."""
    return _voucher(customer=customer, code=code, booking=booking, lock=False)


def reward_voucher_use(*, customer: Customer, code: str, booking) -> tuple[CustomerReward, Decimal]:
    """Use the voucher on `booking` (inside the payment's transaction, booking locked): checked
    again under its row lock, then marked used. The caller sets the booking's discount."""
    voucher, discount = _voucher(customer=customer, code=code, booking=booking, lock=True)
    if voucher.state != CustomerReward.State.USED:
        voucher.state = CustomerReward.State.USED
        voucher.used_at = timezone.now()
        voucher.booking = booking
        voucher.save(update_fields=["state", "used_at", "booking", "updated_at"])
    return voucher, discount


def reward_voucher_release(*, booking) -> None:
    """The hold ran out unpaid: its voucher can be used again (or is expired, if past its
    date). Idempotent."""
    if booking.voucher_id is None:
        return
    with transaction.atomic():
        voucher = CustomerReward.objects.select_for_update().get(pk=booking.voucher_id)
        if voucher.state != CustomerReward.State.USED or voucher.booking_id != booking.pk:
            return
        now = timezone.now()
        voucher.state = (
            CustomerReward.State.EXPIRED
            if voucher.expires_at <= now
            else CustomerReward.State.ISSUED
        )
        voucher.used_at = None
        voucher.booking = None
        voucher.save(update_fields=["state", "used_at", "booking", "updated_at"])
