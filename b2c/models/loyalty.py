"""Loyalty: the programme's rules, each customer's points ledger, rewards bought with points.

A customer's points balance (`Customer.points_balance`) is the sum of the ledger's posted entries;
points earned on a booking wait in `Customer.points_pending` (a pending entry) until the trip is
flown. Every positive posted entry is a lot that expires `points_validity_months` after it was
posted; redemptions consume lots oldest-expiring first.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from b2c.models.customer import LoyaltyTier
from core.models import TimeStampedModel
from core.money import SUPPORTED_CURRENCIES

CURRENCY_CHOICES = [(code, code) for code in SUPPORTED_CURRENCIES]


class TierBenefit(models.TextChoices):
    """What a tier can give; a programme lists, per tier, which of these it grants."""

    BONUS_POINTS = "bonus_points", _("Bonus points on every booking")
    PRIORITY_SUPPORT = "priority_support", _("Priority support line")
    FREE_SEAT_SELECTION = "free_seat_selection", _("Free seat selection")
    EXTRA_BAGGAGE = "extra_baggage", _("Extra baggage allowance")
    PRIORITY_BOARDING = "priority_boarding", _("Priority boarding")
    LOUNGE_ACCESS = "lounge_access", _("Airport lounge access")
    FREE_CHANGES = "free_changes", _("Free date changes")
    DEDICATED_AGENT = "dedicated_agent", _("A dedicated travel agent")


class LoyaltyProgram(TimeStampedModel):
    """The rules of the loyalty programme; one is active at a time."""

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=CURRENCY_CHOICES,
        help_text=_("Spending is converted to this currency before points are counted."),
    )
    points_per_unit = models.DecimalField(
        _("points per unit of currency"), max_digits=8, decimal_places=3
    )
    silver_threshold = models.PositiveIntegerField(_("points to reach Silver"))
    gold_threshold = models.PositiveIntegerField(_("points to reach Gold"))
    platinum_threshold = models.PositiveIntegerField(_("points to reach Platinum"))
    bronze_multiplier = models.DecimalField(
        _("Bronze earn multiplier"), max_digits=4, decimal_places=2, default=1
    )
    silver_multiplier = models.DecimalField(
        _("Silver earn multiplier"), max_digits=4, decimal_places=2, default=1
    )
    gold_multiplier = models.DecimalField(
        _("Gold earn multiplier"), max_digits=4, decimal_places=2, default=1
    )
    platinum_multiplier = models.DecimalField(
        _("Platinum earn multiplier"), max_digits=4, decimal_places=2, default=1
    )
    # {"silver": ["priority_support", ...], ...}: TierBenefit values per LoyaltyTier value.
    tier_benefits = models.JSONField(_("benefits per tier"), default=dict, blank=True)
    points_validity_months = models.PositiveSmallIntegerField(
        _("points valid for (months)"), default=24
    )
    qualification_months = models.PositiveSmallIntegerField(
        _("qualification window (months)"), default=12
    )

    class Meta:
        db_table = "b2c_loyalty_program"
        verbose_name = _("loyalty programme")
        verbose_name_plural = _("loyalty programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="loyalty_program_one_active"
            ),
            models.CheckConstraint(
                condition=Q(points_per_unit__gt=0), name="loyalty_program_points_per_unit_positive"
            ),
            models.CheckConstraint(
                condition=Q(silver_threshold__gt=0)
                & Q(gold_threshold__gt=models.F("silver_threshold"))
                & Q(platinum_threshold__gt=models.F("gold_threshold")),
                name="loyalty_program_thresholds_rise",
            ),
            models.CheckConstraint(
                condition=Q(bronze_multiplier__gt=0)
                & Q(silver_multiplier__gt=0)
                & Q(gold_multiplier__gt=0)
                & Q(platinum_multiplier__gt=0),
                name="loyalty_program_multipliers_positive",
            ),
            models.CheckConstraint(
                condition=Q(points_validity_months__gt=0) & Q(qualification_months__gt=0),
                name="loyalty_program_periods_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LoyaltyTransaction(models.Model):
    """One entry of a customer's points ledger (append-only; corrections are new entries).

    `status`: a pending earn waits for its trip to be flown and is not in the balance; it then
    becomes `released` and a posted earn entry (the lot) is appended, or `voided` when the
    booking is cancelled. Every other entry is posted when written.
    """

    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        REDEEM = "redeem", _("Redeemed")
        EXPIRE = "expire", _("Expired")
        ADJUST = "adjust", _("Adjustment")
        REVERSE = "reverse", _("Reversal")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending until flown")
        POSTED = "posted", _("Posted")
        RELEASED = "released", _("Released")
        VOIDED = "voided", _("Voided")

    customer = models.ForeignKey(
        "b2c.Customer", on_delete=models.PROTECT, related_name="loyalty_transactions"
    )
    program = models.ForeignKey(
        LoyaltyProgram, on_delete=models.PROTECT, related_name="transactions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.POSTED
    )
    points = models.IntegerField(_("points"), help_text=_("Positive in, negative out."))
    # The balance once this entry was applied; null while it is pending (not in the balance).
    balance_after = models.IntegerField(_("balance after"), null=True, blank=True)
    # A lot (a positive posted entry): when it lapses and how much of it is left to spend.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    remaining = models.PositiveIntegerField(_("remaining"), default=0)
    # A redemption: which lots it consumed, [[lot id, points], ...], to give them back.
    consumed = models.JSONField(default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loyalty_transactions",
    )
    customer_reward = models.ForeignKey(
        "b2c.CustomerReward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loyalty_transactions",
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    # The pending entry a posted earn came from.
    releases = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="released_as"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loyalty_transactions_created",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When it left `pending` (released or voided).
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "b2c_loyalty_transaction"
        ordering = ["-created_at", "-id"]
        verbose_name = _("loyalty transaction")
        verbose_name_plural = _("loyalty transactions")
        indexes = [
            models.Index(
                fields=["customer", "-created_at", "-id"], name="loyalty_txn_customer_new"
            ),
            # The expiry job's scan: lots with points left, by expiry.
            models.Index(
                fields=["expires_at"],
                condition=Q(remaining__gt=0),
                name="loyalty_txn_open_lots",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(points=0), name="loyalty_transaction_points_not_zero"
            ),
            models.CheckConstraint(
                condition=Q(balance_after__isnull=True) | Q(balance_after__gte=0),
                name="loyalty_transaction_balance_after_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status="posted", balance_after__isnull=False)
                | (~Q(status="posted") & Q(kind="earn", points__gt=0, remaining=0)),
                name="loyalty_transaction_only_earn_waits",
            ),
            models.CheckConstraint(
                condition=Q(remaining=0) | Q(points__gte=models.F("remaining")),
                name="loyalty_transaction_remaining_within_points",
            ),
            models.CheckConstraint(
                condition=~Q(kind="adjust") | ~Q(reason=""),
                name="loyalty_transaction_adjust_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d}"


class Reward(TimeStampedModel):
    """Something in the rewards catalogue that customers buy with points."""

    class Kind(models.TextChoices):
        WALLET_CREDIT = "wallet_credit", _("Wallet credit")
        DISCOUNT_VOUCHER = "discount_voucher", _("Discount voucher")
        UPGRADE = "upgrade", _("Cabin upgrade")
        LOUNGE_PASS = "lounge_pass", _("Lounge pass")
        EXTRA_BAGGAGE = "extra_baggage", _("Extra baggage")

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # {"ar": {"name": "...", "description": "..."}, "bn": {...}, "ur": {...}}
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    points_cost = models.PositiveIntegerField(_("points"))
    # Wallet credits and vouchers are worth this much (converted to the wallet's or the
    # booking's currency when used).
    value_amount = models.DecimalField(
        _("value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    value_currency = models.CharField(
        _("value currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True
    )
    stock = models.PositiveIntegerField(
        _("stock"), null=True, blank=True, help_text=_("Empty for unlimited.")
    )
    available_from = models.DateTimeField(_("available from"), null=True, blank=True)
    available_until = models.DateTimeField(_("available until"), null=True, blank=True)
    min_tier = models.CharField(
        _("minimum tier"), max_length=10, choices=LoyaltyTier.choices, default=LoyaltyTier.BRONZE
    )
    # How long an issued reward can be used.
    validity_days = models.PositiveSmallIntegerField(_("usable for (days)"), default=365)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        db_table = "b2c_reward"
        ordering = ["position", "points_cost", "id"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            models.CheckConstraint(
                condition=Q(points_cost__gt=0), name="reward_points_cost_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["wallet_credit", "discount_voucher"])
                | (Q(value_amount__gt=0) & ~Q(value_currency="")),
                name="reward_money_kinds_have_value",
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gt=models.F("available_from")),
                name="reward_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(validity_days__gt=0), name="reward_validity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerReward(TimeStampedModel):
    """A reward a customer redeemed points for, with its own code."""

    class State(models.TextChoices):
        ISSUED = "issued", _("Ready to use")
        USED = "used", _("Used")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey("b2c.Customer", on_delete=models.PROTECT, related_name="rewards")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="issued")
    code = models.CharField(_("code"), max_length=16, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.ISSUED, db_index=True
    )
    points_spent = models.PositiveIntegerField(_("points spent"))
    # What it was worth when redeemed (a later catalogue change does not alter it).
    value_amount = models.DecimalField(
        _("value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    value_currency = models.CharField(
        _("value currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True
    )
    expires_at = models.DateTimeField(_("use by"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rewards_used",
    )
    idempotency_key = models.CharField(max_length=200, unique=True)

    class Meta:
        db_table = "b2c_customer_reward"
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer reward")
        verbose_name_plural = _("customer rewards")
        constraints = [
            models.CheckConstraint(
                condition=Q(points_spent__gt=0), name="customer_reward_points_spent_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reward} · {self.code}"
