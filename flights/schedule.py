"""A deterministic demo schedule over real city pairs.

The same seed, route and day always give the same flights and fares, so the schedule can be
extended day by day and regenerated anywhere. Durations come from the great-circle distance,
departures from each carrier's banks, and prices from distance, cabin and days to departure.
"""

import datetime as dt
import math
import random
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.money import quantize
from flights.models import Airline, Airport, Cabin, Fare, Flight

SEED = 20261125
CURRENCY = "USD"

# Real city pairs and carriers that fly them (first: the home carrier of the origin).
ROUTES: list[tuple[str, str, tuple[str, ...]]] = [
    ("DXB", "LHR", ("EK", "BA", "VS")),
    ("DXB", "DAC", ("EK", "BG", "FZ")),
    ("DXB", "KHI", ("EK", "PK", "FZ")),
    ("DXB", "LHE", ("EK", "PK", "FZ")),
    ("DXB", "ISB", ("EK", "PK")),
    ("DXB", "BOM", ("EK", "AI", "6E")),
    ("DXB", "CDG", ("EK", "AF")),
    ("DXB", "JFK", ("EK",)),
    ("DXB", "RUH", ("EK", "SV", "FZ")),
    ("DXB", "JED", ("EK", "SV", "FZ")),
    ("DXB", "CAI", ("EK", "MS", "FZ")),
    ("DXB", "IST", ("EK", "TK", "FZ")),
    ("DXB", "KUL", ("EK", "MH")),
    ("DXB", "SIN", ("EK", "SQ")),
    ("DOH", "LHR", ("QR", "BA")),
    ("DOH", "DAC", ("QR", "BG")),
    ("DOH", "KHI", ("QR", "PK")),
    ("AUH", "LHR", ("EY", "BA")),
    ("AUH", "DAC", ("EY", "BS")),
    ("SHJ", "DAC", ("G9", "BS")),
    ("JED", "DAC", ("SV", "BG")),
    ("RUH", "DAC", ("SV", "BS")),
    ("JED", "KHI", ("SV", "PK")),
    ("JED", "LHE", ("SV", "PK")),
    ("JED", "CAI", ("SV", "MS")),
    ("RUH", "LHR", ("SV", "BA")),
    ("KWI", "DAC", ("KU", "J9")),
    ("KWI", "LHR", ("KU", "BA")),
    ("MCT", "DAC", ("WY", "OV")),
    ("BAH", "LHR", ("GF", "BA")),
    ("DAC", "KUL", ("BG", "MH", "BS")),
    ("DAC", "SIN", ("BG", "SQ", "BS")),
    ("DAC", "CCU", ("BG", "AI", "BS")),
    ("DAC", "CGP", ("BG", "BS")),
    ("DAC", "LHR", ("BG",)),
    ("KHI", "ISB", ("PK", "PA", "ER")),
    ("LHE", "KHI", ("PK", "PA", "ER")),
    ("ISB", "LHR", ("PK", "BA")),
    ("LHE", "IST", ("TK", "PK")),
    ("IST", "LHR", ("TK", "BA")),
    ("IST", "CDG", ("TK", "AF")),
    ("CAI", "LHR", ("MS", "BA")),
    ("AMM", "LHR", ("RJ", "BA")),
    ("BEY", "CDG", ("ME", "AF")),
    ("LHR", "JFK", ("BA", "VS", "AA")),
    ("LHR", "CDG", ("BA", "AF")),
    ("LHR", "FRA", ("BA", "LH")),
    ("CDG", "FRA", ("AF", "LH")),
    ("FRA", "JFK", ("LH", "UA")),
    ("KUL", "SIN", ("MH", "SQ", "AK")),
    ("SIN", "SYD", ("SQ", "QF")),
    ("BOM", "DEL", ("AI", "6E")),
    ("DEL", "LHR", ("AI", "BA")),
    ("CMB", "DXB", ("UL", "EK")),
    ("ADD", "DXB", ("ET", "EK")),
    ("NBO", "DXB", ("KQ", "EK")),
    ("CMN", "CDG", ("AT", "AF")),
    ("ALG", "CDG", ("AH", "AF")),
    ("TUN", "CDG", ("TU", "AF")),
    ("KTM", "DXB", ("RA", "FZ")),
]

# Departure banks (local hour, minute) each carrier picks from.
BANKS = [(1, 45), (3, 10), (7, 30), (9, 55), (13, 20), (15, 40), (19, 5), (21, 30), (23, 50)]

# (cabin, brand, price per km in USD, minimum, seats range, checked kg, refundable, change fee)
BRANDS = [
    (Cabin.ECONOMY, "Light", Decimal("0.055"), Decimal("45"), (0, 30), 0, False, None),
    (Cabin.ECONOMY, "Classic", Decimal("0.068"), Decimal("60"), (0, 60), 23, False, Decimal("75")),
    (Cabin.ECONOMY, "Flex", Decimal("0.090"), Decimal("90"), (0, 20), 30, True, Decimal("0")),
    (Cabin.PREMIUM_ECONOMY, "Premium", Decimal("0.130"), Decimal("180"), (0, 16), 35, True,
     Decimal("50")),
    (Cabin.BUSINESS, "Business Saver", Decimal("0.210"), Decimal("320"), (0, 10), 40, False,
     Decimal("150")),
    (Cabin.BUSINESS, "Business Flex", Decimal("0.280"), Decimal("420"), (0, 8), 40, True,
     Decimal("0")),
    (Cabin.FIRST, "First", Decimal("0.480"), Decimal("900"), (0, 4), 50, True, Decimal("0")),
]  # fmt: skip


def great_circle_km(a: Airport, b: Airport) -> int:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * 6371 * math.asin(math.sqrt(h)))


def block_minutes(distance_km: int) -> int:
    """Gate to gate: taxi and climb allowance plus cruise at ~830 km/h, rounded to 5 minutes."""
    minutes = 35 + distance_km / 830 * 60
    return int(5 * round(minutes / 5))


def aircraft_for(distance_km: int, rng: random.Random) -> str:
    if distance_km < 2500:
        return rng.choice(["Airbus A320neo", "Boeing 737-800", "Airbus A321neo"])
    if distance_km < 6000:
        return rng.choice(["Boeing 787-9", "Airbus A330-300", "Boeing 777-300ER"])
    return rng.choice(["Airbus A380-800", "Boeing 777-300ER", "Airbus A350-900"])


def demand_factor(days_ahead: int) -> Decimal:
    """Fares rise as departure nears: +60% on the day, +0% from 60 days out."""
    return Decimal("1") + Decimal(max(0, 60 - days_ahead)) / Decimal("100")


@dataclass(frozen=True)
class Route:
    origin: Airport
    destination: Airport
    airlines: tuple[Airline, ...]
    distance_km: int


def routes(count: int | None = None) -> list[Route]:
    """Both directions of the curated pairs, then (for large schedules) pairs between their
    airports, up to `count` one-way routes."""
    codes = {c for o, d, _ in ROUTES for c in (o, d)}
    airports = Airport.objects.in_bulk(codes, field_name="iata_code")
    airlines = Airline.objects.in_bulk(
        {a for _o, _d, carriers in ROUTES for a in carriers}, field_name="iata_code"
    )
    pairs: list[tuple[str, str, tuple[str, ...]]] = []
    for origin, destination, carriers in ROUTES:
        pairs.append((origin, destination, carriers))
        pairs.append((destination, origin, carriers))
    known = {(o, d) for o, d, _ in pairs}
    if count and count > len(pairs):
        rng = random.Random(SEED)
        ordered = sorted(codes)
        while len(pairs) < count:
            origin, destination = rng.sample(ordered, 2)
            if (origin, destination) in known:
                continue
            distance = great_circle_km(airports[origin], airports[destination])
            if not 300 <= distance <= 14000:
                known.add((origin, destination))
                continue
            carriers = tuple(
                sorted(
                    {c for o, d, cs in ROUTES for c in cs if o in (origin, destination)}
                    | {c for o, d, cs in ROUTES for c in cs if d in (origin, destination)}
                )
            )[:3]
            known.add((origin, destination))
            pairs.append((origin, destination, carriers))
    result = [
        Route(
            origin=airports[o],
            destination=airports[d],
            airlines=tuple(airlines[c] for c in carriers if c in airlines),
            distance_km=great_circle_km(airports[o], airports[d]),
        )
        for o, d, carriers in pairs[: count or len(pairs)]
    ]
    return [r for r in result if r.airlines]


def flight_number(route: Route, airline: Airline, bank: int) -> int:
    """A stable number per airline, route direction and bank: the same flight every day."""
    key = f"{airline.iata_code}{route.origin.iata_code}{route.destination.iata_code}{bank}"
    return 100 + sum(ord(c) * (i + 1) for i, c in enumerate(key)) % 8900


def flights_for_day(route: Route, day: dt.date, today: dt.date) -> list[tuple[Flight, list[Fare]]]:
    rng = random.Random(f"{SEED}:{route.origin.iata_code}:{route.destination.iata_code}:{day}")
    local = zoneinfo.ZoneInfo(route.origin.time_zone)
    minutes = block_minutes(route.distance_km)
    long_haul = route.distance_km >= 3000
    result = []
    for airline in route.airlines:
        banks = sorted(rng.sample(range(len(BANKS)), rng.randint(1, 3 if long_haul else 4)))
        for bank in banks:
            hour, minute = BANKS[bank]
            departure = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=local)
            departure_utc = departure.astimezone(dt.UTC)
            flight = Flight(
                airline=airline,
                number=flight_number(route, airline, bank),
                origin=route.origin,
                destination=route.destination,
                departure_at=departure_utc,
                arrival_at=departure_utc + dt.timedelta(minutes=minutes),
                aircraft=aircraft_for(route.distance_km, rng),
                distance_km=route.distance_km,
            )
            result.append((flight, fares_for(flight, route, day, today, rng, long_haul)))
    return result


def fares_for(flight, route, day, today, rng, long_haul) -> list[Fare]:
    fares = []
    demand = demand_factor((day - today).days)
    for cabin, brand, per_km, minimum, seats, checked_kg, refundable, change_fee in BRANDS:
        if cabin == Cabin.PREMIUM_ECONOMY and not long_haul:
            continue
        if cabin == Cabin.FIRST and (not long_haul or "A380" not in flight.aircraft):
            continue
        noise = Decimal(rng.randint(90, 115)) / Decimal(100)
        base = max(minimum, per_km * route.distance_km) * demand * noise
        base = quantize(base, CURRENCY)
        taxes = quantize(Decimal("28") + base * Decimal("0.12"), CURRENCY)
        fares.append(
            Fare(
                flight=flight,
                cabin=cabin,
                brand=brand,
                base_fare=base,
                taxes=taxes,
                currency=CURRENCY,
                seats_available=rng.randint(*seats),
                cabin_baggage_kg=7 if cabin == Cabin.ECONOMY else 14,
                checked_baggage_kg=checked_kg,
                refundable=refundable,
                refund_fee=quantize(base * Decimal("0.10"), CURRENCY) if refundable else 0,
                changeable=change_fee is not None,
                change_fee=change_fee or 0,
            )
        )
    return fares


def schedule_generate(
    *, days: int = 14, routes_count: int | None = None, start: dt.date | None = None
) -> tuple[int, int]:
    """Create the demo schedule for `days` days from `start` (today), skipping days that already
    have flights. Returns (flights, fares) created."""
    today = timezone.localdate()
    start = start or today
    chosen = routes(routes_count)
    flights_total = fares_total = 0
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        window = (
            dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(hours=14),
            dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC) + dt.timedelta(hours=14),
        )
        existing = set(
            Flight.objects.filter(departure_at__range=window).values_list(
                "airline_id", "number", "departure_at"
            )
        )
        pairs = []
        for route in chosen:
            for flight, fares in flights_for_day(route, day, today):
                key = (flight.airline_id, flight.number, flight.departure_at)
                if key not in existing:  # also drops a same-number clash within the day
                    existing.add(key)
                    pairs.append((flight, fares))
        if not pairs:
            continue
        with transaction.atomic():
            created = Flight.objects.bulk_create([f for f, _ in pairs], batch_size=2000)
            fares = []
            for flight, (_f, flight_fares) in zip(created, pairs, strict=True):
                for fare in flight_fares:
                    fare.flight = flight
                    fares.append(fare)
            Fare.objects.bulk_create(fares, batch_size=5000)
        flights_total += len(created)
        fares_total += len(fares)
    if flights_total:
        from flights.search_cache import inventory_changed

        inventory_changed()  # bulk writes send no signals
    return flights_total, fares_total
