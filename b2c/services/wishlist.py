"""Writes to wishlists and favourites.

A wishlist belongs to one customer; its name is unique among that customer's wishlists. Items
are trips (a route, dates, cabin and party) that remember the lowest price on sale when they
were saved. Every function takes ids with the customer and answers `WishlistNotFound` when the
id is not that customer's (the same answer as for an id that does not exist), which pages and
the API turn into a 404.

Caps are checked under a lock of the customer row (wishlists) or of the wishlist row (items), so
two requests at once cannot both take the last place.
"""

import datetime as dt
import importlib
import zoneinfo
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from b2c.models import Customer, FavoriteAirline, FavoriteDestination, Wishlist, WishlistItem
from b2c.models.wishlist import share_token_new
from core.exceptions import ApplicationError
from core.money import SUPPORTED_CURRENCIES, quantize
from flights.models import Airline, Airport, Cabin
from flights.search import MAX_SEATS, Passengers, SearchQuery, flight_search

MAX_WISHLISTS = 20  # per customer
MAX_ITEMS = 50  # per wishlist
MAX_FAVOURITES = 50  # destinations, and airlines, per customer
MAX_DAYS_AHEAD = 365  # airlines sell about a year ahead (as the search form)
NAME_MAX_LENGTH = Wishlist._meta.get_field("name").max_length or 80
NOTES_MAX_LENGTH = WishlistItem._meta.get_field("notes").max_length or 300
PRICE_LIMIT = Decimal("1E9")  # what a saved or target price column holds, with room


class WishlistNotFound(ApplicationError):
    """Not one of this customer's wishlists, items or favourites: a 404 in pages and the API."""


def _refused(field: str, message: str) -> ApplicationError:
    """A refusal whose message is also the error of `field` (the API's field errors)."""
    return ApplicationError(message, extra={field: [message]})


def _not_found(field: str) -> WishlistNotFound:
    message = _("This was not found.")
    return WishlistNotFound(message, extra={field: [message]})


def _own_wishlist(customer: Customer, wishlist_id: int, *, lock: bool = False) -> Wishlist:
    wishlists = Wishlist.objects.filter(customer=customer, pk=wishlist_id)
    if lock:
        wishlists = wishlists.select_for_update()
    wishlist = wishlists.first()
    if wishlist is None:
        raise _not_found("wishlist")
    return wishlist


def _own_item(customer: Customer, item_id: int) -> WishlistItem:
    item = (
        WishlistItem.objects.select_related("wishlist")
        .filter(wishlist__customer=customer, pk=item_id)
        .first()
    )
    if item is None:
        raise _not_found("item")
    return item


def _touch(wishlist: Wishlist) -> None:
    """The wishlist changed: it becomes the most recently updated (the default for "Save")."""
    wishlist.save(update_fields=["updated_at"])


# Wishlists -----------------------------------------------------------------------------------


def _clean_name(customer: Customer, name: str, *, exclude: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise _refused("name", _("Give the wishlist a name."))
    if len(name) > NAME_MAX_LENGTH:
        raise _refused(
            "name",
            _("A wishlist name has at most %(count)s characters.") % {"count": NAME_MAX_LENGTH},
        )
    taken = Wishlist.objects.filter(customer=customer, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise _name_taken(name)
    return name


def _name_taken(name: str) -> ApplicationError:
    return _refused(
        "name",
        _("You already have a wishlist called “%(name)s”. Choose another name.") % {"name": name},
    )


def wishlist_create(*, customer: Customer, name: str) -> Wishlist:
    """A new, private wishlist; refused over MAX_WISHLISTS or with a name the customer uses."""
    name = _clean_name(customer, name)
    try:
        with transaction.atomic():
            Customer.objects.select_for_update().get(pk=customer.pk)
            if Wishlist.objects.filter(customer=customer).count() >= MAX_WISHLISTS:
                raise _refused(
                    "name",
                    _("You can have at most %(count)s wishlists. Delete one to make another.")
                    % {"count": MAX_WISHLISTS},
                )
            return Wishlist.objects.create(customer=customer, name=name)
    except IntegrityError:
        # The same name made by a concurrent request: the unique constraint decided.
        raise _name_taken(name) from None


def wishlist_rename(*, customer: Customer, wishlist_id: int, name: str) -> Wishlist:
    wishlist = _own_wishlist(customer, wishlist_id)
    name = _clean_name(customer, name, exclude=wishlist.pk)
    wishlist.name = name
    try:
        with transaction.atomic():
            wishlist.save(update_fields=["name", "updated_at"])
    except IntegrityError:
        raise _name_taken(name) from None
    return wishlist


def wishlist_delete(*, customer: Customer, wishlist_id: int) -> None:
    """Delete the wishlist and its items (their price alerts stay the customer's)."""
    _own_wishlist(customer, wishlist_id).delete()


def wishlist_share(*, customer: Customer, wishlist_id: int) -> Wishlist:
    """Anyone with the wishlist's link may read it (not change it)."""
    wishlist = _own_wishlist(customer, wishlist_id)
    if not wishlist.is_shared:
        wishlist.is_shared = True
        wishlist.save(update_fields=["is_shared", "updated_at"])
    return wishlist


def wishlist_unshare(*, customer: Customer, wishlist_id: int) -> Wishlist:
    """The link stops working (sharing again brings the same link back)."""
    wishlist = _own_wishlist(customer, wishlist_id)
    if wishlist.is_shared:
        wishlist.is_shared = False
        wishlist.save(update_fields=["is_shared", "updated_at"])
    return wishlist


def wishlist_share_link_reset(*, customer: Customer, wishlist_id: int) -> Wishlist:
    """A new link; the old one stops working for good."""
    wishlist = _own_wishlist(customer, wishlist_id)
    wishlist.share_token = share_token_new()
    wishlist.save(update_fields=["share_token", "updated_at"])
    return wishlist


def wishlist_default_for(*, customer: Customer) -> Wishlist:
    """Where one-click "Save" puts a trip: the customer's most recently updated wishlist, or a
    new "My trips" when there is none."""
    wishlist = Wishlist.objects.filter(customer=customer).order_by("-updated_at", "-id").first()
    if wishlist is not None:
        return wishlist
    try:
        with transaction.atomic():
            return Wishlist.objects.create(customer=customer, name=_("My trips"))
    except IntegrityError:  # a concurrent first save made it
        return Wishlist.objects.filter(customer=customer).order_by("-updated_at", "-id")[0]


# Items ---------------------------------------------------------------------------------------


def _airport(field: str, code: str) -> Airport:
    code = (code or "").strip().upper()
    airport = Airport.objects.filter(iata_code=code).first() if len(code) == 3 else None
    if airport is None:
        raise _refused(field, _("No airport has the code “%(code)s”.") % {"code": code or "—"})
    return airport


def _local_today(airport: Airport) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(airport.time_zone)).date()


def lowest_price(query: SearchQuery) -> Decimal | None:
    """The total of the cheapest offer on sale for the trip, in the query's currency; None when
    nothing is on sale (or no exchange rate gives the currency)."""
    try:
        offers = flight_search(query)
    except ApplicationError:  # no exchange rate into the currency asked for
        return None
    return offers[0].total if offers else None


def _trip_query(
    *,
    origin: str,
    destination: str,
    departure_date: dt.date,
    return_date: dt.date | None,
    cabin: str,
    adults: int,
    children: int,
    infants: int,
    currency: str,
) -> SearchQuery:
    """The trip as a search, once every rule about it holds."""
    from_airport = _airport("origin", origin)
    to_airport = _airport("destination", destination)
    if from_airport.pk == to_airport.pk:
        raise _refused("destination", _("The destination must differ from the origin."))
    today = _local_today(from_airport)
    if departure_date < today:
        raise _refused("departure_date", _("This date is in the past."))
    if departure_date > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise _refused(
            "departure_date",
            _("Flights are on sale up to %(days)s days ahead.") % {"days": MAX_DAYS_AHEAD},
        )
    if return_date is not None:
        if return_date < departure_date:
            raise _refused("return_date", _("The return date must not be before departure."))
        if return_date > departure_date + dt.timedelta(days=MAX_DAYS_AHEAD):
            raise _refused("return_date", _("The return date is too far ahead."))
    if cabin not in Cabin.values:
        raise _refused("cabin", _("Choose a cabin."))
    if adults < 1:
        raise _refused("adults", _("At least one adult travels."))
    if children < 0 or infants < 0:
        raise _refused("children" if children < 0 else "infants", _("Enter 0 or more."))
    if adults + children > MAX_SEATS:
        raise _refused(
            "adults",
            _("At most %(count)s passengers with seats (adults and children).")
            % {"count": MAX_SEATS},
        )
    if infants > adults:
        raise _refused(
            "infants", _("Each infant travels on an adult's lap: at most one per adult.")
        )
    if currency not in SUPPORTED_CURRENCIES:
        raise _refused("currency", _("Choose a currency."))
    return SearchQuery(
        origin=from_airport,
        destination=to_airport,
        departure_date=departure_date,
        return_date=return_date,
        passengers=Passengers(adults, children, infants),
        cabin=cabin,
        currency=currency,
    )


def _clean_notes(notes: str) -> str:
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX_LENGTH:
        raise _refused(
            "notes", _("Notes have at most %(count)s characters.") % {"count": NOTES_MAX_LENGTH}
        )
    return notes


def _item_create(wishlist: Wishlist, query: SearchQuery, price: Decimal | None, notes: str):
    """The item on `wishlist`, taking a place under MAX_ITEMS. Runs under the wishlist's lock."""
    if WishlistItem.objects.filter(wishlist=wishlist).count() >= MAX_ITEMS:
        raise _refused(
            "wishlist",
            _("A wishlist holds at most %(count)s trips. Remove one, or use another wishlist.")
            % {"count": MAX_ITEMS},
        )
    item = WishlistItem.objects.create(
        wishlist=wishlist,
        origin=query.origin,
        destination=query.destination,
        departure_date=query.departure_date,
        return_date=query.return_date,
        cabin=query.cabin,
        adults=query.passengers.adults,
        children=query.passengers.children,
        infants=query.passengers.infants,
        saved_price=price,
        currency=query.price_currency,
        notes=notes,
    )
    _touch(wishlist)
    return item


def wishlist_item_add(
    *,
    customer: Customer,
    wishlist_id: int,
    origin: str,
    destination: str,
    departure_date: dt.date,
    return_date: dt.date | None,
    cabin: str,
    adults: int,
    children: int,
    infants: int,
    currency: str,
    notes: str = "",
) -> WishlistItem:
    """Put a trip on one of the customer's wishlists, with the total of the cheapest offer on
    sale for it now in `currency` (None when nothing is on sale)."""
    _own_wishlist(customer, wishlist_id)
    query = _trip_query(
        origin=origin, destination=destination, departure_date=departure_date,
        return_date=return_date, cabin=cabin, adults=adults, children=children, infants=infants,
        currency=currency,
    )  # fmt: skip
    notes = _clean_notes(notes)
    # The search reads the database only, but it is the slow part: before the lock.
    price = lowest_price(query)
    with transaction.atomic():
        wishlist = _own_wishlist(customer, wishlist_id, lock=True)
        return _item_create(wishlist, query, price, notes)


def wishlist_item_save(
    *,
    customer: Customer,
    origin: str,
    destination: str,
    departure_date: dt.date,
    return_date: dt.date | None,
    cabin: str,
    adults: int,
    children: int,
    infants: int,
    currency: str,
) -> WishlistItem:
    """One-click "Save" from search results: the trip on the customer's default wishlist
    (wishlist_default_for). Saving the same trip again answers the item already there."""
    query = _trip_query(
        origin=origin, destination=destination, departure_date=departure_date,
        return_date=return_date, cabin=cabin, adults=adults, children=children, infants=infants,
        currency=currency,
    )  # fmt: skip
    wishlist = wishlist_default_for(customer=customer)
    same = {
        "origin": query.origin,
        "destination": query.destination,
        "departure_date": query.departure_date,
        "return_date": query.return_date,
        "cabin": query.cabin,
        "adults": adults,
        "children": children,
        "infants": infants,
        "currency": query.price_currency,
    }
    existing = WishlistItem.objects.filter(wishlist=wishlist, **same).first()
    if existing is not None:
        return existing
    price = lowest_price(query)
    with transaction.atomic():
        locked = _own_wishlist(customer, wishlist.pk, lock=True)
        existing = WishlistItem.objects.filter(wishlist=locked, **same).first()
        if existing is not None:  # a double click, under the lock
            return existing
        return _item_create(locked, query, price, "")


def wishlist_item_remove(*, customer: Customer, item_id: int) -> None:
    item = _own_item(customer, item_id)
    with transaction.atomic():
        item.delete()
        _touch(item.wishlist)


def wishlist_item_move(*, customer: Customer, item_id: int, wishlist_id: int) -> WishlistItem:
    """Move the item to another of the customer's own wishlists (which must have room)."""
    item = _own_item(customer, item_id)
    if item.wishlist_id == wishlist_id:
        _own_wishlist(customer, wishlist_id)
        return item
    with transaction.atomic():
        # Both wishlists locked in primary-key order, so two moves cannot deadlock.
        locked = {
            w.pk: w
            for w in Wishlist.objects.select_for_update()
            .filter(customer=customer, pk__in=[item.wishlist_id, wishlist_id])
            .order_by("pk")
        }
        target = locked.get(wishlist_id)
        if target is None:
            raise _not_found("wishlist")
        if WishlistItem.objects.filter(wishlist=target).count() >= MAX_ITEMS:
            raise _refused(
                "wishlist",
                _("“%(name)s” already holds %(count)s trips, the most a wishlist can.")
                % {"name": target.name, "count": MAX_ITEMS},
            )
        source = locked[item.wishlist_id]
        item.wishlist = target
        item.save(update_fields=["wishlist", "updated_at"])
        _touch(source)
        _touch(target)
    return item


def wishlist_item_target_set(
    *, customer: Customer, item_id: int, target_price: Decimal | None
) -> Decimal | None:
    """Set (or, with None, clear) the price the customer wants to be told about for an item.

    Only validates here and stores nothing: the price alert is b2c.services.alerts' to make.
    HOOK: `b2c.services.alerts.price_alert_for_wishlist_item(item=..., target_price=...)` is
    called when that function exists; until then this is refused ("not available yet").
    Returns the validated target (in the item's currency, at its minor unit)."""
    item = _own_item(customer, item_id)
    if target_price is not None:
        if not isinstance(target_price, Decimal):
            raise TypeError("Money amounts are Decimal, never float.")
        if not target_price.is_finite() or target_price <= 0:
            raise _refused("target_price", _("The target price must be greater than zero."))
        if target_price >= PRICE_LIMIT:
            raise _refused("target_price", _("The target price is too large."))
        if quantize(target_price, item.currency) != target_price:
            raise _refused(
                "target_price",
                _("%(amount)s has more decimals than %(currency)s allows.")
                % {"amount": target_price, "currency": item.currency},
            )
    try:
        alerts = importlib.import_module("b2c.services.alerts")
    except ImportError:
        alerts = None
    hook = getattr(alerts, "price_alert_for_wishlist_item", None)
    if hook is None:
        raise _refused("target_price", _("Price alerts are not available yet."))
    hook(item=item, target_price=target_price)
    return target_price


def wishlist_item_keep(
    *,
    customer: Customer,
    item_id: int,
    wishlist_id: int | None = None,
    new_wishlist_name: str = "",
    target_price: Decimal | None = None,
) -> tuple[WishlistItem, Decimal | None]:
    """Keep a just-saved trip where the customer chose, in one go: in one of their wishlists
    (`wishlist_id`) or a new one (`new_wishlist_name`), with a target price (a price alert) when
    given. All of it or, on any refusal, none of it. Returns the item and the target set."""
    with transaction.atomic():
        if new_wishlist_name:
            wishlist_id = wishlist_create(customer=customer, name=new_wishlist_name).pk
        if wishlist_id is None:
            raise _refused("wishlist", _("Choose a wishlist, or name a new one."))
        item = wishlist_item_move(customer=customer, item_id=item_id, wishlist_id=wishlist_id)
        if target_price is not None:
            target_price = wishlist_item_target_set(
                customer=customer, item_id=item_id, target_price=target_price
            )
    return item, target_price


# Favourites ----------------------------------------------------------------------------------


def favourite_destination_add(
    *, customer: Customer, airport_code: str, notes: str = ""
) -> FavoriteDestination:
    """An airport (its city) the customer likes to go to; adding it again updates its notes."""
    airport = _airport("airport", airport_code)
    notes = _clean_notes(notes)
    with transaction.atomic():
        Customer.objects.select_for_update().get(pk=customer.pk)
        existing = FavoriteDestination.objects.filter(customer=customer, airport=airport).first()
        if existing is not None:
            if existing.notes != notes:
                existing.notes = notes
                existing.save(update_fields=["notes", "updated_at"])
            return existing
        if FavoriteDestination.objects.filter(customer=customer).count() >= MAX_FAVOURITES:
            raise _refused(
                "airport",
                _("You can have at most %(count)s favourite destinations.")
                % {"count": MAX_FAVOURITES},
            )
        return FavoriteDestination.objects.create(customer=customer, airport=airport, notes=notes)


def favourite_destination_update(
    *, customer: Customer, favourite_id: int, notes: str
) -> FavoriteDestination:
    favourite = FavoriteDestination.objects.filter(customer=customer, pk=favourite_id).first()
    if favourite is None:
        raise _not_found("favourite")
    favourite.notes = _clean_notes(notes)
    favourite.save(update_fields=["notes", "updated_at"])
    return favourite


def favourite_destination_remove(*, customer: Customer, favourite_id: int) -> None:
    deleted, _rows = FavoriteDestination.objects.filter(customer=customer, pk=favourite_id).delete()
    if not deleted:
        raise _not_found("favourite")


def _score(score: int) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise _refused("score", _("Score the airline from 1 to 5."))
    return score


def favourite_airline_set(*, customer: Customer, airline_code: str, score: int) -> FavoriteAirline:
    """The customer's preference for an airline, 1 (a little) to 5 (most); set again, it
    replaces the score. Among offers of equal price, higher-scored airlines are shown first."""
    score = _score(score)
    code = (airline_code or "").strip().upper()
    airline = Airline.objects.filter(iata_code=code).first() if len(code) == 2 else None
    if airline is None:
        raise _refused("airline", _("No airline has the code “%(code)s”.") % {"code": code or "—"})
    with transaction.atomic():
        Customer.objects.select_for_update().get(pk=customer.pk)
        existing = FavoriteAirline.objects.filter(customer=customer, airline=airline).first()
        if existing is not None:
            if existing.score != score:
                existing.score = score
                existing.save(update_fields=["score", "updated_at"])
            return existing
        if FavoriteAirline.objects.filter(customer=customer).count() >= MAX_FAVOURITES:
            raise _refused(
                "airline",
                _("You can have at most %(count)s favourite airlines.") % {"count": MAX_FAVOURITES},
            )
        return FavoriteAirline.objects.create(customer=customer, airline=airline, score=score)


def favourite_airline_remove(*, customer: Customer, favourite_id: int) -> None:
    deleted, _rows = FavoriteAirline.objects.filter(customer=customer, pk=favourite_id).delete()
    if not deleted:
        raise _not_found("favourite")
