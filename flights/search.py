"""Flight search: the supplier interface and the embedded local-inventory supplier.

Views and the API call `flight_search()`; which supplier answers is configuration
(`FLIGHT_SUPPLIERS`), so a GDS or NDC supplier is a new class here, not a change to any view.
"""

import datetime as dt
import time
import zoneinfo
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple, Protocol

from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils.module_loading import import_string

from core.money import quantize
from flights.models import Airline, Airport, Cabin, Fare, Flight
from flights.schedule import great_circle_km

MIN_CONNECTION = dt.timedelta(minutes=60)
MAX_CONNECTION = dt.timedelta(hours=24)
MIN_CONNECTION_S = int(MIN_CONNECTION.total_seconds())
MAX_CONNECTION_S = int(MAX_CONNECTION.total_seconds())
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
    currency: str = ""  # of the prices; "" for settings.DEFAULT_CURRENCY

    @property
    def price_currency(self) -> str:
        return self.currency or settings.DEFAULT_CURRENCY


class FareRow(NamedTuple):
    """One fare on one flight, as a supplier returns it: the unit journeys are made of."""

    fare_id: int
    flight_id: int
    cabin: str
    brand: str
    base_fare: Decimal
    taxes: Decimal
    currency: str
    cabin_baggage_kg: int
    checked_baggage_kg: int
    refundable: bool
    changeable: bool
    airline_id: int
    number: int
    origin_id: int
    destination_id: int
    departs: int  # seconds since 1970-01-01 UTC: compared and subtracted thousands of times
    arrives: int
    aircraft: str
    distance_km: int


def utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


class AirportRef(NamedTuple):
    iata_code: str
    city: str
    time_zone: str
    country: str


class AirlineRef(NamedTuple):
    iata_code: str
    name: str


REFERENCE_TTL = 600.0  # seconds a process trusts what it has read of airports and airlines


class _Reference:
    """Airports and airlines by id, read once per process (and again after REFERENCE_TTL, or
    at once when this process saves or deletes one: flights.signals).

    They are reference data that staff rarely edit, so search queries select ids only instead of
    joining three more tables into every row; a search then makes objects for the offers it
    shows, and looks their names up here."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._airports: dict[int, AirportRef] = {}
        self._airlines: dict[int, AirlineRef] = {}
        self._read_at = time.monotonic()

    def _fresh(self) -> None:
        if time.monotonic() - self._read_at > REFERENCE_TTL:
            self.clear()

    def airports(self, ids: Iterable[int] = ()) -> dict[int, AirportRef]:
        """Every airport (including `ids`, when some were added since the last read): eight
        thousand small rows read at once, so that no search waits on a look-up of its own."""
        self._fresh()
        if not self._airports or not self._airports.keys() >= set(ids):
            self._airports = {
                pk: AirportRef(*values)
                for pk, *values in Airport.objects.values_list(
                    "pk", "iata_code", "city", "time_zone", "country"
                ).iterator(chunk_size=4000)
            }
        return self._airports

    def airlines(self, ids: Iterable[int] = ()) -> dict[int, AirlineRef]:
        """Every airline (including `ids`, when some were added since the last read)."""
        self._fresh()
        if not self._airlines or not self._airlines.keys() >= set(ids):
            # A hundred rows or so: all of them at once, so later searches never ask again.
            self._airlines = {
                pk: AirlineRef(code, name)
                for pk, code, name in Airline.objects.values_list("pk", "iata_code", "name")
            }
        return self._airlines


reference = _Reference()


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


def _legs(rows: Sequence[FareRow]) -> tuple[Leg, ...]:
    airports = reference.airports(i for r in rows for i in (r.origin_id, r.destination_id))
    airlines = reference.airlines(r.airline_id for r in rows)
    legs = []
    for row in rows:
        airline, origin = airlines[row.airline_id], airports[row.origin_id]
        destination = airports[row.destination_id]
        legs.append(
            Leg(
                flight_id=row.flight_id,
                fare_id=row.fare_id,
                designator=f"{airline.iata_code}{row.number}",
                airline_code=airline.iata_code,
                airline_name=airline.name,
                origin=origin.iata_code,
                origin_city=origin.city,
                origin_tz=origin.time_zone,
                destination=destination.iata_code,
                destination_city=destination.city,
                destination_tz=destination.time_zone,
                departure_at=utc(row.departs),
                arrival_at=utc(row.arrives),
                aircraft=row.aircraft,
                distance_km=row.distance_km,
            )
        )
    return tuple(legs)


@dataclass(frozen=True)
class FareTerms:
    cabin: str
    brand: str
    cabin_baggage_kg: int
    checked_baggage_kg: int
    refundable: bool
    changeable: bool


class Journey:
    """One direction: a direct flight or two flights with a connection, on one fare brand.

    A search makes hundreds and shows twenty, so a journey holds its fare rows and makes its
    legs and terms only when asked."""

    __slots__ = ("rows", "adult_base", "adult_taxes", "currency", "departs", "arrives", "_legs")

    def __init__(self, rows: tuple[FareRow, ...]) -> None:
        first = rows[0]
        self.rows = rows
        if len(rows) == 1:
            self.adult_base, self.adult_taxes = first.base_fare, first.taxes
        elif len(rows) == 2:
            self.adult_base = first.base_fare + rows[1].base_fare
            self.adult_taxes = first.taxes + rows[1].taxes
        else:
            self.adult_base = sum((r.base_fare for r in rows), Decimal(0))
            self.adult_taxes = sum((r.taxes for r in rows), Decimal(0))
        self.currency = first.currency
        self.departs = first.departs
        self.arrives = rows[-1].arrives
        self._legs: tuple[Leg, ...] | None = None

    def __repr__(self) -> str:
        return f"<Journey {[r.fare_id for r in self.rows]}>"

    @property
    def legs(self) -> tuple[Leg, ...]:
        if self._legs is None:
            self._legs = _legs(self.rows)
        return self._legs

    @property
    def terms(self) -> FareTerms:
        """The terms of a journey are those of its most restrictive fare."""
        rows = self.rows
        return FareTerms(
            cabin=rows[0].cabin,
            brand=rows[0].brand,
            cabin_baggage_kg=min(r.cabin_baggage_kg for r in rows),
            checked_baggage_kg=min(r.checked_baggage_kg for r in rows),
            refundable=all(r.refundable for r in rows),
            changeable=all(r.changeable for r in rows),
        )

    @property
    def brand(self) -> str:
        return self.rows[0].brand

    @property
    def adult_total(self) -> Decimal:
        return self.adult_base + self.adult_taxes

    @property
    def airline_ids(self) -> set[int]:
        return {r.airline_id for r in self.rows}

    @property
    def fare_ids(self) -> list[int]:
        return [r.fare_id for r in self.rows]

    @property
    def stops(self) -> int:
        return len(self.rows) - 1

    @property
    def departure_at(self) -> dt.datetime:
        return utc(self.departs)

    @property
    def arrival_at(self) -> dt.datetime:
        return utc(self.arrives)

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.arrives - self.departs)

    @property
    def connections(self) -> list[tuple[str, dt.timedelta]]:
        return [
            (a.destination, b.departure_at - a.arrival_at)
            for a, b in zip(self.legs, self.legs[1:], strict=False)
        ]

    @property
    def co2_kg(self) -> int:
        total = sum(
            r.distance_km * CO2_PER_KM["short" if r.distance_km < 1500 else "long"]
            for r in self.rows
        )
        return int(total * CO2_CABIN[Cabin(self.rows[0].cabin)])


@dataclass(frozen=True)
class Price:
    currency: str
    adult: Decimal
    child: Decimal
    infant: Decimal
    base: Decimal
    taxes: Decimal
    total: Decimal


class Offer:
    """Journeys for the passengers at a price. Its total is worked out at once (sorting and
    filtering need it) and the breakdown only when shown."""

    def __init__(
        self, journeys: tuple[Journey, ...], passengers: Passengers, price: Price | None = None
    ) -> None:
        self.journeys = journeys
        self.passengers = passengers
        if price is not None:
            self.__dict__["price"] = price
            self.total = price.total
        else:
            self.total = offer_total(journeys, passengers)

    def __repr__(self) -> str:
        return f"<Offer {self.fare_ids} {self.total}>"

    @cached_property
    def price(self) -> Price:
        return price_for(self.journeys, self.passengers)

    @cached_property
    def token(self) -> str:
        # Signed only when shown: a search makes hundreds of offers and shows twenty.
        return offer_token(
            self.fare_ids, self.passengers, self.price, [len(j.rows) for j in self.journeys]
        )

    @property
    def stops(self) -> int:
        return max(j.stops for j in self.journeys)

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.seconds)

    @property
    def seconds(self) -> int:
        """Time in the air and on the ground, all directions together."""
        return sum(j.arrives - j.departs for j in self.journeys)

    @property
    def airlines(self) -> set[str]:
        return {leg.airline_code for j in self.journeys for leg in j.legs}

    @property
    def fare_ids(self) -> list[int]:
        return [r.fare_id for j in self.journeys for r in j.rows]


def price_for(journeys: tuple[Journey, ...], passengers: Passengers) -> Price:
    currency = journeys[0].currency
    if len(journeys) == 1:
        base, taxes = journeys[0].adult_base, journeys[0].adult_taxes
    else:
        base = sum((j.adult_base for j in journeys), Decimal(0))
        taxes = sum((j.adult_taxes for j in journeys), Decimal(0))
    child_base = quantize(base * CHILD_SHARE, currency)
    infant_base = quantize(base * INFANT_SHARE, currency)
    total_base = (
        base * passengers.adults + child_base * passengers.children
        + infant_base * passengers.infants
    )  # fmt: skip
    total_taxes = taxes * (passengers.adults + passengers.children + passengers.infants)
    return Price(
        currency=currency,
        adult=quantize(base + taxes, currency),
        child=quantize(child_base + taxes, currency),
        infant=quantize(infant_base + taxes, currency),
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
    return Offer(journeys, passengers)


def offer_total(journeys: tuple[Journey, ...], passengers: Passengers) -> Decimal:
    """price_for(journeys, passengers).total, without the breakdown when only adults fly."""
    if passengers.children or passengers.infants:
        return price_for(journeys, passengers).total
    if len(journeys) == 1:
        adult = journeys[0].adult_total
    else:
        adult = sum((j.adult_total for j in journeys), Decimal(0))
    return quantize(adult * passengers.adults, journeys[0].currency)


class Supplier(Protocol):
    """Anything that can answer a search with journeys for one direction.

    `journeys` are those departing on the local dates `date` to `last_date` (inclusive; just
    `date` when it is None): the price calendar asks for a week at once."""

    def journeys(
        self,
        *,
        origin: Airport,
        destination: Airport,
        date: dt.date,
        cabin: str,
        seats: int,
        last_date: dt.date | None = None,
    ) -> list[Journey]: ...


def _epoch(column: str) -> str:
    """SQL for a timestamp column as whole seconds since 1970 UTC (SQLite keeps UTC text)."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS bigint)"
    return f"CAST(strftime('%%s', {column}) AS integer)"


def _row_sql(where: str) -> str:
    # Plain SQL on the hot path: it spares building a queryset per query and Django's
    # per-value time-zone loader, both more than the indexed query itself costs.
    # Table names and the callers' placeholders; values always go as parameters.
    fare, flight = Fare._meta.db_table, Flight._meta.db_table
    return (
        f"SELECT fa.id, fa.flight_id, fa.cabin, fa.brand, fa.base_fare, fa.taxes, fa.currency, "  # noqa: S608
        f"fa.cabin_baggage_kg, fa.checked_baggage_kg, fa.refundable, fa.changeable, "
        f"fl.airline_id, fl.number, fl.origin_id, fl.destination_id, "
        f"{_epoch('fl.departure_at')}, {_epoch('fl.arrival_at')}, fl.aircraft, fl.distance_km "
        f"FROM {fare} fa JOIN {flight} fl ON fl.id = fa.flight_id "
        f"WHERE fl.status = 'scheduled' AND {where}"
    )


AMOUNT = Decimal("0.001")


def fare_rows(where: str, params: Sequence) -> list[FareRow]:
    """The bookable fares (of scheduled flights) matching `where` (SQL on `fa`, the fare, and
    `fl`, its flight), as FareRows."""
    with connection.cursor() as cursor:
        cursor.execute(_row_sql(where), params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return [FareRow._make(values) for values in rows]
    # SQLite hands back numbers for decimals and booleans; make them what PostgreSQL gives.
    return [
        FareRow(*v[:4], Decimal(str(v[4])).quantize(AMOUNT), Decimal(str(v[5])).quantize(AMOUNT),
                v[6], v[7], v[8], bool(v[9]), bool(v[10]), *v[11:])
        for v in rows
    ]  # fmt: skip


def _db_time(moment: dt.datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def local_day_utc(airport: Airport, date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants between which a departure is on `date` at `airport`."""
    return local_days_utc(airport, date, date)


def local_days_utc(
    airport: Airport, first: dt.date, last: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants between which a departure is on one of the days `first`..`last` at
    `airport`."""
    tz = zoneinfo.ZoneInfo(airport.time_zone)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def connections(
    firsts: Iterable[FareRow], seconds: Iterable[FareRow], *, max_distance_km: float
) -> list[Journey]:
    """One-stop journeys: each first flight with the second flights of the same fare brand that
    leave its arrival airport between MIN_CONNECTION and MAX_CONNECTION after it lands, when the
    two together fly at most `max_distance_km`.

    After one first flight, a later onward flight is offered only when it is cheaper than every
    earlier one that fits: otherwise it would mean a longer wait and a later arrival for no
    saving, a journey no traveller would choose over the earlier one (it is "dominated")."""
    onward: dict[tuple[int, str], list[FareRow]] = defaultdict(list)
    for row in sorted(seconds, key=attrgetter("departs")):
        onward[row.origin_id, row.brand].append(row)
    departures = {key: [r.departs for r in rows] for key, rows in onward.items()}
    journeys = []
    for first in firsts:
        key = (first.destination_id, first.brand)
        candidates = onward.get(key)
        if not candidates:
            continue
        times = departures[key]
        low = bisect_left(times, first.arrives + MIN_CONNECTION_S)
        high = bisect_right(times, first.arrives + MAX_CONNECTION_S)
        room = max_distance_km - first.distance_km
        cheapest = None
        for second in candidates[low:high]:
            price = second.base_fare + second.taxes
            if second.distance_km <= room and (cheapest is None or price < cheapest):
                cheapest = price
                journeys.append(Journey((first, second)))
    return journeys


class LocalInventorySupplier:
    """Searches Safar's own flights and fares in the database: two queries a search."""

    def journeys(self, *, origin, destination, date, cabin, seats, last_date=None):
        start, end = local_days_utc(origin, date, last_date or date)
        # Direct flights and first legs in one query: flights out of the origin those days to
        # the destination, or to an airport with a flight on to it in the connection window.
        outs = fare_rows(
            "fa.cabin = %s AND fa.seats_available >= %s AND fl.origin_id = %s "  # noqa: S608
            "AND fl.departure_at >= %s AND fl.departure_at < %s "
            "AND (fl.destination_id = %s OR fl.destination_id IN ("
            f"  SELECT o.origin_id FROM {Flight._meta.db_table} o WHERE o.destination_id = %s "
            "   AND o.status = 'scheduled' AND o.departure_at >= %s AND o.departure_at <= %s))",
            [cabin, seats, origin.pk, _db_time(start), _db_time(end), destination.pk,
             destination.pk, _db_time(start + MIN_CONNECTION), _db_time(end + MAX_CONNECTION)],
        )  # fmt: skip
        arriving = destination.pk
        journeys = [Journey((row,)) for row in outs if row.destination_id == arriving]
        firsts = [row for row in outs if row.destination_id != arriving]
        if not firsts:
            return journeys
        hubs = sorted({r.destination_id for r in firsts})
        seconds = fare_rows(
            "fa.cabin = %s AND fa.seats_available >= %s AND fl.destination_id = %s "
            f"AND fl.origin_id IN ({', '.join(['%s'] * len(hubs))}) "
            "AND fl.departure_at >= %s AND fl.departure_at <= %s",
            [cabin, seats, destination.pk, *hubs,
             _db_time(utc(min(r.arrives for r in firsts)) + MIN_CONNECTION),
             _db_time(utc(max(r.arrives for r in firsts)) + MAX_CONNECTION)],
        )  # fmt: skip
        # No detours: a connection may fly at most MAX_DETOUR times the direct distance.
        limit = great_circle_km(origin, destination) * MAX_DETOUR
        journeys.extend(connections(firsts, seconds, max_distance_km=limit))
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
    "price": lambda o: (o.total, o.seconds),
    "duration": lambda o: (o.seconds, o.total),
    "departure": lambda o: (o.journeys[0].departs, o.total),
}


def _keeper(filters: Filters, origin: Airport, *, window: bool = True):
    """A test for journeys out of `origin`: stops, airlines and (when `window`) the local
    departure time. Airline codes are looked up once, not per journey."""
    wanted: set[int] | None = None
    if filters.airlines:
        airlines = reference.airlines()
        wanted = {pk for pk, a in airlines.items() if a.iata_code in filters.airlines}
    tz = zoneinfo.ZoneInfo(origin.time_zone)
    after = filters.depart_after if window else None
    before = filters.depart_before if window else None

    def keep(journey: Journey) -> bool:
        if filters.max_stops is not None and journey.stops > filters.max_stops:
            return False
        if wanted is not None and not journey.airline_ids <= wanted:
            return False
        if after or before:
            local = dt.datetime.fromtimestamp(journey.departs, tz).time()
            if (after and local < after) or (before and local > before):
                return False
        return True

    return keep


RETURN_COMBINATIONS = 12  # cheapest journeys per direction and brand that are paired


def _round_trips(
    outbound: list[Journey], inbound: list[Journey], passengers: Passengers
) -> list[Offer]:
    """Each of the cheapest outbound journeys of a brand with each of the cheapest return
    journeys of the same brand that leave after it lands."""
    by_brand_in: dict[str, list[Journey]] = defaultdict(list)
    for j in sorted(inbound, key=attrgetter("adult_total")):
        by_brand_in[j.brand].append(j)
    by_brand_out: dict[str, list[Journey]] = defaultdict(list)
    for j in sorted(outbound, key=attrgetter("adult_total")):
        by_brand_out[j.brand].append(j)
    offers = []
    for brand, outs in by_brand_out.items():
        for out in outs[:RETURN_COMBINATIONS]:
            for back in by_brand_in.get(brand, [])[:RETURN_COMBINATIONS]:
                if back.departs - out.arrives >= MIN_CONNECTION_S:
                    offers.append(make_offer((out, back), passengers))
    return offers


def _directions(query: SearchQuery, *, days: int = 0) -> tuple[list[Journey], list[Journey]]:
    """Outbound and return journeys for the query's dates, or for `days` days either side."""
    source = supplier()
    seats = query.passengers.seats
    shift = dt.timedelta(days=days)
    outbound = source.journeys(
        origin=query.origin,
        destination=query.destination,
        date=query.departure_date - shift,
        last_date=query.departure_date + shift,
        cabin=query.cabin,
        seats=seats,
    )
    inbound = []
    if query.return_date is not None:
        inbound = source.journeys(
            origin=query.destination,
            destination=query.origin,
            date=query.return_date - shift,
            last_date=query.return_date + shift,
            cabin=query.cabin,
            seats=seats,
        )
    currency = query.price_currency
    return in_currency(outbound, currency), in_currency(inbound, currency)


def in_currency(journeys: list[Journey], currency: str) -> list[Journey]:
    """`journeys` with their fares in `currency` at the current exchange rate (payments.fx).

    Each fare's base and taxes are converted and rounded on their own, once a search, so that an
    offer's price, the booking made from it and a refund of any of its flights add up exactly."""
    if all(r.currency == currency for j in journeys for r in j.rows):
        return journeys
    from payments.fx import rate_for

    rates: dict[str, Decimal] = {}
    converted: dict[int, FareRow] = {}

    def convert(row: FareRow) -> FareRow:
        done = converted.get(row.fare_id)
        if done is None:
            if row.currency == currency:
                done = row
            else:
                rate = rates.get(row.currency)
                if rate is None:
                    rate = rates[row.currency] = rate_for(row.currency, currency)
                done = row._replace(
                    base_fare=quantize(row.base_fare * rate, currency),
                    taxes=quantize(row.taxes * rate, currency),
                    currency=currency,
                )
            converted[row.fare_id] = done
        return done

    return [Journey(tuple(convert(r) for r in j.rows)) for j in journeys]


def flight_search(
    query: SearchQuery, *, filters: Filters | None = None, sort: str = "price"
) -> list[Offer]:
    """Offers for the query, filtered and sorted; prices cover every passenger."""
    filters = filters or Filters()
    outbound, inbound = _directions(query)
    outbound = list(filter(_keeper(filters, query.origin), outbound))
    if query.return_date is None:
        offers = [make_offer((j,), query.passengers) for j in outbound]
    else:
        # The departure-time window applies to the outbound flight only.
        inbound = list(filter(_keeper(filters, query.destination, window=False), inbound))
        offers = _round_trips(outbound, inbound, query.passengers)
    if filters.max_price is not None:
        offers = [o for o in offers if o.total <= filters.max_price]
    offers.sort(key=SORTS.get(sort, SORTS["price"]))
    return offers


def offers_by_airline(offers: list[Offer], airlines: frozenset[str]) -> list[Offer]:
    """The offers flown only by `airlines` (IATA codes), in the same order."""
    all_airlines = reference.airlines()
    wanted = {pk for pk, a in all_airlines.items() if a.iata_code in airlines}
    return [o for o in offers if all(j.airline_ids <= wanted for j in o.journeys)]


def offer_airlines(offers: list[Offer]) -> dict[str, str]:
    """The IATA code and name of every carrier flying any of `offers`."""
    ids = {i for o in offers for j in o.journeys for i in j.airline_ids}
    airlines = reference.airlines(ids)
    return {airlines[i].iata_code: airlines[i].name for i in ids}


def _lowest(offers: Iterable[Offer]) -> Price | None:
    cheapest = min(offers, key=attrgetter("total"), default=None)
    return cheapest.price if cheapest else None


def price_calendar(query: SearchQuery, *, days: int = 3) -> list[tuple[dt.date, Decimal | None]]:
    """The lowest total for the same trip departing up to `days` days either side."""
    return [(date, price.total if price else None) for date, price in price_days(query, days=days)]


def price_days(query: SearchQuery, *, days: int = 3) -> list[tuple[dt.date, Price | None]]:
    """The lowest price for the same trip departing up to `days` days either side, found with
    one search over the whole week rather than a search a day. Days already over are None."""
    today = dt.date.today()
    outbound, inbound = _directions(query, days=days)
    out_tz = zoneinfo.ZoneInfo(query.origin.time_zone)
    back_tz = zoneinfo.ZoneInfo(query.destination.time_zone)
    outs_by_day: dict[dt.date, list[Journey]] = defaultdict(list)
    for j in outbound:
        outs_by_day[dt.datetime.fromtimestamp(j.departs, out_tz).date()].append(j)
    backs_by_day: dict[dt.date, list[Journey]] = defaultdict(list)
    for j in inbound:
        backs_by_day[dt.datetime.fromtimestamp(j.departs, back_tz).date()].append(j)
    calendar: list[tuple[dt.date, Price | None]] = []
    for offset in range(-days, days + 1):
        date = query.departure_date + dt.timedelta(days=offset)
        if date < today:
            calendar.append((date, None))
            continue
        outs = outs_by_day.get(date, [])
        if query.return_date is None:
            calendar.append((date, _lowest_one_way(outs, query.passengers)))
        else:
            backs = backs_by_day.get(query.return_date + dt.timedelta(days=offset), [])
            calendar.append((date, _lowest(_round_trips(outs, backs, query.passengers))))
    return calendar


def _lowest_one_way(journeys: list[Journey], passengers: Passengers) -> Price | None:
    """The lowest total of one-way offers on `journeys`, pricing only the likely cheapest: for
    adults alone the total follows the adult fare, so only journeys within a cent per adult of
    the cheapest are priced in full (children's and infants' shares round separately)."""
    if not journeys:
        return None
    if passengers.children or passengers.infants:
        candidates = journeys
    else:
        cheapest = min(j.adult_total for j in journeys)
        candidates = [j for j in journeys if j.adult_total <= cheapest + Decimal("0.01")]
    return _lowest(make_offer((j,), passengers) for j in candidates)


def offer_reprice(token_data: dict) -> tuple[tuple[Journey, ...], Passengers, Price]:
    """The journeys and price of a tokenised offer as the inventory stands now.

    Raises LookupError when a fare or flight is gone (cancelled, removed).
    """
    fare_ids = token_data["f"]
    ids = sorted(set(fare_ids))
    rows = {
        row.fare_id: row for row in fare_rows(f"fa.id IN ({', '.join(['%s'] * len(ids))})", ids)
    }
    if len(rows) != len(set(fare_ids)):
        raise LookupError("A flight of this offer is no longer available.")
    journeys: list[Journey] = []
    start = 0
    for count in token_data.get("j", [len(fare_ids)]):
        journeys.append(
            Journey(tuple(rows[fare_id] for fare_id in fare_ids[start : start + count]))
        )
        start += count
    # Priced in the currency the offer was shown in, at today's rate: a changed rate is a
    # changed price, which booking tells the customer about like any other.
    priced = tuple(in_currency(journeys, token_data.get("c") or settings.DEFAULT_CURRENCY))
    passengers = Passengers(*token_data["p"])
    return priced, passengers, price_for(priced, passengers)
