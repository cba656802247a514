"""Reads of the flights area with a shape: airport look-ups for the search form and autocomplete,
the fares behind an offer token, and the price calendar with its currency."""

import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from flights.models import Airport, Fare, Flight
from flights.search import (
    Filters,
    Offer,
    SearchQuery,
    flight_search,
    offer_airlines,
    offers_by_airline,
    price_days,
)
from flights.search_cache import search_cache_get, search_cache_key, search_cache_set

IATA_AIRPORT = re.compile(r"^[A-Za-z0-9]{3}$")
# "Dubai (DXB)", as Airport.__str__ writes it and as a pasted itinerary might.
CODE_IN_PARENTHESES = re.compile(r"\(([A-Za-z0-9]{3})\)\s*$")
AMBIGUOUS_SHOWN = 5


def _with_departures(queryset: QuerySet[Airport]) -> QuerySet[Airport]:
    upcoming = Flight.objects.filter(
        origin=OuterRef("pk"),
        departure_at__gte=timezone.now(),
        status=Flight.Status.SCHEDULED,
    )
    return queryset.annotate(has_departures=Exists(upcoming))


def airport_suggestions(term: str, limit: int = 8) -> list[Airport]:
    """Airports for an autocomplete: the exact IATA code first, then airports whose city or name
    starts with `term` (case-insensitive); airports with upcoming departures before the others,
    city matches before name-only matches. One query."""
    term = term.strip()
    if not term or limit < 1:
        return []
    code = term.upper() if IATA_AIRPORT.match(term) else None
    matches = Q(city__istartswith=term) | Q(name__istartswith=term)
    if code:
        matches |= Q(iata_code=code)
    queryset = (
        _with_departures(Airport.objects.filter(matches))
        .annotate(
            is_code=Case(
                When(iata_code=code or "", then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            is_city=Case(
                When(city__istartswith=term, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-is_code", "-has_departures", "-is_city", "city", "name", "iata_code")
    )
    return list(queryset[:limit])


def airport_resolve(term: str) -> list[Airport]:
    """The airports a traveller may mean by `term`: one when it is an IATA code (any case), a
    "City (XXX)" label, or a city or airport name that names exactly one airport; several when
    the name is ambiguous (at most AMBIGUOUS_SHOWN + 1); none when nothing matches.

    Exact city or name matches win over prefixes, so "Doha" is not ambiguous with "Dohazari".
    Among several airports of one name, the only one with upcoming departures is the one meant:
    "Dubai" is DXB, not the Al Minhad air base. Two queries at most.
    """
    term = term.strip()
    if not term:
        return []
    labelled = CODE_IN_PARENTHESES.search(term)
    if labelled or IATA_AIRPORT.match(term):
        code = (labelled.group(1) if labelled else term).upper()
        found = list(Airport.objects.filter(iata_code=code))
        if found or labelled:
            return found
    for lookup in ("iexact", "istartswith"):
        condition = Q(**{f"city__{lookup}": term}) | Q(**{f"name__{lookup}": term})
        found = list(
            _with_departures(Airport.objects.filter(condition)).order_by(
                "-has_departures", "iata_code"
            )[: AMBIGUOUS_SHOWN + 1]
        )
        flown = [a.has_departures for a in found]  # type: ignore[attr-defined]
        if len(found) > 1 and flown[0] and not flown[1]:
            return found[:1]
        if found:
            return found
    return []


def offer_fares(fare_ids: list[int]) -> list[Fare]:
    """The fares an offer token names, in the token's order, with flight, airline and airports;
    a fare that no longer exists is left out. One query."""
    fares = Fare.objects.select_related(
        "flight__airline", "flight__origin", "flight__destination"
    ).in_bulk(fare_ids)
    return [fares[i] for i in fare_ids if i in fares]


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    return_date: dt.date | None
    lowest_total: Decimal | None


@dataclass(frozen=True)
class PriceCalendar:
    currency: str | None
    days: list[CalendarDay]


def price_calendar_for(query: SearchQuery) -> PriceCalendar:
    """flights.search.price_calendar with the dates of each day's return and the currency of
    its amounts (that of the fares searched). The same for everyone who asks the same trip, so it
    is kept in the search cache (flights/search_cache.py), signed-in customers included."""
    key = search_cache_key(
        "calendar",
        [("origin", str(query.origin.pk)), ("destination", str(query.destination.pk)),
         ("date", str(query.departure_date)), ("return", str(query.return_date)),
         ("passengers", repr(query.passengers)), ("cabin", query.cabin),
         ("currency", query.price_currency), ("today", str(dt.date.today()))],
    )  # fmt: skip
    cached = search_cache_get(key)
    if cached is not None:
        return cached
    calendar = _price_calendar(query)
    search_cache_set(key, calendar)
    return calendar


def _price_calendar(query: SearchQuery) -> PriceCalendar:
    offset = (query.return_date - query.departure_date) if query.return_date else None
    prices = price_days(query)
    days = [
        CalendarDay(date=day, return_date=day + offset if offset is not None else None,
                    lowest_total=price.total if price else None)
        for day, price in prices
    ]  # fmt: skip
    currency = next((price.currency for _day, price in prices if price), None)
    return PriceCalendar(currency=currency, days=days)


@dataclass(frozen=True)
class SearchResults:
    offers: list[Offer]
    airlines: list[tuple[str, str]]  # (code, name) of the carriers one can filter on
    calendar: PriceCalendar


def search_results(query: SearchQuery, *, filters: Filters, sort: str) -> SearchResults:
    """Everything the search page shows: the offers, the airlines to filter on (those of the
    offers before the airline filter, so choosing one does not hide the others) and the ±3-day
    calendar. One search for the day and one for the week, whatever the number of offers."""
    unfiltered = flight_search(query, filters=replace(filters, airlines=frozenset()), sort=sort)
    offers = offers_by_airline(unfiltered, filters.airlines) if filters.airlines else unfiltered
    names = offer_airlines(unfiltered)
    for code in filters.airlines - names.keys():
        names[code] = code
    airlines = sorted(names.items(), key=lambda item: (item[1].casefold(), item[0]))
    return SearchResults(offers=offers, airlines=airlines, calendar=price_calendar_for(query))
