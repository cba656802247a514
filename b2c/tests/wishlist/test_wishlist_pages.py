"""Wishlist pages: list and create, a wishlist's trips, rename, share, delete, remove and move,
the shared page, and "Save trip" from search results (htmx and without JavaScript)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from b2c.models import Wishlist, WishlistItem
from b2c.services.wishlist import wishlist_create, wishlist_share
from b2c.tests.wishlist.helpers import DEPARTURE, NOW, airports, item_for, snapshot, soon
from core.testing.inventory import flight_with_fare

pytestmark = pytest.mark.django_db

LIST = reverse("b2c:wishlists")
SAVE = reverse("b2c:wishlist-save")


@pytest.fixture(autouse=True)
def _airports(db):
    airports()


def detail(wishlist):
    return reverse("b2c:wishlist", args=[wishlist.pk])


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_pages_need_signing_in(client, customer):
    wishlist = wishlist_create(customer=customer, name="Summer")
    for url in (LIST, detail(wishlist), reverse("b2c:favourites")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_list_shows_each_wishlist_with_its_number_of_trips(customer, customer_client):
    summer = wishlist_create(customer=customer, name="Summer")
    wishlist_create(customer=customer, name="Winter")
    item_for(customer, summer)
    item_for(customer, summer, departure_date=soon(31))

    page = text(customer_client.get(LIST))

    assert 'Summer</strong></a> <span class="meta">2 trips</span>' in page
    assert 'Winter</strong></a> <span class="meta">0 trips</span>' in page
    assert 'href="/wishlists/"' in page  # the nav link


def test_create_a_wishlist(customer, customer_client):
    response = customer_client.post(LIST, {"name": "Summer"})

    wishlist = Wishlist.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == detail(wishlist)
    assert wishlist.name == "Summer"


def test_a_taken_name_is_refused_with_a_clear_message(customer, customer_client):
    wishlist_create(customer=customer, name="Summer")
    before = snapshot()

    response = customer_client.post(LIST, {"name": "summer"})

    assert response.status_code == 400
    assert "You already have a wishlist called “summer”. Choose another name." in text(response)
    assert snapshot() == before


def test_a_wishlist_shows_its_trips_with_saved_price_and_a_search_link(customer, customer_client):
    wishlist = wishlist_create(customer=customer, name="Summer")
    day = soon()
    item_for(customer, wishlist, adults=2, children=1, return_date=day + dt.timedelta(days=7),
             saved_price=Decimal("1234.50"), notes="Half term")  # fmt: skip
    item_for(customer, wishlist, departure_date=soon(40), destination="SHJ")

    page = text(customer_client.get(detail(wishlist)))

    assert "2 trips" in page
    assert "<bdi>$1,234.50</bdi></strong> when saved on" in page
    assert "2 adults, 1 child" in page
    assert "Half term" in page
    assert "Nothing was on sale when saved." in page
    search = (
        f"/search/?trip=return&amp;origin=DXB&amp;destination=LHR&amp;departure_date={day}"
        f"&amp;return_date={day + dt.timedelta(days=7)}&amp;adults=2&amp;children=1&amp;infants=0"
        "&amp;cabin=economy&amp;currency=USD"
    )
    assert f'href="{search}"' in page


def test_rename(customer, customer_client):
    wishlist = wishlist_create(customer=customer, name="Summer")
    response = customer_client.post(reverse("b2c:wishlist-rename", args=[wishlist.pk]),
                                    {"name": "Autumn"})  # fmt: skip
    assert response.status_code == 302
    assert Wishlist.objects.get(pk=wishlist.pk).name == "Autumn"

    wishlist_create(customer=customer, name="Winter")
    before = snapshot()
    response = customer_client.post(reverse("b2c:wishlist-rename", args=[wishlist.pk]),
                                    {"name": "Winter"})  # fmt: skip
    assert response.status_code == 400
    assert "You already have a wishlist called “Winter”." in text(response)
    assert snapshot() == before


def test_share_unshare_and_reset_the_link(customer, customer_client, client):
    wishlist = wishlist_create(customer=customer, name="Summer")
    item_for(customer, wishlist, saved_price=Decimal("500.00"))
    share = reverse("b2c:wishlist-share", args=[wishlist.pk])

    assert customer_client.post(share, {"action": "on"}).status_code == 302
    token = Wishlist.objects.get(pk=wishlist.pk).share_token
    shared_url = reverse("b2c:wishlist-shared", args=[token])
    page = text(customer_client.get(detail(wishlist)))
    assert f'value="http://testserver{shared_url}"' in page

    customer_client.logout()
    shared = client.get(shared_url)
    assert shared.status_code == 200
    assert '<meta name="robots" content="noindex">' in text(shared)
    assert shared["X-Robots-Tag"] == "noindex"
    assert "$500.00" in text(shared)
    assert "Remove" not in text(shared)  # read-only

    client.force_login(customer.user)
    client.post(share, {"action": "off"})
    client.logout()
    assert client.get(shared_url).status_code == 404

    client.force_login(customer.user)
    client.post(share, {"action": "on"})
    client.post(share, {"action": "reset"})
    new_token = Wishlist.objects.get(pk=wishlist.pk).share_token
    client.logout()
    assert new_token != token
    assert client.get(shared_url).status_code == 404
    assert client.get(reverse("b2c:wishlist-shared", args=[new_token])).status_code == 200
    assert client.get(reverse("b2c:wishlist-shared", args=["made-up"])).status_code == 404


def test_delete_asks_first(customer, customer_client):
    wishlist = wishlist_create(customer=customer, name="Summer")
    item_for(customer, wishlist)
    url = reverse("b2c:wishlist-delete", args=[wishlist.pk])

    confirm = customer_client.get(url)
    assert confirm.status_code == 200
    assert "Delete “Summer”?" in text(confirm)
    assert "Its 1 trip will be removed too." in text(confirm)
    assert Wishlist.objects.count() == 1

    response = customer_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not Wishlist.objects.exists()
    assert not WishlistItem.objects.exists()


def test_remove_and_move_a_trip(customer, customer_client):
    summer = wishlist_create(customer=customer, name="Summer")
    winter = wishlist_create(customer=customer, name="Winter")
    first = item_for(customer, summer)
    second = item_for(customer, summer, departure_date=soon(31))

    page = text(customer_client.get(detail(summer)))
    assert f'<option value="{winter.pk}">Winter</option>' in page

    move = reverse("b2c:wishlist-item-move", args=[summer.pk, first.pk])
    assert customer_client.post(move, {"wishlist": winter.pk}).status_code == 302
    assert WishlistItem.objects.get(pk=first.pk).wishlist_id == winter.pk

    remove = reverse("b2c:wishlist-item-remove", args=[summer.pk, second.pk])
    assert customer_client.post(remove).status_code == 302
    assert list(WishlistItem.objects.values_list("pk", flat=True)) == [first.pk]


def test_someone_elses_wishlist_is_not_found(customer, other_customer, customer_client):
    theirs = wishlist_create(customer=other_customer, name="Theirs")
    wishlist_share(customer=other_customer, wishlist_id=theirs.pk)
    item = item_for(other_customer, theirs)
    mine = wishlist_create(customer=customer, name="Mine")
    my_item = item_for(customer, mine)
    before = snapshot()

    gets = [detail(theirs), reverse("b2c:wishlist-delete", args=[theirs.pk])]
    posts = [
        (reverse("b2c:wishlist-rename", args=[theirs.pk]), {"name": "Mine now"}),
        (reverse("b2c:wishlist-share", args=[theirs.pk]), {"action": "reset"}),
        (reverse("b2c:wishlist-delete", args=[theirs.pk]), {}),
        (reverse("b2c:wishlist-item-remove", args=[theirs.pk, item.pk]), {}),
        (reverse("b2c:wishlist-item-remove", args=[mine.pk, item.pk]), {}),
        (reverse("b2c:wishlist-item-move", args=[theirs.pk, item.pk]), {"wishlist": mine.pk}),
        # My own trip, into their wishlist.
        (reverse("b2c:wishlist-item-move", args=[mine.pk, my_item.pk]), {"wishlist": theirs.pk}),
    ]
    for url in gets:
        assert customer_client.get(url).status_code == 404, url
    for url, data in posts:
        assert customer_client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_the_page_queries_do_not_grow_with_trips(customer, customer_client,
                                                 django_assert_max_num_queries):  # fmt: skip
    wishlist = wishlist_create(customer=customer, name="Summer")
    wishlist_create(customer=customer, name="Winter")
    item_for(customer, wishlist)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        customer_client.get(detail(wishlist))
    for days in range(31, 51):
        item_for(customer, wishlist, departure_date=soon(days), destination="SHJ")

    with django_assert_max_num_queries(len(one)):
        response = customer_client.get(detail(wishlist))
    assert "21 trips" in text(response)


# "Save trip" from search results -----------------------------------------------------------


def save_data(**overrides):
    data = {
        "origin": "DXB", "destination": "LHR", "departure_date": "2030-03-10",
        "cabin": "economy", "adults": "1", "children": "0", "infants": "0", "currency": "USD",
        "next": "/search/?origin=DXB&destination=LHR&departure_date=2030-03-10",
    }  # fmt: skip
    data.update(overrides)
    return data


@freeze_time(NOW)
def test_search_results_have_a_save_button_for_customers_only(client, customer):
    flight_with_fare("DXB", "LHR", DEPARTURE)
    params = {"origin": "DXB", "destination": "LHR", "departure_date": "2030-03-10"}

    visitor = text(client.get("/search/", params))
    assert "Save trip" not in visitor
    assert "csrfmiddlewaretoken" not in visitor  # still cacheable

    client.force_login(customer.user)
    page = text(client.get("/search/", params))
    assert page.count("Save trip") == 1
    assert f'hx-post="{SAVE}"' in page
    assert '<input type="hidden" name="departure_date" value="2030-03-10">' in page


@freeze_time(NOW)
def test_htmx_save_swaps_the_button_for_saved(client, customer):
    client.force_login(customer.user)
    flight_with_fare("DXB", "LHR", DEPARTURE)
    flight_with_fare("DXB", "LHR", DEPARTURE, code="BA", number=2, base="380.00")

    response = client.post(SAVE, save_data(), headers={"HX-Request": "true"})

    item = WishlistItem.objects.get()
    assert response.status_code == 200
    assert item.saved_price == Decimal("480.00")
    assert item.wishlist.name == "My trips"
    assert (
        '<p class="wishlist-saved" role="status"> Saved ✓ — <a href="'
        f'{detail(item.wishlist)}">View “My trips”</a> </p>'
    ) in text(response)
    # And where to keep it, with a target price (b2c/tests/wishlist/test_wishlist_keep.py).
    assert f'hx-post="{detail(item.wishlist)}items/{item.pk}/keep/"' in text(response)
    # The same trip again: no second item.
    client.post(SAVE, save_data(), headers={"HX-Request": "true"})
    assert WishlistItem.objects.count() == 1


@freeze_time(NOW)
def test_save_without_javascript_redirects_back(client, customer):
    client.force_login(customer.user)
    wishlist = wishlist_create(customer=customer, name="Dream trips")

    response = client.post(SAVE, save_data())

    assert response.status_code == 302
    assert response["Location"] == "/search/?origin=DXB&destination=LHR&departure_date=2030-03-10"
    item = WishlistItem.objects.get()
    assert (item.wishlist, item.saved_price) == (wishlist, None)

    elsewhere = client.post(SAVE, save_data(next="https://evil.example/", adults="2"))
    assert elsewhere["Location"] == detail(wishlist)


@freeze_time(NOW)
def test_a_bad_save_is_refused_in_place(client, customer):
    client.force_login(customer.user)

    response = client.post(SAVE, save_data(departure_date="2030-02-01"),
                           headers={"HX-Request": "true"})  # fmt: skip

    assert response.status_code == 200
    assert "This date is in the past." in text(response)
    assert not WishlistItem.objects.exists()

    response = client.post(SAVE, save_data(adults="1", infants="2"))
    assert response.status_code == 302
    assert not WishlistItem.objects.exists()


# Target prices -----------------------------------------------------------------------------


def test_a_target_price_goes_to_the_price_alert_hook(customer, customer_client, monkeypatch):
    import sys
    import types

    calls = []
    module = types.ModuleType("b2c.services.alerts")
    module.price_alert_for_wishlist_item = lambda **kwargs: calls.append(kwargs)
    monkeypatch.setitem(sys.modules, "b2c.services.alerts", module)
    wishlist = wishlist_create(customer=customer, name="Summer")
    item = item_for(customer, wishlist)
    url = reverse("b2c:wishlist-item-target", args=[wishlist.pk, item.pk])

    response = customer_client.post(url, {"target_price": "450.5"}, follow=True)

    assert calls == [{"item": item, "target_price": Decimal("450.5")}]
    assert "We will tell you when this trip costs $450.50 or less." in text(response)

    before = snapshot()
    refused = customer_client.post(url, {"target_price": "0.001"}, follow=True)
    assert "0.001 has more decimals than USD allows." in text(refused)
    assert len(calls) == 1
    assert snapshot() == before


def test_a_target_price_makes_a_price_alert(customer, customer_client):
    alerts = pytest.importorskip("b2c.services.alerts")
    if not hasattr(alerts, "price_alert_for_wishlist_item"):
        pytest.skip("price alerts are not available yet")
    wishlist = wishlist_create(customer=customer, name="Summer")
    item = item_for(customer, wishlist)
    url = reverse("b2c:wishlist-item-target", args=[wishlist.pk, item.pk])

    customer_client.post(url, {"target_price": "450.00"})

    alert = WishlistItem.objects.get(pk=item.pk).price_alert
    assert alert is not None
    assert (alert.target_price, alert.currency, alert.date_from) == (
        Decimal("450.00"), "USD", item.departure_date)  # fmt: skip
    page = text(customer_client.get(detail(wishlist)))
    assert (
        'name="target_price" type="text" inputmode="decimal" dir="ltr" size="8" value="450.00"'
        in page
    )
