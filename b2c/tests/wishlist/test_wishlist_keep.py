"""After "Save trip" on a search result: keep the trip in another or a new wishlist with a
target price (a price alert), in one go, with htmx and without JavaScript; a refusal marks the
field and changes nothing."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from b2c.models import PriceAlert, Wishlist, WishlistItem
from b2c.services.wishlist import MAX_WISHLISTS, wishlist_create
from b2c.tests.wishlist.helpers import DAY, DEPARTURE, NOW, airports, snapshot
from core.testing.factories import CustomerFactory
from core.testing.inventory import flight_with_fare

pytestmark = pytest.mark.django_db

SAVE = reverse("b2c:wishlist-save")
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _world(db):
    airports()
    with freeze_time(NOW):
        yield


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def keep_url(item) -> str:
    return reverse("b2c:wishlist-item-keep", args=[item.wishlist_id, item.pk])


def save_data(**overrides) -> dict:
    data = {
        "origin": "DXB", "destination": "LHR", "departure_date": "2030-03-10",
        "cabin": "economy", "adults": "1", "children": "0", "infants": "0", "currency": "USD",
        "next": "/search/?origin=DXB&destination=LHR&departure_date=2030-03-10", "slot": "2",
    }  # fmt: skip
    return data | overrides


@pytest.fixture
def saved(customer_client, customer):
    """A customer with a wishlist "Dream trips" who just saved a $500 trip (to "Dream trips",
    their most recently updated wishlist)."""
    flight_with_fare("DXB", "LHR", DEPARTURE)
    wishlist_create(customer=customer, name="Dream trips")
    customer_client.post(SAVE, save_data(), headers=HTMX)
    return WishlistItem.objects.get()


def test_the_saved_note_offers_where_to_keep_it_and_a_target(customer_client, customer):
    flight_with_fare("DXB", "LHR", DEPARTURE)
    other = wishlist_create(customer=customer, name="Summer")
    wishlist_create(customer=customer, name="Dream trips")

    response = customer_client.post(SAVE, save_data(), headers=HTMX)

    item = WishlistItem.objects.get()
    page = text(response)
    assert response.status_code == 200
    assert item.wishlist.name == "Dream trips"
    assert f'<form method="post" action="{keep_url(item)}"' in page
    assert f'hx-post="{keep_url(item)}" hx-target="closest .wishlist-keep-box"' in page
    assert "<fieldset> <legend>Keep this trip in</legend>" in page
    ids = f"keep-{item.pk}-2"  # the result's place on the page keeps ids unique
    assert f'<label for="{ids}-wishlist">Wishlist:</label>' in page
    assert re.findall(r'<option value="(\w+)"( selected)?>([^<]+)</option>', page) == [
        (str(item.wishlist_id), " selected", "Dream trips"),
        (str(other.pk), "", "Summer"),
        ("new", "", "A new wishlist…"),
    ]
    assert f'<label for="{ids}-new_name">Name of a new wishlist:</label>' in page
    assert f'<label for="{ids}-target_price">Tell me when the price falls to:</label>' in page
    assert "In USD; it costs $500.00 now. Leave it empty for no alert." in page
    assert f'aria-describedby="{ids}-target_price_helptext"' in page


def test_a_new_wishlist_and_a_target_in_one_go(customer_client, customer, saved):
    response = customer_client.post(
        keep_url(saved),
        {"wishlist": "new", "new_name": "  Lisbon  in May ", "target_price": "450", "slot": "2"},
        headers=HTMX,
    )

    saved.refresh_from_db()
    alert = PriceAlert.objects.get()
    assert response.status_code == 200
    assert saved.wishlist.name == "Lisbon in May"
    assert saved.price_alert == alert
    assert (alert.customer, alert.origin.iata_code, alert.destination.iata_code) == (
        customer, "DXB", "LHR",
    )  # fmt: skip
    assert (alert.date_from, alert.date_to, alert.target_price, alert.currency) == (
        DAY, DAY, Decimal("450.000"), "USD",
    )  # fmt: skip
    assert text(response).strip() == (
        '<div class="wishlist-keep-box"> <p class="wishlist-saved" role="status"> '
        "Saved to your wishlist “Lisbon in May”. "
        "We will tell you when this trip costs $450.00 or less. "
        f'<a href="{reverse("b2c:wishlist", args=[saved.wishlist_id])}">View “Lisbon in May”</a>'
        " </p> </div>"
    )


def test_a_name_typed_means_a_new_wishlist(customer_client, customer, saved):
    customer_client.post(
        keep_url(saved),
        {"wishlist": str(saved.wishlist_id), "new_name": "Winter", "target_price": ""},
        headers=HTMX,
    )

    saved.refresh_from_db()
    assert saved.wishlist.name == "Winter"
    assert Wishlist.objects.filter(customer=customer).count() == 2


def test_an_existing_wishlist_without_a_target(customer_client, customer, saved):
    summer = wishlist_create(customer=customer, name="Summer")

    response = customer_client.post(
        keep_url(saved), {"wishlist": str(summer.pk), "new_name": "", "target_price": ""},
        headers=HTMX,
    )  # fmt: skip

    saved.refresh_from_db()
    assert saved.wishlist == summer
    assert PriceAlert.objects.count() == 0
    assert "Saved to your wishlist “Summer”." in text(response)
    assert "We will tell you" not in text(response)


@pytest.mark.parametrize(
    ("values", "marked"),
    [
        ({"wishlist": "new", "new_name": "", "target_price": "0"}, ["new_name", "target_price"]),
        ({"wishlist": "new", "new_name": "   ", "target_price": ""}, ["new_name"]),
        ({"wishlist": "", "new_name": "", "target_price": "-10"}, ["wishlist", "target_price"]),
        ({"new_name": "Later", "target_price": "cheap"}, ["wishlist", "target_price"]),
    ],
)
def test_bad_input_comes_back_marked_and_changes_nothing(
    customer_client, customer, saved, values, marked
):
    before = snapshot()

    response = customer_client.post(keep_url(saved), values | {"slot": "2"}, headers=HTMX)

    page = text(response)
    assert response.status_code == 200  # htmx swaps it in
    assert snapshot() == before
    assert PriceAlert.objects.count() == 0
    assert '<div class="form-errors" role="alert"><p>Nothing was changed.' in page
    ids = f"keep-{saved.pk}-2"
    assert re.findall(r'aria-invalid="true" aria-describedby="([^"]+)"', page) == [
        (f"{ids}-new_name_helptext " if field == "new_name" else "")
        + (f"{ids}-target_price_helptext " if field == "target_price" else "")
        + f"{ids}-{field}_error"
        for field in marked
    ]
    for field in marked:
        assert f'<ul class="errorlist" id="{ids}-{field}_error"><li>' in page
    if "target_price" in marked and values["target_price"] != "cheap":
        assert "The target price must be greater than zero." in page
    if marked[0] == "new_name":
        assert "Give the wishlist a name." in page


def test_too_many_wishlists_is_refused_on_the_name(customer_client, customer, saved):
    for number in range(MAX_WISHLISTS - 1):
        wishlist_create(customer=customer, name=f"List {number}")
    before = snapshot()

    response = customer_client.post(
        keep_url(saved), {"wishlist": "new", "new_name": "One more", "target_price": "450"},
        headers=HTMX,
    )  # fmt: skip

    assert snapshot() == before
    assert PriceAlert.objects.count() == 0
    assert (
        f'<ul class="errorlist" id="keep-{saved.pk}-0-new_name_error"><li>'
        "You can have at most 20 wishlists. Delete one to make another.</li></ul>"
    ) in text(response)


def test_a_target_refused_by_the_service_undoes_the_new_wishlist(customer_client, customer, saved):
    before = snapshot()

    response = customer_client.post(
        keep_url(saved), {"wishlist": "new", "new_name": "Summer", "target_price": "450.125"},
        headers=HTMX,
    )  # fmt: skip

    assert snapshot() == before  # the wishlist made and the move are rolled back
    assert PriceAlert.objects.count() == 0
    assert "450.125 has more decimals than USD allows." in text(response)
    assert 'aria-invalid="true"' in text(response)


def test_the_alert_cap_is_shown_on_the_target(customer_client, customer, saved, settings):
    settings.PRICE_ALERTS_PER_CUSTOMER = 0
    before = snapshot()

    response = customer_client.post(
        keep_url(saved), {"wishlist": "new", "new_name": "Summer", "target_price": "450"},
        headers=HTMX,
    )  # fmt: skip

    ids = f"keep-{saved.pk}-0"
    assert snapshot() == before
    assert (
        f'<ul class="errorlist" id="{ids}-target_price_error"><li>'
        "You can have at most 0 price alerts.</li></ul>"
    ) in text(response)


def test_without_javascript_success_goes_to_the_wishlist(customer_client, customer, saved):
    response = customer_client.post(
        keep_url(saved), {"wishlist": "new", "new_name": "Summer", "target_price": "450"}
    )

    saved.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("b2c:wishlist", args=[saved.wishlist_id])
    page = text(customer_client.get(response["Location"]))
    assert (
        "Saved to your wishlist “Summer”. We will tell you when this trip costs $450.00 or less."
        in page
    )


def test_without_javascript_a_refusal_is_a_page_with_the_form(customer_client, customer, saved):
    page = customer_client.get(keep_url(saved))
    before = snapshot()

    refused = customer_client.post(
        keep_url(saved), {"wishlist": "new", "new_name": "", "target_price": "0"}
    )

    assert page.status_code == 200
    assert "<h1>Keep this trip</h1>" in text(page)
    assert "In your wishlist “Dream trips”." in text(page)
    assert refused.status_code == 400
    assert "<h1>Keep this trip</h1>" in text(refused)
    assert "Give the wishlist a name." in text(refused)
    assert "The target price must be greater than zero." in text(refused)
    assert snapshot() == before


def test_someone_elses_trip_or_wishlist_is_not_found(customer_client, customer, saved):
    stranger = CustomerFactory()
    theirs = wishlist_create(customer=stranger, name="Theirs")
    before = snapshot()

    into_theirs = customer_client.post(
        keep_url(saved), {"wishlist": str(theirs.pk), "target_price": "450"}, headers=HTMX
    )
    customer_client.force_login(stranger.user)
    their_view = customer_client.get(keep_url(saved))
    their_post = customer_client.post(
        keep_url(saved), {"wishlist": "new", "new_name": "Mine now"}, headers=HTMX
    )

    assert (into_theirs.status_code, their_view.status_code, their_post.status_code) == (
        404, 404, 404,
    )  # fmt: skip
    assert snapshot() == before
    assert PriceAlert.objects.count() == 0


def test_signing_in_is_needed(client, saved):
    client.logout()

    response = client.post(keep_url(saved), {"wishlist": "new", "new_name": "X"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={keep_url(saved)}"
