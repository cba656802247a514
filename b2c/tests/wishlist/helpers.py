"""Shared pieces of the wishlist tests: an exact inventory, a trip, and a snapshot of the rows."""

import datetime as dt

from b2c.models import FavoriteAirline, FavoriteDestination, Wishlist, WishlistItem
from core.testing.inventory import airport

NOW = "2030-03-01 09:00:00"
DAY = dt.date(2030, 3, 10)
BACK = dt.date(2030, 3, 17)
DEPARTURE = dt.datetime(2030, 3, 10, 4, 0, tzinfo=dt.UTC)


def airports() -> None:
    for code in ("DXB", "LHR", "SHJ"):
        airport(code)


def trip(**overrides) -> dict:
    values = {
        "origin": "DXB", "destination": "LHR", "departure_date": DAY, "return_date": None,
        "cabin": "economy", "adults": 1, "children": 0, "infants": 0, "currency": "USD",
    }  # fmt: skip
    values.update(overrides)
    return values


def snapshot() -> tuple:
    """Every wishlist and favourite row, to compare before and after a refusal."""
    return (
        list(Wishlist.objects.order_by("id").values()),
        list(WishlistItem.objects.order_by("id").values()),
        list(FavoriteDestination.objects.order_by("id").values()),
        list(FavoriteAirline.objects.order_by("id").values()),
    )


def soon(days: int = 30) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)


def item_for(customer, wishlist, **overrides):
    """An item made by the service, without searching (its saved price is set after)."""
    from unittest import mock

    from b2c.services.wishlist import wishlist_item_add

    price = overrides.pop("saved_price", None)
    with mock.patch("b2c.services.wishlist.lowest_price", return_value=price):
        return wishlist_item_add(
            customer=customer,
            wishlist_id=wishlist.pk,
            **trip(**{"departure_date": soon(), **overrides}),
        )
