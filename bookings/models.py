from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from b2c.models.customer import Gender, passport_number_validator, validate_birth_date
from core.models import TimeStampedModel


class Booking(TimeStampedModel):
    """A customer's trip: flights held, then paid and ticketed, or cancelled."""

    class Status(models.TextChoices):
        HELD = "held", _("Awaiting payment")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    reference = models.CharField(_("booking reference"), max_length=6, unique=True)
    customer = models.ForeignKey("b2c.Customer", on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HELD, db_index=True
    )
    held_until = models.DateTimeField(_("seats held until"))
    currency = models.CharField(_("currency"), max_length=3)
    # Fares are priced in the supplier's currency; the customer's price was converted from it
    # at this rate when the seats were held (1 when the currencies are the same).
    fare_currency = models.CharField(_("fare currency"), max_length=3, blank=True)
    exchange_rate = models.DecimalField(
        _("exchange rate"), max_digits=20, decimal_places=10, default=Decimal(1)
    )
    base_total = models.DecimalField(_("fares"), max_digits=12, decimal_places=3)
    taxes_total = models.DecimalField(_("taxes and fees"), max_digits=12, decimal_places=3)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=3)
    adults = models.PositiveSmallIntegerField(default=1)
    children = models.PositiveSmallIntegerField(default=0)
    infants = models.PositiveSmallIntegerField(default=0)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    departure_at = models.DateTimeField(_("first departure"), db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refunded_total = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    # A reward voucher applied at payment: the customer pays `total - discount_total`.
    voucher = models.OneToOneField(
        "b2c.CustomerReward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="booking_discounted",
    )
    discount_total = models.DecimalField(_("discount"), max_digits=12, decimal_places=3, default=0)
    # Set once the last flight has landed (bookings.services.bookings_complete): the trip was
    # flown, so its points, referral and commission are earned.
    completed_at = models.DateTimeField(_("trip completed"), null=True, blank=True)
    # The client's key for the request that made this hold (the API's Idempotency-Key header, the
    # booking page's hidden field), and a digest of that request: a retry with the same key gets
    # this booking back instead of a second hold; the key with another request is refused.
    idempotency_key = models.CharField(max_length=80, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "bookings_booking"
        ordering = ["-created_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(
                condition=Q(total=models.F("base_total") + models.F("taxes_total")),
                name="booking_total_is_fares_plus_taxes",
            ),
            models.CheckConstraint(
                condition=Q(infants__lte=models.F("adults")), name="booking_infants_with_adults"
            ),
            models.CheckConstraint(
                condition=Q(exchange_rate__gt=0), name="booking_exchange_rate_positive"
            ),
            models.CheckConstraint(
                condition=Q(discount_total__gte=0) & Q(discount_total__lte=models.F("total")),
                name="booking_discount_within_total",
            ),
            # Decides between concurrent requests with one key: the second insert waits on this
            # index for the first to commit, then fails, and that request returns the first's hold.
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="booking_one_per_customer_key",
            ),
        ]
        indexes = [models.Index(fields=["customer", "-created_at"], name="booking_customer_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def seats(self) -> int:
        return self.adults + self.children

    @property
    def amount_due(self) -> Decimal:
        """What the customer pays: the total less a voucher's discount."""
        return self.total - self.discount_total


class BookingSegment(models.Model):
    """One flight of a booking on one fare, as priced when booked."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Outbound")
        INBOUND = "inbound", _("Return")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="segments")
    fare = models.ForeignKey("flights.Fare", on_delete=models.PROTECT, related_name="segments")
    flight = models.ForeignKey(
        "flights.Flight", on_delete=models.PROTECT, related_name="booking_segments"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    position = models.PositiveSmallIntegerField()
    cabin = models.CharField(max_length=16)
    brand = models.CharField(max_length=40)
    adult_base = models.DecimalField(max_digits=12, decimal_places=3)
    adult_taxes = models.DecimalField(max_digits=12, decimal_places=3)
    refundable = models.BooleanField()
    refund_fee = models.DecimalField(max_digits=12, decimal_places=3)

    class Meta:
        db_table = "bookings_segment"
        ordering = ["booking", "position"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "position"], name="segment_one_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.booking} #{self.position}"


class Passenger(models.Model):
    """A traveller on a booking, as on the passport, with the e-ticket once confirmed."""

    class Type(models.TextChoices):
        ADULT = "adult", pgettext_lazy("passenger type", "Adult")
        CHILD = "child", pgettext_lazy("passenger type", "Child")
        INFANT = "infant", pgettext_lazy("passenger type", "Infant")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="passengers")
    type = models.CharField(_("passenger type"), max_length=6, choices=Type.choices)
    given_names = models.CharField(_("given names (as on passport)"), max_length=100)
    surname = models.CharField(_("surname (as on passport)"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), validators=[validate_birth_date])
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    passport_number = models.CharField(
        _("passport number"), max_length=9, blank=True, validators=[passport_number_validator]
    )
    passport_country = models.CharField(_("passport issuing country"), max_length=2, blank=True)
    passport_expiry = models.DateField(_("passport expiry date"), null=True, blank=True)
    ticket_number = models.CharField(_("e-ticket number"), max_length=13, blank=True, db_index=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        db_table = "bookings_passenger"
        ordering = ["booking", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket_number"],
                condition=~Q(ticket_number=""),
                name="passenger_ticket_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.surname}"
