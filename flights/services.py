import csv
from pathlib import Path

from django.db import transaction

from flights.models import Airline, Airport
from flights.search import reference
from flights.search_cache import inventory_changed

AIRLINES_CSV = Path(__file__).resolve().parent / "data" / "airlines.csv"


@transaction.atomic
def airlines_load(*, path: Path = AIRLINES_CSV) -> int:
    """Create or refresh airlines from the shipped CSV (iata,icao,name,country). Idempotent."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = {a.iata_code: a for a in Airline.objects.all()}
    to_create, to_update = [], []
    for row in rows:
        fields = {"icao_code": row["icao"], "name": row["name"], "country": row["country"]}
        airline = existing.get(row["iata"])
        if airline is None:
            to_create.append(Airline(iata_code=row["iata"], **fields))
        elif any(getattr(airline, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(airline, key, value)
            to_update.append(airline)
    Airline.objects.bulk_create(to_create)
    Airline.objects.bulk_update(to_update, ["icao_code", "name", "country"])
    reference.clear()  # bulk writes send no signals
    inventory_changed()
    return len(rows)


@transaction.atomic
def airports_load() -> int:
    """Create or refresh every airport with an IATA code from the airportsdata package."""
    import airportsdata

    rows = airportsdata.load("IATA")
    airports = [
        Airport(
            iata_code=code,
            icao_code=row["icao"] or "",
            name=row["name"],
            # 816 airports have no city in the data: the airport's name stands in for it.
            city=row["city"] or row["name"],
            country=row["country"],
            time_zone=row["tz"],
            latitude=row["lat"],
            longitude=row["lon"],
        )
        for code, row in rows.items()
    ]
    Airport.objects.bulk_create(
        airports,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["iata_code"],
        update_fields=[
            "icao_code",
            "name",
            "city",
            "country",
            "time_zone",
            "latitude",
            "longitude",
        ],
    )
    reference.clear()  # bulk writes send no signals
    inventory_changed()
    return len(airports)
