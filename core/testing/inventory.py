"""Small, exact flight inventories for tests and benchmarks."""

import datetime as dt
from decimal import Decimal

from flights.models import Airline, Airport, Cabin, Fare, Flight
from flights.search import Passengers, SearchQuery, flight_search

AIRPORTS = {
    "DXB": ("Dubai", "Asia/Dubai", 25.25, 55.36, "AE"),
    "LHR": ("London", "Europe/London", 51.47, -0.46, "GB"),
    "SHJ": ("Sharjah", "Asia/Dubai", 25.33, 55.52, "AE"),
    "AUH": ("Abu Dhabi", "Asia/Dubai", 24.43, 54.65, "AE"),
}


def airport(code: str) -> Airport:
    city, tz, lat, lon, country = AIRPORTS[code]
    return Airport.objects.get_or_create(
        iata_code=code,
        defaults={"name": f"{city} Airport", "city": city, "country": country, "time_zone": tz,
                  "latitude": lat, "longitude": lon},
    )[0]  # fmt: skip


NAMES = {"EK": "Emirates", "BA": "British Airways"}


def airline(code: str = "EK") -> Airline:
    return Airline.objects.get_or_create(
        iata_code=code,
        defaults={"name": NAMES.get(code, code), "country": "AE"},
    )[0]  # fmt: skip


def flight_with_fare(
    origin: str,
    destination: str,
    departure: dt.datetime,
    *,
    minutes: int = 460,
    number: int = 1,
    code: str = "EK",
    seats: int = 9,
    base: str = "400.00",
    taxes: str = "100.00",
    refundable: bool = False,
    refund_fee: str = "0",
    brand: str = "Classic",
    cabin: str = Cabin.ECONOMY,
) -> Fare:
    flight = Flight.objects.create(
        airline=airline(code),
        number=number,
        origin=airport(origin),
        destination=airport(destination),
        departure_at=departure,
        arrival_at=departure + dt.timedelta(minutes=minutes),
        aircraft="Boeing 777-300ER",
        distance_km=5500,
    )
    return Fare.objects.create(
        flight=flight,
        cabin=cabin,
        brand=brand,
        base_fare=Decimal(base),
        taxes=Decimal(taxes),
        currency="USD",
        seats_available=seats,
        checked_baggage_kg=23,
        refundable=refundable,
        refund_fee=Decimal(refund_fee),
    )


def offer_for(origin, destination, day, passengers=None, return_day=None):
    """The cheapest offer the search gives now."""
    passengers = passengers or Passengers(1, 0, 0)
    offers = flight_search(
        SearchQuery(origin=airport(origin), destination=airport(destination), departure_date=day,
                    passengers=passengers, return_date=return_day)
    )  # fmt: skip
    assert offers, "no offer"
    return offers[0]
