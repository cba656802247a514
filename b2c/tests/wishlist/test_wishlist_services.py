"""Wishlist services: names, caps, sharing, items with their saved price, moves, targets."""

import datetime as dt
import sys
import types
from decimal import Decimal

import pytest
from freezegun import freeze_time

from b2c.models import Wishlist, WishlistItem
from b2c.services import wishlist as services
from b2c.services.wishlist import (
    WishlistNotFound,
    wishlist_create,
    wishlist_default_for,
    wishlist_delete,
    wishlist_item_add,
    wishlist_item_move,
    wishlist_item_remove,
    wishlist_item_save,
    wishlist_item_target_set,
    wishlist_rename,
    wishlist_share,
    wishlist_share_link_reset,
    wishlist_unshare,
)
from b2c.tests.wishlist.helpers import BACK, DEPARTURE, NOW, airports, snapshot, trip
from core.exceptions import ApplicationError
from core.testing.inventory import flight_with_fare

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_airports")]


@pytest.fixture
def _airports(db):
    airports()


def add(customer, wishlist, **overrides):
    return wishlist_item_add(customer=customer, wishlist_id=wishlist.pk, **trip(**overrides))


def refused(call, field: str, message: str | None = None):
    """`call` is refused with an error of `field`, and nothing changes."""
    before = snapshot()
    with pytest.raises(ApplicationError) as caught:
        call()
    assert field in caught.value.extra, caught.value.extra
    if message is not None:
        assert caught.value.message == message
    assert snapshot() == before
    return caught.value


# Wishlists -------------------------------------------------------------------------------------


def test_create_rename_delete(customer):
    wishlist = wishlist_create(customer=customer, name="  Summer   2030 ")
    assert (wishlist.name, wishlist.is_shared, wishlist.customer) == (
        "Summer 2030",
        False,
        customer,
    )

    renamed = wishlist_rename(customer=customer, wishlist_id=wishlist.pk, name="Winter")
    assert Wishlist.objects.get(pk=wishlist.pk).name == "Winter" == renamed.name

    wishlist_delete(customer=customer, wishlist_id=wishlist.pk)
    assert not Wishlist.objects.exists()


def test_names_are_unique_per_customer_whatever_the_case(customer, other_customer):
    wishlist_create(customer=customer, name="Summer")
    wishlist_create(customer=other_customer, name="Summer")  # another customer's: fine
    winter = wishlist_create(customer=customer, name="Winter")

    message = "You already have a wishlist called “summer”. Choose another name."
    refused(lambda: wishlist_create(customer=customer, name="summer"), "name", message)
    refused(
        lambda: wishlist_rename(customer=customer, wishlist_id=winter.pk, name="SUMMER"), "name"
    )
    # Renaming to its own name (another case) is not a clash.
    assert wishlist_rename(customer=customer, wishlist_id=winter.pk, name="WINTER").name == "WINTER"


def test_a_blank_or_long_name_is_refused(customer):
    refused(
        lambda: wishlist_create(customer=customer, name="   "), "name", "Give the wishlist a name."
    )
    refused(lambda: wishlist_create(customer=customer, name="x" * 81), "name")


def test_at_most_twenty_wishlists(customer):
    for number in range(20):
        wishlist_create(customer=customer, name=f"List {number}")

    refused(
        lambda: wishlist_create(customer=customer, name="One more"),
        "name",
        "You can have at most 20 wishlists. Delete one to make another.",
    )
    assert Wishlist.objects.filter(customer=customer).count() == 20


def test_someone_elses_wishlist_is_not_found(customer, other_customer):
    theirs = wishlist_create(customer=other_customer, name="Theirs")
    for call in (
        lambda: wishlist_rename(customer=customer, wishlist_id=theirs.pk, name="Mine"),
        lambda: wishlist_delete(customer=customer, wishlist_id=theirs.pk),
        lambda: wishlist_share(customer=customer, wishlist_id=theirs.pk),
        lambda: wishlist_unshare(customer=customer, wishlist_id=theirs.pk),
        lambda: wishlist_share_link_reset(customer=customer, wishlist_id=theirs.pk),
        lambda: add(customer, theirs),
    ):
        before = snapshot()
        with pytest.raises(WishlistNotFound):
            call()
        assert snapshot() == before


def test_share_unshare_and_reset(customer):
    wishlist = wishlist_create(customer=customer, name="Summer")
    token = wishlist.share_token

    assert wishlist_share(customer=customer, wishlist_id=wishlist.pk).is_shared is True
    assert Wishlist.objects.get(pk=wishlist.pk).share_token == token
    assert wishlist_unshare(customer=customer, wishlist_id=wishlist.pk).is_shared is False

    reset = wishlist_share_link_reset(customer=customer, wishlist_id=wishlist.pk)
    stored = Wishlist.objects.get(pk=wishlist.pk)
    assert stored.share_token == reset.share_token != token
    assert len(stored.share_token) >= 20


def test_the_default_wishlist_is_the_most_recently_updated_or_a_new_one(customer):
    with freeze_time("2030-01-02"):
        made = wishlist_default_for(customer=customer)
    assert made.name == "My trips"
    assert wishlist_default_for(customer=customer) == made

    with freeze_time("2030-01-01"):
        older = wishlist_create(customer=customer, name="Older")
    assert wishlist_default_for(customer=customer) == made
    with freeze_time("2030-01-03"):
        wishlist_rename(customer=customer, wishlist_id=older.pk, name="Newer")
    assert wishlist_default_for(customer=customer).pk == older.pk
    assert Wishlist.objects.count() == 2


# Items -----------------------------------------------------------------------------------------


@freeze_time(NOW)
def test_an_item_remembers_the_cheapest_offer(customer):
    flight_with_fare("DXB", "LHR", DEPARTURE, code="EK", number=1)  # 400 + 100
    flight_with_fare("DXB", "LHR", DEPARTURE + dt.timedelta(hours=3), code="BA", number=2,
                     base="350.00")  # fmt: skip
    wishlist = wishlist_create(customer=customer, name="Summer")

    item = add(customer, wishlist, adults=2, children=1, infants=1, notes=" Spring break ")

    stored = WishlistItem.objects.get(pk=item.pk)
    # BA: adults 2 × 450, a child 262.50 + 100, an infant 35 + 100.
    assert stored.saved_price == Decimal("1397.500")
    assert (stored.currency, stored.notes) == ("USD", "Spring break")
    assert (stored.origin.iata_code, stored.destination.iata_code) == ("DXB", "LHR")
    assert (stored.adults, stored.children, stored.infants) == (2, 1, 1)
    assert stored.return_date is None


@freeze_time(NOW)
def test_a_return_trip_remembers_the_cheapest_round_trip(customer):
    flight_with_fare("DXB", "LHR", DEPARTURE)
    flight_with_fare("LHR", "DXB", dt.datetime(2030, 3, 17, 10, 0, tzinfo=dt.UTC), number=2,
                     base="300.00", taxes="50.00")  # fmt: skip
    wishlist = wishlist_create(customer=customer, name="Summer")

    item = add(customer, wishlist, return_date=BACK)

    assert WishlistItem.objects.get(pk=item.pk).saved_price == Decimal("850.000")


@freeze_time(NOW)
def test_the_saved_price_is_in_the_currency_asked_for(customer):
    from django.utils import timezone

    from payments.fx import rates_cache_clear
    from payments.models import ExchangeRate

    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.9"), source="file", fetched_at=timezone.now()
    )
    rates_cache_clear()
    flight_with_fare("DXB", "LHR", DEPARTURE)
    wishlist = wishlist_create(customer=customer, name="Summer")

    item = add(customer, wishlist, currency="EUR")

    assert (item.saved_price, item.currency) == (Decimal("450.00"), "EUR")


@freeze_time(NOW)
def test_nothing_on_sale_saves_no_price(customer):
    wishlist = wishlist_create(customer=customer, name="Summer")
    item = add(customer, wishlist)
    assert WishlistItem.objects.get(pk=item.pk).saved_price is None


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"departure_date": dt.date(2030, 2, 28)}, "departure_date", "This date is in the past."),
        ({"departure_date": dt.date(2031, 3, 10)}, "departure_date", None),
        ({"return_date": dt.date(2030, 3, 9)}, "return_date",
         "The return date must not be before departure."),
        ({"origin": "XXX"}, "origin", "No airport has the code “XXX”."),
        ({"destination": "ZZ"}, "destination", None),
        ({"destination": "dxb"}, "destination", "The destination must differ from the origin."),
        ({"adults": 2, "infants": 3}, "infants", None),
        ({"adults": 0}, "adults", None),
        ({"adults": 5, "children": 5}, "adults", None),
        ({"cabin": "cargo"}, "cabin", None),
        ({"currency": "XYZ"}, "currency", None),
        ({"notes": "n" * 301}, "notes", None),
    ],
)  # fmt: skip
def test_bad_trips_are_refused(customer, overrides, field, message):
    wishlist = wishlist_create(customer=customer, name="Summer")
    refused(lambda: add(customer, wishlist, **overrides), field, message)


@freeze_time(NOW)
def test_at_most_fifty_items_per_wishlist(customer, monkeypatch):
    monkeypatch.setattr(services, "lowest_price", lambda query: None)  # no search per item
    wishlist = wishlist_create(customer=customer, name="Summer")
    for _ in range(50):
        add(customer, wishlist)

    refused(
        lambda: add(customer, wishlist),
        "wishlist",
        "A wishlist holds at most 50 trips. Remove one, or use another wishlist.",
    )
    assert WishlistItem.objects.filter(wishlist=wishlist).count() == 50


@freeze_time(NOW)
def test_remove_and_move(customer, other_customer):
    summer = wishlist_create(customer=customer, name="Summer")
    winter = wishlist_create(customer=customer, name="Winter")
    theirs = wishlist_create(customer=other_customer, name="Theirs")
    item = add(customer, summer)

    moved = wishlist_item_move(customer=customer, item_id=item.pk, wishlist_id=winter.pk)
    assert moved.wishlist == winter
    assert WishlistItem.objects.get(pk=item.pk).wishlist_id == winter.pk

    before = snapshot()
    with pytest.raises(WishlistNotFound):
        wishlist_item_move(customer=customer, item_id=item.pk, wishlist_id=theirs.pk)
    with pytest.raises(WishlistNotFound):
        wishlist_item_move(customer=other_customer, item_id=item.pk, wishlist_id=theirs.pk)
    with pytest.raises(WishlistNotFound):
        wishlist_item_remove(customer=other_customer, item_id=item.pk)
    assert snapshot() == before

    wishlist_item_remove(customer=customer, item_id=item.pk)
    assert not WishlistItem.objects.exists()


@freeze_time(NOW)
def test_a_move_into_a_full_wishlist_is_refused(customer, monkeypatch):
    monkeypatch.setattr(services, "MAX_ITEMS", 1)
    summer = wishlist_create(customer=customer, name="Summer")
    winter = wishlist_create(customer=customer, name="Winter")
    item = add(customer, summer)
    add(customer, winter, departure_date=dt.date(2030, 3, 11))

    refused(
        lambda: wishlist_item_move(customer=customer, item_id=item.pk, wishlist_id=winter.pk),
        "wishlist",
        "“Winter” already holds 1 trips, the most a wishlist can.",
    )


@freeze_time(NOW)
def test_saving_from_search_uses_the_default_wishlist_once(customer):
    flight_with_fare("DXB", "LHR", DEPARTURE)

    item = wishlist_item_save(customer=customer, **trip())
    again = wishlist_item_save(customer=customer, **trip())

    assert again.pk == item.pk
    assert item.wishlist.name == "My trips"
    assert item.saved_price == Decimal("500.00")
    assert WishlistItem.objects.count() == 1


# Target prices ---------------------------------------------------------------------------------


@pytest.fixture
def item(customer):
    with freeze_time(NOW):
        return add(customer, wishlist_create(customer=customer, name="Summer"), currency="KWD")


@pytest.fixture
def no_alerts(monkeypatch):
    """b2c.services.alerts without the wishlist hook (as before price alerts land)."""
    monkeypatch.setitem(sys.modules, "b2c.services.alerts", types.ModuleType("b2c.services.alerts"))


@pytest.fixture
def alerts_hook(monkeypatch):
    calls = []
    module = types.ModuleType("b2c.services.alerts")
    module.price_alert_for_wishlist_item = lambda **kwargs: calls.append(kwargs)
    monkeypatch.setitem(sys.modules, "b2c.services.alerts", module)
    return calls


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (Decimal("0"), "The target price must be greater than zero."),
        (Decimal("-5"), "The target price must be greater than zero."),
        (Decimal("NaN"), "The target price must be greater than zero."),
        (Decimal("12.3456"), "12.3456 has more decimals than KWD allows."),
    ],
)
def test_bad_target_prices_are_refused(customer, item, alerts_hook, target, message):
    refused(
        lambda: wishlist_item_target_set(customer=customer, item_id=item.pk, target_price=target),
        "target_price",
        message,
    )
    assert alerts_hook == []


def test_a_target_needs_price_alerts(customer, item, no_alerts):
    refused(
        lambda: wishlist_item_target_set(
            customer=customer, item_id=item.pk, target_price=Decimal("99.500")
        ),
        "target_price",
        "Price alerts are not available yet.",
    )


def test_a_valid_target_goes_to_the_price_alert_hook(customer, item, alerts_hook):
    target = wishlist_item_target_set(
        customer=customer, item_id=item.pk, target_price=Decimal("99.5")
    )
    assert target == Decimal("99.5")
    assert alerts_hook == [{"item": item, "target_price": Decimal("99.5")}]
    assert WishlistItem.objects.get(pk=item.pk).price_alert is None  # stored by the hook only


def test_someone_elses_item_has_no_target(other_customer, item, alerts_hook):
    with pytest.raises(WishlistNotFound):
        wishlist_item_target_set(
            customer=other_customer, item_id=item.pk, target_price=Decimal("10")
        )
    assert alerts_hook == []
