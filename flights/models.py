from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Airline(models.Model):
    """A carrier, identified by its two-character IATA designator."""

    iata_code = models.CharField(
        _("IATA code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]{2}$", _("Two letters or digits, e.g. EK."))],
    )
    icao_code = models.CharField(_("ICAO code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=120)
    country = CountryField(_("country"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "flights_airline"
        ordering = ["name"]
        verbose_name = _("airline")
        verbose_name_plural = _("airlines")

    def __str__(self) -> str:
        return f"{self.name} ({self.iata_code})"


class Airport(models.Model):
    """An airport with an IATA code (from the airportsdata package)."""

    iata_code = models.CharField(_("IATA code"), max_length=3, unique=True)
    icao_code = models.CharField(_("ICAO code"), max_length=4, blank=True)
    name = models.CharField(_("name"), max_length=150)
    city = models.CharField(_("city"), max_length=100, db_index=True)
    country = CountryField(_("country"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        db_table = "flights_airport"
        ordering = ["iata_code"]
        verbose_name = _("airport")
        verbose_name_plural = _("airports")

    def __str__(self) -> str:
        return f"{self.city} ({self.iata_code})"


class Cabin(models.TextChoices):
    ECONOMY = "economy", _("Economy")
    PREMIUM_ECONOMY = "premium_economy", _("Premium economy")
    BUSINESS = "business", _("Business")
    FIRST = "first", _("First")


class Flight(models.Model):
    """One scheduled departure of a flight number between two airports."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    airline = models.ForeignKey(Airline, on_delete=models.PROTECT, related_name="flights")
    number = models.PositiveSmallIntegerField(_("flight number"))
    origin = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="departures")
    destination = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="arrivals")
    departure_at = models.DateTimeField(_("departure (UTC)"))
    arrival_at = models.DateTimeField(_("arrival (UTC)"))
    aircraft = models.CharField(_("aircraft"), max_length=40)
    distance_km = models.PositiveIntegerField(_("great-circle distance (km)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )

    class Meta:
        db_table = "flights_flight"
        ordering = ["departure_at"]
        verbose_name = _("flight")
        verbose_name_plural = _("flights")
        constraints = [
            models.UniqueConstraint(
                fields=["airline", "number", "departure_at"], name="flight_one_departure"
            ),
            models.CheckConstraint(
                condition=models.Q(arrival_at__gt=models.F("departure_at")),
                name="flight_arrives_after_departure",
            ),
            models.CheckConstraint(
                condition=~models.Q(origin=models.F("destination")),
                name="flight_origin_is_not_destination",
            ),
        ]
        indexes = [
            # Direct search and the first leg of a connection: by origin, then time.
            models.Index(fields=["origin", "departure_at"], name="flight_origin_departure_idx"),
            # Second legs of a connection and the onward-flight subquery: by destination.
            models.Index(fields=["destination", "departure_at"], name="flight_dest_departure_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.designator} {self.departure_at:%Y-%m-%d %H:%M}Z"

    @property
    def designator(self) -> str:
        return f"{self.airline.iata_code}{self.number}"

    @property
    def duration(self):
        return self.arrival_at - self.departure_at


class Fare(models.Model):
    """A price for a cabin and fare brand on one flight, with its seats and rules."""

    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="fares")
    cabin = models.CharField(_("cabin"), max_length=16, choices=Cabin.choices)
    brand = models.CharField(_("fare brand"), max_length=40)
    base_fare = models.DecimalField(_("base fare"), max_digits=12, decimal_places=3)
    taxes = models.DecimalField(_("taxes and fees"), max_digits=12, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3)
    seats_available = models.IntegerField(_("seats available"))
    cabin_baggage_kg = models.PositiveSmallIntegerField(_("cabin baggage (kg)"), default=7)
    checked_baggage_kg = models.PositiveSmallIntegerField(_("checked baggage (kg)"), default=0)
    refundable = models.BooleanField(_("refundable"), default=False)
    refund_fee = models.DecimalField(_("refund fee"), max_digits=12, decimal_places=3, default=0)
    changeable = models.BooleanField(_("changes allowed"), default=True)
    change_fee = models.DecimalField(_("change fee"), max_digits=12, decimal_places=3, default=0)

    class Meta:
        db_table = "flights_fare"
        ordering = ["flight", "base_fare"]
        verbose_name = _("fare")
        verbose_name_plural = _("fares")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seats_available__gte=0), name="fare_seats_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(base_fare__gte=0, taxes__gte=0), name="fare_amounts_not_negative"
            ),
            models.UniqueConstraint(fields=["flight", "cabin", "brand"], name="fare_one_per_brand"),
        ]

    def __str__(self) -> str:
        return f"{self.flight} {self.get_cabin_display()} {self.brand}"

    @property
    def total(self):
        return self.base_fare + self.taxes
