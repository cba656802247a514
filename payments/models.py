from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Payment(TimeStampedModel):
    """Money taken by one method: a booking's (card or wallet) or a wallet top-up (card)."""

    class Method(models.TextChoices):
        CARD = "card", _("Card")
        WALLET = "wallet", _("Wallet")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CAPTURED = "captured", _("Paid")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Awaiting the gateway")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")

    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        related_name="payments",
        null=True,
        blank=True,
    )
    # A top-up: the card payment that adds to this wallet once captured.
    wallet = models.ForeignKey(
        "b2c.CustomerWallet",
        on_delete=models.PROTECT,
        related_name="top_ups",
        null=True,
        blank=True,
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # One charge per key at the gateway too: a retry can never charge twice.
    idempotency_key = models.CharField(max_length=80, unique=True)
    gateway_charge_id = models.CharField(max_length=64, blank=True, db_index=True)
    card_brand = models.CharField(_("card"), max_length=20, blank=True)
    card_last4 = models.CharField(_("last 4 digits"), max_length=4, blank=True)
    card_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    decline_code = models.CharField(max_length=40, blank=True)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=3, default=0)

    class Meta:
        db_table = "payments_payment"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # Either a booking's payment or a wallet's top-up (by card), never both or neither.
            models.CheckConstraint(
                condition=Q(booking__isnull=False, wallet__isnull=True)
                | Q(booking__isnull=True, wallet__isnull=False, method="card"),
                name="payment_for_booking_or_top_up",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount")),
                name="payment_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} {self.currency} ({self.status})"


class Refund(TimeStampedModel):
    """Money returned to where a payment came from; owed to the customer until it succeeds.

    - `pending`: the first request is with the gateway. If its answer is lost (a crash), it is
      sent again at `next_attempt_at`.
    - `retrying`: the gateway refused it, failed or timed out; it is sent again at
      `next_attempt_at` (`payments.services.refunds_retry`), always with the same idempotency key.
    - `succeeded`: the gateway returned the money; the payment and booking say so.
    - `failed`: given up after the last attempt. Staff were emailed and must act (it is listed
      under "Owed refunds › Needs staff" in the admin).

    `pending` and `retrying` always have a `next_attempt_at`; `succeeded` and `failed` never do.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Given up")

    class Destination(models.TextChoices):
        CARD = "card", _("Original card")
        WALLET = "wallet", _("Wallet")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    # Where the money goes: back to the card through the gateway, or into the customer's wallet
    # (instant; always so for what the wallet paid).
    destination = models.CharField(
        _("refunded to"), max_length=10, choices=Destination.choices, default=Destination.CARD
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    idempotency_key = models.CharField(max_length=80, unique=True)
    gateway_refund_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # Requests made to the gateway, the first one included.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    # The gateway's decline code or error message; never card data.
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    retry_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="refund_retries_requested",
        verbose_name=_("retry requested by"),
    )
    retry_requested_at = models.DateTimeField(_("retry requested at"), null=True, blank=True)

    class Meta:
        db_table = "payments_refund"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            # A refund still being sent is always scheduled, so none is forgotten.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["pending", "retrying"], next_attempt_at__isnull=False)
                    | Q(status__in=["succeeded", "failed"], next_attempt_at__isnull=True)
                ),
                name="refund_scheduled_while_sending",
            ),
        ]

    def __str__(self) -> str:
        return f"Refund {self.amount} {self.currency} ({self.status})"


class SandboxCard(models.Model):
    """The sandbox gateway's vault: what a test card token stands for (never the number)."""

    token = models.CharField(max_length=40, unique=True)
    behaviour = models.CharField(max_length=30)
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)

    class Meta:
        db_table = "payments_sandbox_card"

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"


class SandboxCharge(models.Model):
    """The sandbox gateway's record of a charge: the remote side that reconciliation reads."""

    charge_id = models.CharField(max_length=40, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    card_token = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=12, decimal_places=3)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20)
    decline_code = models.CharField(max_length=40, blank=True)
    refunded = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    refund_keys = models.JSONField(default=dict)
    # Refund requests declined so far, per idempotency key (the test cards that decline refunds).
    refund_declines = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "payments_sandbox_charge"

    def __str__(self) -> str:
        return f"{self.charge_id or self.idempotency_key} {self.status}"


class ExchangeRate(models.Model):
    """One published rate: 1 unit of `base` buys `rate` units of `quote` (rows are appended)."""

    base = models.CharField(_("base currency"), max_length=3)
    quote = models.CharField(_("quote currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    # "file", "staff:<email>" or a live provider's name.
    source = models.CharField(_("source"), max_length=300)
    fetched_at = models.DateTimeField(_("published at"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        db_table = "payments_exchange_rate"
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["base", "quote", "-fetched_at", "-id"]
        indexes = [
            models.Index(fields=["base", "quote", "-fetched_at"], name="exchange_rate_current"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=~Q(base=models.F("quote")), name="exchange_rate_distinct_currencies"
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.fetched_at:%Y-%m-%d %H:%M})"
