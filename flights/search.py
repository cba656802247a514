"""Flight search: the supplier interface and the embedded local-inventory supplier.

Views and the API call `flight_search()`; which supplier answers is configuration
(`FLIGHT_SUPPLIERS`), so a GDS or NDC supplier is a new class here, not a change to any view.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Protocol

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.utils.module_loading import import_string

from core.money import quantize
from flights.models import Airport, Cabin, Fare, Flight
from flights.schedule import great_circle_km

MIN_CONNECTION = dt.timedelta(minutes=60)
MAX_CONNECTION = dt.timedelta(hours=24)
MAX_SEATS = 9
MAX_DETOUR = 1.6
CHILD_SHARE = Decimal("0.75")  # of the adult base fare; taxes are charged in full
INFANT_SHARE = Decimal("0.10")  # on an adult's lap: no seat
OFFER_SALT = "flights.offer"
OFFER_TTL = dt.timedelta(minutes=20)

# kg CO2 per passenger-km by cabin, after the UK government's (DESNZ 2024) flight factors:
# short haul under 1,500 km, long haul above; premium cabins take more of the aircraft.
CO2_PER_KM = {"short": Decimal("0.151"), "long": Decimal("0.104")}
CO2_CABIN = {
    Cabin.ECONOMY: Decimal("1"),
    Cabin.PREMIUM_ECONOMY: Decimal("1.6"),
    Cabin.BUSINESS: Decimal("2.9"),
    Cabin.FIRST: Decimal("4.0"),
}


@dataclass(frozen=True)
class Passengers:
    adults: int = 1
    children: int = 0
    infants: int = 0

    @property
    def seats(self) -> int:
        return self.adults + self.children


@dataclass(frozen=True)
class SearchQuery:
    origin: Airport
    destination: Airport
    departure_date: dt.date
    passengers: Passengers
    cabin: str = Cabin.ECONOMY
    return_date: dt.date | None = None


@dataclass(frozen=True)
class Leg:
    flight_id: int
    fare_id: int
    designator: str
    airline_code: str
    airline_name: str
    origin: str
    origin_city: str
    origin_tz: str
    destination: str
    destination_city: str
    destination_tz: str
    departure_at: dt.datetime
    arrival_at: dt.datetime
    aircraft: str
    distance_km: int

    @property
    def departure_local(self) -> dt.datetime:
        return self.departure_at.astimezone(zoneinfo.ZoneInfo(self.origin_tz))

    @property
    def arrival_local(self) -> dt.datetime:
        return self.arrival_at.astimezone(zoneinfo.ZoneInfo(self.destination_tz))

    @property
    def duration(self) -> dt.timedelta:
        return self.arrival_at - self.departure_at


@dataclass(frozen=True)
class FareTerms:
    cabin: str
    brand: str
    cabin_baggage_kg: int
    checked_baggage_kg: int
    refundable: bool
    changeable: bool


@dataclass(frozen=True)
class Journey:
    """One direction: a direct flight or two flights with a connection, on one fare brand."""

    legs: tuple[Leg, ...]
    terms: FareTerms
    adult_base: Decimal
    adult_taxes: Decimal
    currency: str

    @property
    def stops(self) -> int:
        return len(self.legs) - 1

    @property
    def departure_at(self) -> dt.datetime:
        return self.legs[0].departure_at

    @property
    def arrival_at(self) -> dt.datetime:
        return self.legs[-1].arrival_at

    @property
    def duration(self) -> dt.timedelta:
        return self.arrival_at - self.departure_at

    @property
    def connections(self) -> list[tuple[str, dt.timedelta]]:
        return [
            (a.destination, b.departure_at - a.arrival_at)
            for a, b in zip(self.legs, self.legs[1:], strict=False)
        ]

    @property
    def co2_kg(self) -> int:
        total = sum(
            leg.distance_km * CO2_PER_KM["short" if leg.distance_km < 1500 else "long"]
            for leg in self.legs
        )
        return int(total * CO2_CABIN[Cabin(self.terms.cabin)])


@dataclass(frozen=True)
class Price:
    currency: str
    adult: Decimal
    child: Decimal
    infant: Decimal
    base: Decimal
    taxes: Decimal
    total: Decimal


@dataclass(frozen=True)
class Offer:
    journeys: tuple[Journey, ...]
    passengers: Passengers
    price: Price

    @cached_property
    def token(self) -> str:
        # Signed only when shown: a search makes hundreds of offers and shows twenty.
        return offer_token(
            self.fare_ids, self.passengers, self.price, [len(j.legs) for j in self.journeys]
        )

    @property
    def stops(self) -> int:
        return max(j.stops for j in self.journeys)

    @property
    def duration(self) -> dt.timedelta:
        return sum((j.duration for j in self.journeys), dt.timedelta())

    @property
    def airlines(self) -> set[str]:
        return {leg.airline_code for j in self.journeys for leg in j.legs}

    @property
    def fare_ids(self) -> list[int]:
        return [leg.fare_id for j in self.journeys for leg in j.legs]


def price_for(journeys: tuple[Journey, ...], passengers: Passengers) -> Price:
    currency = journeys[0].currency
    base = sum((j.adult_base for j in journeys), Decimal(0))
    taxes = sum((j.adult_taxes for j in journeys), Decimal(0))
    adult = base + taxes
    child = quantize(base * CHILD_SHARE, currency) + taxes
    infant = quantize(base * INFANT_SHARE, currency) + taxes
    total_base = (
        base * passengers.adults
        + quantize(base * CHILD_SHARE, currency) * passengers.children
        + quantize(base * INFANT_SHARE, currency) * passengers.infants
    )
    total_taxes = taxes * (passengers.adults + passengers.children + passengers.infants)
    return Price(
        currency=currency,
        adult=quantize(adult, currency),
        child=quantize(child, currency),
        infant=quantize(infant, currency),
        base=quantize(total_base, currency),
        taxes=quantize(total_taxes, currency),
        total=quantize(total_base + total_taxes, currency),
    )


def offer_token(
    fare_ids: list[int], passengers: Passengers, price: Price, journeys: list[int] | None = None
) -> str:
    """A tamper-proof reference to an offer as priced now; booking re-checks price and seats.

    `journeys` is the number of fares in each direction ([2, 1]: two out, one back).
    """
    return signing.dumps(
        {
            "f": fare_ids,
            "j": journeys or [len(fare_ids)],
            "p": [passengers.adults, passengers.children, passengers.infants],
            "t": str(price.total),
            "c": price.currency,
        },
        salt=OFFER_SALT,
        compress=True,
    )


def offer_token_read(token: str) -> dict:
    """The offer's content, or signing.BadSignature (also SignatureExpired after the TTL)."""
    return signing.loads(token, salt=OFFER_SALT, max_age=OFFER_TTL)


def make_offer(journeys: tuple[Journey, ...], passengers: Passengers) -> Offer:
    return Offer(journeys, passengers, price_for(journeys, passengers))


class Supplier(Protocol):
    """Anything that can answer a search with journeys for one direction."""

    def journeys(
        self, *, origin: Airport, destination: Airport, date: dt.date, cabin: str, seats: int
    ) -> list[Journey]: ...


FARE_FIELDS = (
    "id", "brand", "cabin", "base_fare", "taxes", "currency", "cabin_baggage_kg",
    "checked_baggage_kg", "refundable", "changeable",
    "flight_id", "flight__number", "flight__departure_at", "flight__arrival_at",
    "flight__aircraft", "flight__distance_km", "flight__airline__iata_code",
    "flight__airline__name", "flight__origin__iata_code", "flight__origin__city",
    "flight__origin__time_zone", "flight__destination__iata_code", "flight__destination__city",
    "flight__destination__time_zone", "flight__destination_id",
)  # fmt: skip


def _leg(row: dict) -> Leg:
    return Leg(
        flight_id=row["flight_id"],
        fare_id=row["id"],
        designator=f"{row['flight__airline__iata_code']}{row['flight__number']}",
        airline_code=row["flight__airline__iata_code"],
        airline_name=row["flight__airline__name"],
        origin=row["flight__origin__iata_code"],
        origin_city=row["flight__origin__city"],
        origin_tz=row["flight__origin__time_zone"],
        destination=row["flight__destination__iata_code"],
        destination_city=row["flight__destination__city"],
        destination_tz=row["flight__destination__time_zone"],
        departure_at=row["flight__departure_at"],
        arrival_at=row["flight__arrival_at"],
        aircraft=row["flight__aircraft"],
        distance_km=row["flight__distance_km"],
    )


def _terms(rows: list[dict]) -> FareTerms:
    """The terms of a journey are those of its most restrictive fare."""
    return FareTerms(
        cabin=rows[0]["cabin"],
        brand=rows[0]["brand"],
        cabin_baggage_kg=min(r["cabin_baggage_kg"] for r in rows),
        checked_baggage_kg=min(r["checked_baggage_kg"] for r in rows),
        refundable=all(r["refundable"] for r in rows),
        changeable=all(r["changeable"] for r in rows),
    )


def _journey(rows: list[dict]) -> Journey:
    return Journey(
        legs=tuple(_leg(r) for r in rows),
        terms=_terms(rows),
        adult_base=sum((r["base_fare"] for r in rows), Decimal(0)),
        adult_taxes=sum((r["taxes"] for r in rows), Decimal(0)),
        currency=rows[0]["currency"],
    )


def local_day_utc(airport: Airport, date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants between which a departure is on `date` at `airport`."""
    tz = zoneinfo.ZoneInfo(airport.time_zone)
    start = dt.datetime.combine(date, dt.time.min, tzinfo=tz)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


class LocalInventorySupplier:
    """Searches Safar's own flights and fares in the database."""

    def _fares(self, *, cabin: str, seats: int):
        return Fare.objects.filter(
            cabin=cabin, seats_available__gte=seats, flight__status=Flight.Status.SCHEDULED
        ).values(*FARE_FIELDS)

    def journeys(self, *, origin, destination, date, cabin, seats) -> list[Journey]:
        start, end = local_day_utc(origin, date)
        direct = self._fares(cabin=cabin, seats=seats).filter(
            flight__origin=origin,
            flight__destination=destination,
            flight__departure_at__gte=start,
            flight__departure_at__lt=end,
        )
        journeys = [_journey([row]) for row in direct]

        # One stop: first legs out of the origin that day, to any airport with flights on.
        # Only towards airports with a flight on to the destination in the connection window:
        # a subquery, so the first legs fetched are the ones that can connect.
        onward = Flight.objects.filter(
            destination=destination,
            status=Flight.Status.SCHEDULED,
            departure_at__gte=start + MIN_CONNECTION,
            departure_at__lte=end + MAX_CONNECTION,
        ).values("origin_id")
        firsts = list(
            self._fares(cabin=cabin, seats=seats)
            .filter(
                flight__origin=origin,
                flight__departure_at__gte=start,
                flight__departure_at__lt=end,
                flight__destination__in=onward,
            )
            .exclude(flight__destination=destination)
        )
        if not firsts:
            return journeys
        hubs = {r["flight__destination_id"] for r in firsts}
        earliest = min(r["flight__arrival_at"] for r in firsts) + MIN_CONNECTION
        latest = max(r["flight__arrival_at"] for r in firsts) + MAX_CONNECTION
        seconds_by_hub: dict[int, list[dict]] = defaultdict(list)
        for row in (
            self._fares(cabin=cabin, seats=seats)
            .filter(
                flight__origin__in=hubs,
                flight__destination=destination,
                flight__departure_at__gte=earliest,
                flight__departure_at__lte=latest,
            )
            .annotate(hub=F("flight__origin_id"))
        ):
            seconds_by_hub[row["hub"]].append(row)
        # No detours: a connection may fly at most MAX_DETOUR times the direct distance.
        limit = great_circle_km(origin, destination) * MAX_DETOUR
        for first in firsts:
            arrival = first["flight__arrival_at"]
            for second in seconds_by_hub.get(first["flight__destination_id"], ()):
                gap = second["flight__departure_at"] - arrival
                if (
                    MIN_CONNECTION <= gap <= MAX_CONNECTION
                    and second["brand"] == first["brand"]
                    and first["flight__distance_km"] + second["flight__distance_km"] <= limit
                ):
                    journeys.append(_journey([first, second]))
        return journeys


def supplier() -> Supplier:
    return import_string(settings.FLIGHT_SUPPLIER)()


@dataclass(frozen=True)
class Filters:
    max_stops: int | None = None
    airlines: frozenset[str] = frozenset()
    depart_after: dt.time | None = None
    depart_before: dt.time | None = None
    max_price: Decimal | None = None


SORTS = {
    "price": lambda o: (o.price.total, o.duration),
    "duration": lambda o: (o.duration, o.price.total),
    "departure": lambda o: (o.journeys[0].departure_at, o.price.total),
}


def _keep(journey: Journey, filters: Filters) -> bool:
    if filters.max_stops is not None and journey.stops > filters.max_stops:
        return False
    if filters.airlines and not {leg.airline_code for leg in journey.legs} <= filters.airlines:
        return False
    local = journey.legs[0].departure_local.time()
    if filters.depart_after and local < filters.depart_after:
        return False
    return not (filters.depart_before and local > filters.depart_before)


RETURN_COMBINATIONS = 12  # cheapest journeys per direction and brand that are paired


def flight_search(
    query: SearchQuery, *, filters: Filters | None = None, sort: str = "price"
) -> list[Offer]:
    """Offers for the query, filtered and sorted; prices cover every passenger."""
    filters = filters or Filters()
    source = supplier()
    seats = query.passengers.seats
    outbound = [
        j
        for j in source.journeys(
            origin=query.origin,
            destination=query.destination,
            date=query.departure_date,
            cabin=query.cabin,
            seats=seats,
        )
        if _keep(j, filters)
    ]
    if query.return_date is None:
        offers = [make_offer((j,), query.passengers) for j in outbound]
    else:
        inbound = [
            j
            for j in source.journeys(
                origin=query.destination,
                destination=query.origin,
                date=query.return_date,
                cabin=query.cabin,
                seats=seats,
            )
            if _keep(j, replace_window(filters))
        ]
        offers = []
        by_brand_in: dict[str, list[Journey]] = defaultdict(list)
        for j in sorted(inbound, key=lambda j: j.adult_base + j.adult_taxes):
            by_brand_in[j.terms.brand].append(j)
        by_brand_out: dict[str, list[Journey]] = defaultdict(list)
        for j in sorted(outbound, key=lambda j: j.adult_base + j.adult_taxes):
            by_brand_out[j.terms.brand].append(j)
        for brand, outs in by_brand_out.items():
            for out in outs[:RETURN_COMBINATIONS]:
                for back in by_brand_in.get(brand, [])[:RETURN_COMBINATIONS]:
                    if back.departure_at - out.arrival_at >= MIN_CONNECTION:
                        offers.append(make_offer((out, back), query.passengers))
    if filters.max_price is not None:
        offers = [o for o in offers if o.price.total <= filters.max_price]
    return sorted(offers, key=SORTS.get(sort, SORTS["price"]))


def replace_window(filters: Filters) -> Filters:
    """The departure-time window applies to the outbound flight only."""
    return Filters(max_stops=filters.max_stops, airlines=filters.airlines)


def price_calendar(query: SearchQuery, *, days: int = 3) -> list[tuple[dt.date, Decimal | None]]:
    """The lowest total for the same trip departing up to `days` days either side."""
    today = dt.date.today()
    calendar = []
    for offset in range(-days, days + 1):
        date = query.departure_date + dt.timedelta(days=offset)
        if date < today:
            calendar.append((date, None))
            continue
        shifted = SearchQuery(
            origin=query.origin,
            destination=query.destination,
            departure_date=date,
            passengers=query.passengers,
            cabin=query.cabin,
            return_date=(
                query.return_date + dt.timedelta(days=offset) if query.return_date else None
            ),
        )
        offers = flight_search(shifted)
        calendar.append((date, offers[0].price.total if offers else None))
    return calendar


def offer_reprice(token_data: dict) -> tuple[tuple[Journey, ...], Passengers, Price]:
    """The journeys and price of a tokenised offer as the inventory stands now.

    Raises LookupError when a fare or flight is gone (cancelled, removed).
    """
    fare_ids = token_data["f"]
    rows = {
        row["id"]: row
        for row in Fare.objects.filter(
            pk__in=fare_ids, flight__status=Flight.Status.SCHEDULED
        ).values(*FARE_FIELDS)
    }
    if len(rows) != len(set(fare_ids)):
        raise LookupError("A flight of this offer is no longer available.")
    journeys, start = [], 0
    for count in token_data.get("j", [len(fare_ids)]):
        journeys.append(_journey([rows[fare_id] for fare_id in fare_ids[start : start + count]]))
        start += count
    passengers = Passengers(*token_data["p"])
    return tuple(journeys), passengers, price_for(tuple(journeys), passengers)
