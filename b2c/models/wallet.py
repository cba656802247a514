"""Stored value: each customer's wallet and the append-only ledger its balance comes from."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import SUPPORTED_CURRENCIES

CURRENCY_CHOICES = [(code, code) for code in SUPPORTED_CURRENCIES]


class CustomerWallet(TimeStampedModel):
    """A customer's stored value in one currency; its balance is the sum of its transactions."""

    customer = models.OneToOneField(
        "b2c.Customer",
        # A wallet with entries cannot go: its transactions PROTECT it. An empty one may.
        on_delete=models.CASCADE,
        related_name="wallet",
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=3, default=0)

    class Meta:
        db_table = "b2c_customer_wallet"
        verbose_name = _("wallet")
        verbose_name_plural = _("wallets")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="customer_wallet_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.currency}"


class WalletTransaction(models.Model):
    """One change of a wallet's balance (append-only: corrections are new entries)."""

    class Kind(models.TextChoices):
        TOP_UP = "top_up", _("Top-up")
        BOOKING_PAYMENT = "booking_payment", _("Booking payment")
        REFUND = "refund", _("Refund")
        CASHBACK = "cashback", _("Cashback")
        REFERRAL_BONUS = "referral_bonus", _("Referral bonus")
        REWARD_CREDIT = "reward_credit", _("Reward credit")
        ADJUSTMENT = "adjustment", _("Staff adjustment")
        REVERSAL = "reversal", _("Reversal")

    wallet = models.ForeignKey(
        CustomerWallet, on_delete=models.PROTECT, related_name="transactions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=3, help_text=_("Positive in, negative out.")
    )
    balance_after = models.DecimalField(_("balance after"), max_digits=14, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    reason = models.TextField(_("reason"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wallet_transactions",
    )
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wallet_transactions",
    )
    customer_reward = models.ForeignKey(
        "b2c.CustomerReward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wallet_transactions",
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        help_text=_("The entry this one reverses; an entry is reversed at most once."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wallet_transactions_created",
        help_text=_("The staff member who made an adjustment or reversal."),
    )
    # Set when the money came in another currency: `original_amount` of `original_currency`
    # at `exchange_rate` is `amount` of the wallet's currency.
    original_amount = models.DecimalField(
        _("original amount"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    original_currency = models.CharField(
        _("original currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True
    )
    exchange_rate = models.DecimalField(
        _("exchange rate"), max_digits=20, decimal_places=10, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "b2c_wallet_transaction"
        ordering = ["-created_at", "-id"]
        verbose_name = _("wallet transaction")
        verbose_name_plural = _("wallet transactions")
        indexes = [
            models.Index(
                fields=["wallet", "-created_at", "-id"], name="wallet_transaction_wallet_new"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0), name="wallet_transaction_amount_not_zero"
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0),
                name="wallet_transaction_balance_after_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind="adjustment") | ~Q(reason=""),
                name="wallet_transaction_adjustment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"


class SavedPaymentMethod(TimeStampedModel):
    """A customer's card kept at the gateway: its token and what is shown, never number or CVC."""

    customer = models.ForeignKey(
        "b2c.Customer", on_delete=models.CASCADE, related_name="payment_methods"
    )
    token = models.CharField(_("gateway token"), max_length=64)
    brand = models.CharField(_("brand"), max_length=20)
    last4 = models.CharField(_("last 4 digits"), max_length=4)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"))
    exp_year = models.PositiveSmallIntegerField(_("expiry year"))
    holder_name = models.CharField(_("name on card"), max_length=100, blank=True)
    # The gateway's fingerprint of the card number: the same card gives the same fingerprint,
    # whoever saves it (referrals use it to spot a second account of the same person).
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        db_table = "b2c_saved_payment_method"
        ordering = ["-is_default", "-created_at", "-id"]
        verbose_name = _("saved card")
        verbose_name_plural = _("saved cards")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_default=True),
                name="saved_payment_method_one_default",
            ),
            models.UniqueConstraint(
                fields=["customer", "token"], name="saved_payment_method_unique_token"
            ),
            models.CheckConstraint(
                condition=Q(exp_month__gte=1) & Q(exp_month__lte=12),
                name="saved_payment_method_exp_month_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4} ({self.exp_month:02d}/{self.exp_year})"

    def expired(self, today) -> bool:
        """Whether the card has expired by `today` (it is valid to the end of its month)."""
        return (self.exp_year, self.exp_month) < (today.year, today.month)
