"""Concurrent requests on PostgreSQL cannot push a customer past the caps, nor save one trip
twice with a double click."""

from unittest import mock

import pytest

from b2c.models import Wishlist, WishlistItem
from b2c.services.wishlist import (
    wishlist_create,
    wishlist_item_add,
    wishlist_item_save,
)
from b2c.tests.wishlist.helpers import airports, item_for, soon, trip
from core.testing.concurrency import race
from core.testing.factories import CustomerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_wishlists_stop_at_twenty():
    customer = CustomerFactory()
    for number in range(17):
        wishlist_create(customer=customer, name=f"List {number}")

    outcomes, errors = race(8, lambda i: wishlist_create(customer=customer, name=f"New {i}").pk)

    assert errors == []
    assert Wishlist.objects.filter(customer=customer).count() == 20
    refused = [o for o in outcomes if isinstance(o, str)]
    assert refused == ["You can have at most 20 wishlists. Delete one to make another."] * 5


def test_concurrent_items_stop_at_fifty():
    airports()
    customer = CustomerFactory()
    wishlist = wishlist_create(customer=customer, name="Summer")
    for days in range(20, 67):
        item_for(customer, wishlist, departure_date=soon(days))

    with mock.patch("b2c.services.wishlist.lowest_price", return_value=None):
        outcomes, errors = race(
            6,
            lambda i: (
                wishlist_item_add(
                    customer=customer, wishlist_id=wishlist.pk, **trip(departure_date=soon(100 + i))
                ).pk
            ),
        )

    assert errors == []
    assert WishlistItem.objects.filter(wishlist=wishlist).count() == 50
    assert len([o for o in outcomes if isinstance(o, str)]) == 3


def test_a_double_click_saves_one_trip():
    airports()
    customer = CustomerFactory()
    wishlist_create(customer=customer, name="Summer")

    with mock.patch("b2c.services.wishlist.lowest_price", return_value=None):
        outcomes, errors = race(
            4, lambda i: wishlist_item_save(customer=customer, **trip(departure_date=soon())).pk
        )

    assert errors == []
    assert len(set(outcomes)) == 1
    assert WishlistItem.objects.count() == 1
