"""Staff see wishlists and favourites (searchable by the customer's email), and cannot edit them."""

import pytest
from django.urls import reverse

from b2c.services.wishlist import (
    favourite_airline_set,
    favourite_destination_add,
    wishlist_create,
)
from b2c.tests.wishlist.helpers import airports, item_for
from core.testing.inventory import airline

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(customer, other_customer):
    airports()
    airline("EK")
    mine = wishlist_create(customer=customer, name="Summer of mine")
    wishlist_create(customer=other_customer, name="Someone else's")
    item = item_for(customer, mine)
    destination = favourite_destination_add(customer=customer, airport_code="LHR")
    carrier = favourite_airline_set(customer=customer, airline_code="EK", score=4)
    return {"wishlist": mine, "wishlistitem": item, "favoritedestination": destination,
            "favoriteairline": carrier}  # fmt: skip


@pytest.mark.parametrize("model", ["wishlist", "wishlistitem", "favoritedestination",
                                   "favoriteairline"])  # fmt: skip
def test_listed_searchable_and_read_only(admin_client, customer, data, model):
    changelist = reverse(f"admin:b2c_{model}_changelist")

    found = admin_client.get(changelist, {"q": customer.user.email})
    assert found.status_code == 200
    assert found.context["cl"].result_count == 1

    change = admin_client.get(reverse(f"admin:b2c_{model}_change", args=[data[model].pk]))
    assert change.status_code == 200
    assert admin_client.get(reverse(f"admin:b2c_{model}_add")).status_code == 403


def test_the_wishlist_shows_its_items(admin_client, data):
    page = admin_client.get(reverse("admin:b2c_wishlist_change", args=[data["wishlist"].pk]))
    html = page.content.decode()
    assert "Dubai (DXB)" in html
    assert "London (LHR)" in html
