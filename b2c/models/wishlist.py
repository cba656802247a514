"""Wishlists of trips a customer is watching, and favourite destinations and airlines."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from core.money import SUPPORTED_CURRENCIES
from flights.models import Cabin

CURRENCY_CHOICES = [(code, code) for code in SUPPORTED_CURRENCIES]


def share_token_new() -> str:
    return secrets.token_urlsafe(16)


class Wishlist(TimeStampedModel):
    """A named list of trips; private, or readable by anyone with its share link."""

    customer = models.ForeignKey("b2c.Customer", on_delete=models.CASCADE, related_name="wishlists")
    name = models.CharField(_("name"), max_length=80)
    is_shared = models.BooleanField(_("shared by link"), default=False)
    # A new token revokes the old link.
    share_token = models.CharField(max_length=32, unique=True, default=share_token_new)

    class Meta:
        db_table = "b2c_wishlist"
        ordering = ["-updated_at", "-id"]
        verbose_name = _("wishlist")
        verbose_name_plural = _("wishlists")
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"], name="wishlist_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class WishlistItem(TimeStampedModel):
    """A trip on a wishlist: a route and dates, with the price when it was saved."""

    wishlist = models.ForeignKey(Wishlist, on_delete=models.CASCADE, related_name="items")
    origin = models.ForeignKey(
        "flights.Airport",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("route", "from"),
    )
    destination = models.ForeignKey(
        "flights.Airport",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("route", "to"),
    )
    departure_date = models.DateField(_("departure date"))
    return_date = models.DateField(_("return date"), null=True, blank=True)
    cabin = models.CharField(_("cabin"), max_length=16, choices=Cabin.choices)
    adults = models.PositiveSmallIntegerField(_("adults"), default=1)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    infants = models.PositiveSmallIntegerField(_("infants"), default=0)
    # The lowest price when saved (per the whole party), in `currency`; empty if none was found.
    saved_price = models.DecimalField(
        _("price when saved"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    # A target makes a price alert (b2c.PriceAlert, linked here).
    price_alert = models.OneToOneField(
        "b2c.PriceAlert",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wishlist_item",
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        db_table = "b2c_wishlist_item"
        ordering = ["departure_date", "id"]
        verbose_name = _("wishlist item")
        verbose_name_plural = _("wishlist items")
        constraints = [
            models.CheckConstraint(
                condition=~Q(origin=models.F("destination")), name="wishlist_item_distinct_airports"
            ),
            models.CheckConstraint(
                condition=Q(return_date__isnull=True)
                | Q(return_date__gte=models.F("departure_date")),
                name="wishlist_item_return_after_departure",
            ),
            models.CheckConstraint(
                condition=Q(adults__gte=1) & Q(infants__lte=models.F("adults")),
                name="wishlist_item_passengers_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin_id}→{self.destination_id} {self.departure_date}"


class FavoriteDestination(TimeStampedModel):
    """A place the customer likes to go: an airport (its city), with notes."""

    customer = models.ForeignKey(
        "b2c.Customer", on_delete=models.CASCADE, related_name="favorite_destinations"
    )
    airport = models.ForeignKey(
        "flights.Airport", on_delete=models.PROTECT, related_name="+", verbose_name=_("airport")
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        db_table = "b2c_favorite_destination"
        ordering = ["-created_at", "-id"]
        verbose_name = _("favourite destination")
        verbose_name_plural = _("favourite destinations")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "airport"], name="favorite_destination_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.airport_id)


class FavoriteAirline(TimeStampedModel):
    """An airline the customer prefers, scored 1 to 5; among equal prices, higher comes first."""

    customer = models.ForeignKey(
        "b2c.Customer", on_delete=models.CASCADE, related_name="favorite_airlines"
    )
    airline = models.ForeignKey(
        "flights.Airline", on_delete=models.PROTECT, related_name="+", verbose_name=_("airline")
    )
    score = models.PositiveSmallIntegerField(_("preference (1 to 5)"), default=3)

    class Meta:
        db_table = "b2c_favorite_airline"
        ordering = ["-score", "id"]
        verbose_name = _("favourite airline")
        verbose_name_plural = _("favourite airlines")
        constraints = [
            models.UniqueConstraint(fields=["customer", "airline"], name="favorite_airline_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="favorite_airline_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.airline_id} ({self.score})"
