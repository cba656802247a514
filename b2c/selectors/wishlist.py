"""Reads of wishlists and favourites, shaped for pages and the API, and the favourite-airline
ranking of search results.

Ranking rule (docs/architecture.md, "Wishlists and favourites"): for a signed-in customer,
results sorted by price stay sorted by price; among offers whose total price is EQUAL, offers
whose first leg's airline the customer scored higher come first. Airlines the customer has not
scored count as 0. Offers of equal price and equal score keep the search's own order (shortest
first). Other sort orders (duration, departure) are left as they are.
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from b2c.models import Customer, FavoriteAirline, FavoriteDestination, Wishlist, WishlistItem


def wishlist_list(*, customer: Customer) -> QuerySet[Wishlist]:
    """The customer's wishlists, most recently updated first, each with `item_count`."""
    return (
        Wishlist.objects.filter(customer=customer)
        .annotate(item_count=Count("items"))
        .order_by("-updated_at", "-id")
    )


def _items() -> QuerySet[WishlistItem]:
    return WishlistItem.objects.select_related("origin", "destination", "price_alert").order_by(
        "departure_date", "id"
    )


def wishlist_list_with_items(*, customer: Customer) -> QuerySet[Wishlist]:
    """wishlist_list with every wishlist's items and their airports: three queries in all."""
    return wishlist_list(customer=customer).prefetch_related(Prefetch("items", queryset=_items()))


def wishlist_get(*, customer: Customer, wishlist_id: int) -> Wishlist:
    """One of the customer's wishlists; anyone else's is "not found" (404), like a missing one."""
    return get_object_or_404(Wishlist, customer=customer, pk=wishlist_id)


def wishlist_with_items(*, customer: Customer, wishlist_id: int) -> Wishlist:
    """One of the customer's wishlists with its items and their airports (two queries)."""
    return get_object_or_404(
        Wishlist.objects.prefetch_related(Prefetch("items", queryset=_items())),
        customer=customer,
        pk=wishlist_id,
    )


def wishlist_item_get(*, customer: Customer, wishlist_id: int, item_id: int) -> WishlistItem:
    return get_object_or_404(
        WishlistItem.objects.select_related("wishlist", "origin", "destination"),
        wishlist__customer=customer,
        wishlist_id=wishlist_id,
        pk=item_id,
    )


def wishlist_shared_get(*, token: str) -> Wishlist:
    """A wishlist by its share link: 404 when it is not shared or the link was replaced."""
    return get_object_or_404(
        Wishlist.objects.prefetch_related(Prefetch("items", queryset=_items())),
        share_token=token,
        is_shared=True,
    )


def wishlist_item_search_params(item: WishlistItem) -> str:
    """The /search/ query string that searches the item's trip."""
    params: dict[str, Any] = {
        "trip": "return" if item.return_date else "one_way",
        "origin": item.origin.iata_code,
        "destination": item.destination.iata_code,
        "departure_date": item.departure_date.isoformat(),
    }
    if item.return_date:
        params["return_date"] = item.return_date.isoformat()
    params.update(
        adults=item.adults,
        children=item.children,
        infants=item.infants,
        cabin=item.cabin,
        currency=item.currency,
    )
    return urlencode(params)


def favourite_destination_list(*, customer: Customer) -> QuerySet[FavoriteDestination]:
    return FavoriteDestination.objects.filter(customer=customer).select_related("airport")


def favourite_airline_list(*, customer: Customer) -> QuerySet[FavoriteAirline]:
    """Highest score first."""
    return (
        FavoriteAirline.objects.filter(customer=customer)
        .select_related("airline")
        .order_by("-score", "airline__iata_code")
    )


def favorite_airline_scores(*, customer: Customer | None = None, user=None) -> dict[str, int]:
    """{IATA airline code: score} of the customer's favourite airlines (by customer, or by the
    signed-in user in the same one query). Empty for visitors."""
    if customer is not None:
        rows = FavoriteAirline.objects.filter(customer=customer)
    elif user is not None and user.is_authenticated:
        rows = FavoriteAirline.objects.filter(
            customer__user=user, customer__deleted_at__isnull=True
        )
    else:
        return {}
    return dict(rows.values_list("airline__iata_code", "score"))


def offers_ranked_for(offers: Sequence, scores: dict[str, int]) -> list:
    """`offers` (already sorted by price) with, among offers of equal total, those whose first
    leg's airline scores higher first (unscored: 0). A stable sort: nothing else moves."""
    if not scores:
        return list(offers)
    from flights.search import reference

    # By airline id, from the fare rows: no legs are made for offers that are not shown.
    firsts = {o.journeys[0].rows[0].airline_id for o in offers}
    by_id = {pk: scores.get(a.iata_code, 0) for pk, a in reference.airlines(firsts).items()}
    return sorted(offers, key=lambda o: (o.total, -by_id.get(o.journeys[0].rows[0].airline_id, 0)))
