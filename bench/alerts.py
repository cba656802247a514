"""The price-alert engine: one pass of `price_alerts_check` over many active alerts and fares,
its time and its queries per pass, on a throw-away database (`test_` + the name in
DATABASE_URL, made and dropped here; PostgreSQL as `make bench` runs it).

BENCH_ALERTS (default 100,000 active alerts) and BENCH_FARES (default 1,000,000 fares, 20 a
flight: 4 cabins x 5 brands) scale it. The first pass tells the alerts whose target the price
has reached (about 1 in 200 here), timed once; the next three find the same prices and tell no
one (median of 3). The baseline, timed in between: the one raw query that reads the cheapest
fare per route, cabin and local day for every watched route, with no party, currency or alert
in it. BENCH_PROFILE=1 prints a cProfile of a pass that tells no one.
"""

import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

ALERTS = int(os.environ.get("BENCH_ALERTS", "100000"))
FARES = int(os.environ.get("BENCH_FARES", "1000000"))
PASSES = 3
AIRPORTS = 30
ROUTES = 200
DAYS = 60
CABINS = ["economy", "premium_economy", "business", "first"]
BRANDS = ["Saver", "Classic", "Flex", "Plus", "Max"]
ZONES = ["Asia/Dubai", "Europe/London", "Asia/Karachi", "Asia/Dhaka", "America/New_York",
         "Asia/Riyadh"]  # fmt: skip
PARTIES = [(1, 0, 0), (2, 0, 0), (2, 1, 0), (2, 2, 1), (1, 0, 1), (3, 0, 0)]
CUSTOMERS = 100
BATCH = 5000


def seed(rng: random.Random, today: dt.date) -> tuple[float, int]:
    from b2c.models import PriceAlert
    from core.testing.factories import UserFactory
    from flights.models import Airline, Airport, Fare, Flight

    started = time.perf_counter()
    airline = Airline.objects.create(iata_code="ZZ", name="Bench Air", country="AE")
    airports = Airport.objects.bulk_create(
        Airport(iata_code=f"Z{i:02d}", name=f"Bench {i}", city=f"City {i}", country="AE",
                time_zone=ZONES[i % len(ZONES)], latitude=20 + i / 10, longitude=50 + i / 10)
        for i in range(AIRPORTS)
    )  # fmt: skip
    pairs = set()
    while len(pairs) < ROUTES:
        origin, destination = rng.sample(airports, 2)
        pairs.add((origin.pk, destination.pk))
    routes = sorted(pairs)
    per_flight = len(CABINS) * len(BRANDS)
    flights = []
    for i in range(max(1, FARES // per_flight)):
        origin_id, destination_id = routes[i % len(routes)]
        departs = dt.datetime.combine(
            today + dt.timedelta(days=1 + (i // len(routes)) % DAYS), dt.time(), tzinfo=dt.UTC
        ) + dt.timedelta(minutes=rng.randrange(0, 24 * 60, 5))
        flights.append(
            Flight(airline=airline, number=1 + i % 9999, origin_id=origin_id,
                   destination_id=destination_id, departure_at=departs + dt.timedelta(
                       seconds=i // 9999),  # one departure per number and time
                   arrival_at=departs + dt.timedelta(hours=5), aircraft="A320",
                   distance_km=3000)
        )  # fmt: skip
    flights = Flight.objects.bulk_create(flights, batch_size=BATCH)

    def fare_rows():
        for flight in flights:
            for c, cabin in enumerate(CABINS):
                for b, brand in enumerate(BRANDS):
                    base = Decimal(200 + 150 * c + 40 * b + rng.randrange(0, 200))
                    taxes = Decimal(rng.randrange(40, 120))
                    seats = rng.randrange(0, 10)
                    yield (flight.pk, cabin, brand, base, taxes, "USD", seats, 7, 0, False,
                           Decimal(0), True, Decimal(0))  # fmt: skip

    columns = ["flight_id", "cabin", "brand", "base_fare", "taxes", "currency",
               "seats_available", "cabin_baggage_kg", "checked_baggage_kg", "refundable",
               "refund_fee", "changeable", "change_fee"]  # fmt: skip
    if connection.vendor == "postgresql":
        # COPY: a million rows in seconds, where bulk_create takes minutes.
        with connection.cursor() as cursor:
            sql = f"COPY {Fare._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in fare_rows():
                    copy.write_row(row)
    else:
        Fare.objects.bulk_create(
            (Fare(**dict(zip(columns, row, strict=True))) for row in fare_rows()),
            batch_size=BATCH,
        )
    customers = [UserFactory(email=f"bench{i}@example.com").customer for i in range(CUSTOMERS)]
    alerts = []
    for i in range(ALERTS):
        origin_id, destination_id = routes[rng.randrange(len(routes))]
        first = today + dt.timedelta(days=rng.randrange(1, DAYS - 7))
        adults, children, infants = PARTIES[i % len(PARTIES)]
        alerts.append(
            PriceAlert(customer=customers[i % CUSTOMERS], origin_id=origin_id,
                       destination_id=destination_id, date_from=first,
                       date_to=first + dt.timedelta(days=rng.randrange(0, 8)),
                       cabin=CABINS[i % len(CABINS)], adults=adults, children=children,
                       infants=infants, currency="USD",
                       # Most targets far below any fare; one in 200 generous.
                       target_price=Decimal(10_000 if i % 200 == 0 else 50),
                       language="ar" if i % 3 == 0 else "en")
        )  # fmt: skip
        if len(alerts) >= BATCH:
            PriceAlert.objects.bulk_create(alerts)
            alerts = []
    PriceAlert.objects.bulk_create(alerts)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return time.perf_counter() - started, Fare.objects.count()


def baseline_sql() -> str:
    from b2c.models import PriceAlert
    from flights.models import Airport, Fare, Flight

    day = "CAST(timezone(ap.time_zone, fl.departure_at) AS date)"
    if connection.vendor != "postgresql":
        day = "django_datetime_cast_date(fl.departure_at, ap.time_zone, 'UTC')"
    return (
        f"SELECT fl.origin_id, fl.destination_id, fa.cabin, {day}, "  # noqa: S608
        f"  MIN(fa.base_fare + fa.taxes) FROM {Fare._meta.db_table} fa "
        f"JOIN {Flight._meta.db_table} fl ON fl.id = fa.flight_id "
        f"JOIN {Airport._meta.db_table} ap ON ap.id = fl.origin_id "
        f"WHERE fl.status = 'scheduled' AND fl.departure_at >= %s AND fa.seats_available > 0 "
        f"  AND (fl.origin_id, fl.destination_id) IN (SELECT origin_id, destination_id "
        f"    FROM {PriceAlert._meta.db_table} WHERE state = 'active') "
        f"GROUP BY 1, 2, 3, 4"
    )


def timed(run) -> tuple[float, int, object]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
    return seconds, len(captured), result


def main():
    import notifications.services
    from b2c.services.alerts import price_alerts_check

    settings.DEBUG = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The pass writes the outbox; delivering it is the workers' job, not timed here.
    notifications.services._relay = lambda message_id: None
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        rng = random.Random(7)
        today = dt.date.today()
        seed_seconds, fares = seed(rng, today)
        since = dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC)

        def baseline():
            with connection.cursor() as cursor:
                cursor.execute(baseline_sql(), [since])
                return len(cursor.fetchall())

        first = timed(price_alerts_check)
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            cProfile.runctx("price_alerts_check()", globals(), locals(), sort="cumtime")
        raw, steady = [], []
        for _ in range(PASSES):  # interleaved: load on this shared machine hits both alike
            raw.append(timed(baseline))
            steady.append(timed(price_alerts_check))
        raw_s = statistics.median(r[0] for r in raw)
        steady_s = statistics.median(r[0] for r in steady)

        def row(target, seconds, queries, told, runs):
            return (
                f"| {target} | {ALERTS:,} | {fares:,} | {seconds:.2f} | {runs} | {queries} | "
                f"{told} | {seconds / raw_s:.1f} |"
            )

        lines = [
            f"Database: {connection.vendor}; {ALERTS:,} active alerts on {ROUTES} routes, "
            f"{fares:,} fares over {DAYS} days (seeded in {seed_seconds:.0f} s); "
            f"Python {sys.version.split()[0]}, Django {django.get_version()}",
            "",
            "| target | alerts | fares | seconds per pass | passes | queries per pass "
            "| alerts told | × raw query |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            row(f"raw SQL: cheapest fare per route, cabin and day ({raw[0][2]:,} rows; "
                "baseline)", raw_s, raw[0][1], "—", f"median of {PASSES}"),
            row("price_alerts_check, nothing to tell", steady_s,
                statistics.median(r[1] for r in steady),
                f"{steady[0][2]['notified']:,}", f"median of {PASSES}"),
            row("price_alerts_check, first pass (tells)", first[0], first[1],
                f"{first[2]['notified']:,}", "1"),
        ]  # fmt: skip
        print("\n".join(lines))
        print()
        print(
            f"Queries per pass: the engine's constant {statistics.median(r[1] for r in steady):.0f}"
            " with no price changed (begin, lock, end past alerts, load the alerts, one pricing "
            "query, one update of the alerts, commit), one more (the insert of the checks) when "
            "prices moved, plus the outbox writes of each alert "
            "told (notifications.services.notify: preferences and one row per channel), "
            f"{(first[1] - steady[0][1]) / max(first[2]['notified'], 1):.0f} a told alert here."
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
