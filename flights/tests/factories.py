"""Small, hand-checked inventories for the search form, page and API tests.

The clock is frozen in January (London on UTC, Dubai on UTC+4), so every local time below is
fixed. Prices are chosen so that each order (price, duration, departure) is different.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

# Imported before any test freezes the clock: DRF's throttles keep `time.time` as a class
# attribute, and one imported under freezegun would keep its fake clock as a method.
import rest_framework.throttling  # noqa: F401

from flights.models import Airline, Airport, Cabin, Fare, Flight

NOW = "2030-01-10 06:00:00"  # UTC: 10:00 in Dubai
DAY = dt.date(2030, 1, 20)
BACK = dt.date(2030, 1, 27)

AIRPORTS = {
    # code: (name, city, country, time zone, latitude, longitude)
    "DXB": ("Dubai International Airport", "Dubai", "AE", "Asia/Dubai", 25.2528, 55.3644),
    "LHR": ("London Heathrow Airport", "London", "GB", "Europe/London", 51.4706, -0.4619),
    "LGW": ("London Gatwick Airport", "London", "GB", "Europe/London", 51.1481, -0.1903),
    "DOH": ("Hamad International Airport", "Doha", "QA", "Asia/Qatar", 25.2731, 51.6081),
    "LAX": (
        "Los Angeles International Airport",
        "Los Angeles",
        "US",
        "America/Los_Angeles",
        33.9425,
        -118.4081,
    ),
    "DUB": ("Dublin Airport", "Dublin", "IE", "Europe/Dublin", 53.4213, -6.2701),
}
AIRLINES = {
    "EK": ("Emirates", "AE"),
    "BA": ("British Airways", "GB"),
    "QR": ("Qatar Airways", "QA"),
}


def airport(code: str, **overrides) -> Airport:
    name, city, country, tz, lat, lon = AIRPORTS.get(
        code, (f"{code} Airport", code, "AE", "UTC", 0, 0)
    )
    fields = {
        "name": name,
        "city": city,
        "country": country,
        "time_zone": tz,
        "latitude": lat,
        "longitude": lon,
        **overrides,
    }
    return Airport.objects.get_or_create(iata_code=code, defaults=fields)[0]


def airline(code: str) -> Airline:
    name, country = AIRLINES[code]
    return Airline.objects.get_or_create(
        iata_code=code, defaults={"name": name, "country": country}
    )[0]


def flight(
    carrier: str,
    number: int,
    origin: str,
    destination: str,
    departure_local: dt.datetime,
    minutes: int,
    *,
    base: str,
    taxes: str,
    distance: int = 5500,
    brand: str = "Saver",
    cabin: str = Cabin.ECONOMY,
    seats: int = 9,
    checked_kg: int = 25,
    cabin_kg: int = 7,
    refundable: bool = False,
    changeable: bool = True,
    aircraft: str = "Boeing 777-300ER",
) -> Flight:
    """A flight with one fare; `departure_local` is naive, in the origin airport's time zone."""
    start = airport(origin)
    departure = departure_local.replace(tzinfo=zoneinfo.ZoneInfo(start.time_zone)).astimezone(
        dt.UTC
    )
    record = Flight.objects.create(
        airline=airline(carrier),
        number=number,
        origin=start,
        destination=airport(destination),
        departure_at=departure,
        arrival_at=departure + dt.timedelta(minutes=minutes),
        aircraft=aircraft,
        distance_km=distance,
    )
    Fare.objects.create(
        flight=record,
        cabin=cabin,
        brand=brand,
        base_fare=Decimal(base),
        taxes=Decimal(taxes),
        currency="USD",
        seats_available=seats,
        cabin_baggage_kg=cabin_kg,
        checked_baggage_kg=checked_kg,
        refundable=refundable,
        changeable=changeable,
    )
    return record


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def dxb_lhr(day: dt.date = DAY) -> dict[str, Flight]:
    """Dubai to London on `day`, for one adult:

    | offer             | departs (DXB)  | arrives (LHR) | minutes | per adult |
    | EK1               | 08:15          | 11:40         | 445     | 600.00    |
    | BA106             | 14:00          | 17:40         | 460     | 570.00    |
    | QR1001 + QR3      | 09:00 (via DOH, 110-minute change) | 15:00 | 600 | 470.00 |

    QR5 leaves Doha 30 minutes after QR1001 lands and QR7 a day and 5 minutes after: neither
    makes a connection.
    """
    for code in ("DXB", "LHR", "DOH", "LGW"):
        airport(code)
    return {
        "EK1": flight(
            "EK", 1, "DXB", "LHR", at(day, 8, 15), 445, base="500.00", taxes="100.00"
        ),
        "BA106": flight(
            "BA", 106, "DXB", "LHR", at(day, 14), 460, base="450.00", taxes="120.00",
            checked_kg=23, refundable=True, aircraft="Airbus A350-1000",
        ),
        # Doha is UTC+3: lands 09:10 local (06:10 UTC).
        "QR1001": flight(
            "QR", 1001, "DXB", "DOH", at(day, 9), 70, base="100.00", taxes="20.00",
            distance=380, aircraft="Airbus A320neo",
        ),
        "QR3": flight(
            "QR", 3, "DOH", "LHR", at(day, 11), 420, base="300.00", taxes="50.00",
            distance=5230,
        ),
        "QR5": flight(
            "QR", 5, "DOH", "LHR", at(day, 9, 40), 420, base="200.00", taxes="30.00",
            distance=5230,
        ),
        "QR7": flight(
            "QR", 7, "DOH", "LHR", at(day + dt.timedelta(days=1), 9, 15), 420,
            base="200.00", taxes="30.00", distance=5230,
        ),
    }  # fmt: skip


def lhr_dxb(day: dt.date = BACK) -> dict[str, Flight]:
    """EK2 London 20:00 to Dubai 06:55 the next morning (415 minutes), 650.00 per adult."""
    return {"EK2": flight("EK", 2, "LHR", "DXB", at(day, 20), 415, base="500.00", taxes="150.00")}


def many_direct(count: int, day: dt.date = DAY, first_number: int = 100) -> list[Flight]:
    """`count` Emirates flights Dubai to London, 20 minutes apart from 00:30, each a dollar dearer
    than the one before (350.00, 351.00, ...)."""
    return [
        flight(
            "EK",
            first_number + i,
            "DXB",
            "LHR",
            at(day, 0, 30) + dt.timedelta(minutes=20 * i),
            445,
            base=f"{300 + i}.00",
            taxes="50.00",
        )
        for i in range(count)
    ]


def search_params(**overrides) -> dict[str, str]:
    """Query-string parameters of a one-adult, one-way DXB to LHR search on DAY."""
    params = {"origin": "DXB", "destination": "LHR", "departure_date": DAY.isoformat()}
    params.update({k: str(v) for k, v in overrides.items()})
    return {k: v for k, v in params.items() if v != "None"}
