"""Referrals (a customer brings a friend) and affiliates (a partner site sends customers)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import SUPPORTED_CURRENCIES

CURRENCY_CHOICES = [(code, code) for code in SUPPORTED_CURRENCIES]


class ReferralProgram(TimeStampedModel):
    """What a referral earns each side once the friend has flown a first booking."""

    class RewardKind(models.TextChoices):
        WALLET_CREDIT = "wallet_credit", _("Wallet credit")
        POINTS = "points", _("Loyalty points")

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    reward_kind = models.CharField(_("reward"), max_length=20, choices=RewardKind.choices)
    # Wallet credit: each side gets its amount in `currency`, converted to their wallet's.
    referrer_amount = models.DecimalField(
        _("referrer's credit"), max_digits=12, decimal_places=3, default=0
    )
    referee_amount = models.DecimalField(
        _("friend's credit"), max_digits=12, decimal_places=3, default=0
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True)
    referrer_points = models.PositiveIntegerField(_("referrer's points"), default=0)
    referee_points = models.PositiveIntegerField(_("friend's points"), default=0)
    max_rewards_per_referrer = models.PositiveIntegerField(
        _("rewarded referrals per customer"), default=10
    )

    class Meta:
        db_table = "b2c_referral_program"
        verbose_name = _("referral programme")
        verbose_name_plural = _("referral programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="referral_program_one_active",
            ),
            models.CheckConstraint(
                condition=~Q(reward_kind="wallet_credit")
                | (Q(referrer_amount__gt=0) & Q(referee_amount__gt=0) & ~Q(currency="")),
                name="referral_program_credit_has_amounts",
            ),
            models.CheckConstraint(
                condition=~Q(reward_kind="points")
                | (Q(referrer_points__gt=0) & Q(referee_points__gt=0)),
                name="referral_program_points_has_amounts",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerReferral(TimeStampedModel):
    """A friend who signed up with a customer's referral code, and what came of it."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("Signed up")
        REWARDED = "rewarded", _("Rewarded")
        REJECTED = "rejected", _("Not eligible")

    class RejectReason(models.TextChoices):
        SELF = "self", _("Own referral code")
        SAME_PERSON = "same_person", _("Another account of the same person")
        CAP = "cap", _("Referral limit reached")

    program = models.ForeignKey(ReferralProgram, on_delete=models.PROTECT, related_name="referrals")
    referrer = models.ForeignKey(
        "b2c.Customer", on_delete=models.PROTECT, related_name="referrals_made"
    )
    # A customer is referred at most once.
    referee = models.OneToOneField(
        "b2c.Customer", on_delete=models.PROTECT, related_name="referred_by"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SIGNED_UP
    )
    reject_reason = models.CharField(
        _("why not eligible"), max_length=12, choices=RejectReason.choices, blank=True
    )
    qualifying_booking = models.OneToOneField(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
    )
    rewarded_at = models.DateTimeField(_("rewarded at"), null=True, blank=True)

    class Meta:
        db_table = "b2c_customer_referral"
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(referrer=models.F("referee")), name="customer_referral_not_self"
            ),
            models.CheckConstraint(
                condition=Q(status="rejected", reject_reason__gt="")
                | (~Q(status="rejected") & Q(reject_reason="")),
                name="customer_referral_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referrer} → {self.referee}"


class AffiliatePartner(TimeStampedModel):
    """A partner site paid a commission on the bookings its links bring."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    commission_rate = models.DecimalField(
        _("commission rate"),
        max_digits=5,
        decimal_places=4,
        help_text=_("A fraction of the amount paid: 0.0300 is 3%."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "b2c_affiliate_partner"
        ordering = ["name"]
        verbose_name = _("affiliate partner")
        verbose_name_plural = _("affiliate partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_rate__gt=0) & Q(commission_rate__lt=1),
                name="affiliate_partner_rate_is_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AffiliateClick(models.Model):
    """A visit through a partner's tracking link; its token is the attribution cookie."""

    partner = models.ForeignKey(AffiliatePartner, on_delete=models.PROTECT, related_name="clicks")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clicked_at = models.DateTimeField(_("clicked at"), auto_now_add=True, db_index=True)
    landing_page = models.CharField(_("landing page"), max_length=500)
    # A keyed hash of the address: enough to spot abuse, not to find the person.
    ip_hash = models.CharField(_("address hash"), max_length=64)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    referrer = models.CharField(_("came from"), max_length=500, blank=True)

    class Meta:
        db_table = "b2c_affiliate_click"
        ordering = ["-clicked_at", "-id"]
        verbose_name = _("affiliate click")
        verbose_name_plural = _("affiliate clicks")
        indexes = [models.Index(fields=["partner", "-clicked_at"], name="affiliate_click_partner")]

    def __str__(self) -> str:
        return f"{self.partner} {self.clicked_at:%Y-%m-%d %H:%M}"


class AffiliateCommission(TimeStampedModel):
    """A partner's commission on one attributed booking: pending until flown, then earned."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        EARNED = "earned", _("Earned")
        REVERSED = "reversed", _("Reversed")

    partner = models.ForeignKey(
        AffiliatePartner, on_delete=models.PROTECT, related_name="commissions"
    )
    click = models.ForeignKey(AffiliateClick, on_delete=models.PROTECT, related_name="commissions")
    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.PROTECT, related_name="affiliate_commission"
    )
    rate = models.DecimalField(_("rate"), max_digits=5, decimal_places=4)
    # Set when the booking is paid: the rate times what the customer paid.
    amount = models.DecimalField(_("commission"), max_digits=12, decimal_places=3, default=0)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    earned_at = models.DateTimeField(_("earned at"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)

    class Meta:
        db_table = "b2c_affiliate_commission"
        ordering = ["-created_at", "-id"]
        verbose_name = _("affiliate commission")
        verbose_name_plural = _("affiliate commissions")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="affiliate_commission_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.booking}"
