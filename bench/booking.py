"""Bookings confirmed per second under 50 concurrent clients (hold + card payment through the
services, each client its own connection, spread over a few processes like a site's workers),
beside a bare loop doing only what must be serialised, run the same way: SELECT ... FOR UPDATE on
the fare, decrement, INSERT a row. PostgreSQL only."""

import datetime as dt
import multiprocessing
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "4"))


def _threads(clients: int, start: float, stop: float, work, first_index: int) -> int:
    """`clients` threads in this process, each with its own connection, from `start` to `stop`
    (wall-clock times); returns how many units of work they finished."""
    done = []

    def client(index):
        count = 0
        time.sleep(max(0.0, start - time.time()))
        try:
            while time.time() < stop:
                work(index, count)
                count += 1
        finally:
            connection.close()
        done.append(count)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(first_index, first_index + clients)))
    return sum(done)


def run(clients: int, seconds: float, work) -> float:
    """Units of `work` finished per second by `clients` concurrent clients, spread over
    PROCESSES processes as a site's workers are (threads alone would queue on one
    interpreter lock, which no deployment does)."""
    context = multiprocessing.get_context("fork")
    connection.close()  # never share a connection with a child
    start = time.time() + 1.0
    stop = start + seconds
    results = context.Queue()
    per_process = [clients // PROCESSES + (i < clients % PROCESSES) for i in range(PROCESSES)]
    children = []
    for number, count in enumerate(per_process):
        first = sum(per_process[:number])
        child = context.Process(
            target=lambda c=count, f=first: results.put(_threads(c, start, stop, work, f))
        )
        child.start()
        children.append(child)
    total = sum(results.get() for _ in children)
    for child in children:
        child.join()
    return total / seconds


def main():
    from bookings.models import Passenger
    from bookings.services import PassengerDetails, booking_hold
    from core.testing.factories import CustomerFactory
    from core.testing.inventory import flight_with_fare, offer_for
    from payments.services import booking_pay_by_card, card_tokenize

    settings.DEBUG = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the confirmation email is not part of this
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_hold (id bigserial PRIMARY KEY, fare_id bigint)")
        departure = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=10)
        fare = flight_with_fare("DXB", "LHR", departure, seats=1_000_000)
        offer = offer_for(
            "DXB", "LHR", departure.astimezone(dt.timezone(dt.timedelta(hours=4))).date()
        )
        customers = [CustomerFactory() for _ in range(CLIENTS)]
        card = card_tokenize(number="4242424242424242", exp_month=12, exp_year=2035, cvc="123")
        passenger = [PassengerDetails(
            type=Passenger.Type.ADULT, given_names="Layla", surname="Rahman",
            date_of_birth=dt.date(1990, 1, 1), passport_number="BX1234567",
            passport_country="BD", passport_expiry=dt.date(2040, 1, 1),
        )]  # fmt: skip

        def book(index, count):
            booking = booking_hold(
                customer=customers[index], offer_token=offer.token, passengers=passenger,
                contact_email="bench@example.com",
            ).booking  # fmt: skip
            booking_pay_by_card(booking=booking, card=card, idempotency_key=f"{index}-{count}")

        def bare(index, count):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT seats_available FROM flights_fare WHERE id = %s FOR UPDATE", [fare.pk]
                )
                cursor.execute(
                    "UPDATE flights_fare SET seats_available = seats_available - 1 WHERE id = %s",
                    [fare.pk],
                )
                cursor.execute("INSERT INTO bench_hold (fare_id) VALUES (%s)", [fare.pk])

        rounds = []
        for _ in range(3):  # interleaved
            rounds.append((run(CLIENTS, SECONDS, bare), run(CLIENTS, SECONDS, book)))
        bare_rate = sorted(r[0] for r in rounds)[1]
        book_rate = sorted(r[1] for r in rounds)[1]
        print(f"Database: {connection.vendor}; {CLIENTS} concurrent clients (threads with their "
              f"own connections, in {PROCESSES} processes), {SECONDS:.0f} s a run, 3 interleaved "
              "rounds, medians.")  # fmt: skip
        print()
        print("| target | per second | × bare loop |")
        print("|---|---:|---:|")
        print(f"| bare SELECT … FOR UPDATE, decrement, INSERT | {bare_rate:,.0f} | 1.00 |")
        print(f"| booking_hold + booking_pay_by_card (sandbox) | {book_rate:,.0f} | "
              f"{book_rate / bare_rate:.2f} |")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
