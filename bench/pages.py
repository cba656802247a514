"""`make bench`: time Safar's pages against a minimal Django view, in one run, interleaved.

Requests go through Django's full middleware stack in process (test client, no network), on a
throw-away test database (SQLite in memory, or PostgreSQL with DATABASE_URL). Each round times
every target once for a fixed number of requests; the table reports medians over the rounds and
the ratio to the minimal view measured in the same rounds.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
COMPANIONS = 8
WALLET_ENTRIES = 200
POINT_LOTS = 50
REWARDS = 6
TRIP_DAYS = 7
ACTIVITIES_PER_DAY = 4
TICKETS = 30
FAQ_ENTRIES = 20


def seed():
    from b2c.services.customer import frequent_flyer_number_add
    from core.testing.factories import TravelCompanionFactory, UserFactory
    from flights.services import airlines_load

    airlines_load()
    from flights.models import Airline

    user = UserFactory(email="bench@example.com")
    customer = user.customer
    airline = Airline.objects.get(iata_code="EK")
    for i in range(COMPANIONS):
        companion = TravelCompanionFactory(customer=customer)
        frequent_flyer_number_add(
            customer=customer, airline=airline, number=f"EK{i:08d}", companion=companion
        )
    seed_money(customer)
    trip = seed_trip(customer)
    seed_help_desk(customer)
    return user, trip


def seed_money(customer):
    """A wallet with a long history, points in many lots, a rewards catalogue."""
    from decimal import Decimal

    from b2c.models import LoyaltyProgram, Reward
    from b2c.services.loyalty import loyalty_points_grant
    from b2c.services.wallet import wallet_credit

    for i in range(WALLET_ENTRIES):
        wallet_credit(
            wallet=customer.wallet, amount=Decimal("12.50"), kind="cashback",
            idempotency_key=f"bench-{i}",
        )  # fmt: skip
    LoyaltyProgram.objects.create(
        name="Safar Rewards", currency="USD", points_per_unit=Decimal(1),
        silver_threshold=2000, gold_threshold=5000, platinum_threshold=10000,
    )  # fmt: skip
    for i in range(POINT_LOTS):
        loyalty_points_grant(
            customer=customer, points=100, reason="bench", idempotency_key=f"bench-lot-{i}"
        )
    for i in range(REWARDS):
        Reward.objects.create(
            name=f"Reward {i}", kind="lounge_pass", points_cost=1000 * (i + 1), stock=10,
            translations={"ar": {"name": f"مكافأة {i}", "description": ""}},
        )  # fmt: skip


def seed_trip(customer):
    """A week-long trip, four timed activities with costs a day."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from b2c.services.trips import activity_create, trip_create
    from core.testing.inventory import airport

    airport("DXB")
    first = timezone.localdate() + dt.timedelta(days=30)
    trip = trip_create(
        customer=customer, name="A week in Dubai", start_date=first,
        end_date=first + dt.timedelta(days=TRIP_DAYS - 1), destination_codes=["DXB"],
        currency="USD",
    )  # fmt: skip
    for day in range(TRIP_DAYS):
        for hour in range(ACTIVITIES_PER_DAY):
            activity_create(
                customer=customer, trip_id=trip.pk, day_date=first + dt.timedelta(days=day),
                title=f"Activity {hour}", place="Deira", start_time=dt.time(9 + 2 * hour),
                end_time=dt.time(10 + 2 * hour), cost=Decimal("25.00"), cost_currency="USD",
            )  # fmt: skip
    return trip


def seed_trip_viewer(user, trip):
    """Someone the owner invited to read the trip: the planner without its editing controls."""
    from b2c.services.trips import member_invite
    from core.testing.factories import UserFactory

    viewer = UserFactory(email="viewer@example.com")
    member_invite(customer=user.customer, trip_id=trip.pk, email=viewer.email, role="viewer")
    return viewer


def seed_help_desk(customer):
    """Tickets with a two-message thread each, and an FAQ to search."""
    from b2c.models import FAQ
    from b2c.services.support import ticket_open, ticket_reply

    for i in range(TICKETS):
        ticket = ticket_open(
            customer=customer, subject=f"Question number {i}", category="booking",
            body="Can I change the date of my flight?",
        )  # fmt: skip
        ticket_reply(customer=customer, ticket_id=ticket.pk, body="Any news?")
    for i in range(FAQ_ENTRIES):
        FAQ.objects.create(
            category="booking", position=i, question_en=f"How do I change booking {i}?",
            answer_en="From My bookings, choose Change.", question_bn=f"বুকিং {i} কীভাবে বদলাব?",
            answer_bn="আমার বুকিং থেকে বদলান।",
        )  # fmt: skip


def timed(client, url, n):
    start = time.perf_counter()
    for _ in range(n):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return (time.perf_counter() - start) / n


def main():
    settings.ROOT_URLCONF = "bench.urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = False
    # No setup_test_environment(): its template instrumentation would slow every render.
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        user, trip = seed()
        anonymous = Client()
        signed_in = Client()
        signed_in.force_login(user)
        viewer = Client()
        viewer.force_login(seed_trip_viewer(user, trip))
        targets = [
            ("minimal Django view (baseline)", anonymous, "/__bench__/minimal/"),
            ("/healthz (one SELECT 1)", anonymous, "/healthz"),
            ("/ home page", anonymous, "/"),
            ("/accounts/login/", anonymous, "/accounts/login/"),
            ("/dashboard/ signed in", signed_in, "/dashboard/"),
            (f"/profile/ signed in, {COMPANIONS} companions", signed_in, "/profile/"),
            ("GET /api/v1/customer/companions/", signed_in, "/api/v1/customer/companions/"),
            (f"/wallet/ signed in, {WALLET_ENTRIES} entries", signed_in, "/wallet/"),
            ("GET /api/v1/wallet/transactions/", signed_in, "/api/v1/wallet/transactions/"),
            (f"/loyalty/ signed in, {POINT_LOTS} lots", signed_in, "/loyalty/"),
            (f"/rewards/ signed in, {REWARDS} rewards", signed_in, "/rewards/"),
            (
                f"/trips/<id>/ planner, {TRIP_DAYS} days × {ACTIVITIES_PER_DAY} activities",
                signed_in,
                f"/trips/{trip.pk}/",
            ),
            ("same planner for a viewer (no controls)", viewer, f"/trips/{trip.pk}/"),
            ("/trips/<id>/calendar.ics, same trip", signed_in, f"/trips/{trip.pk}/calendar.ics"),
            (f"/support/ signed in, {TICKETS} tickets", signed_in, "/support/"),
            (f"/help/?q= search, {FAQ_ENTRIES} entries", anonymous, "/help/?q=change+booking"),
        ]
        for _, client, url in targets:  # warm up templates, caches, connections
            timed(client, url, 5)
        samples = {name: [] for name, _, _ in targets}
        for _ in range(ROUNDS):
            for name, client, url in targets:
                samples[name].append(timed(client, url, REQUESTS))
        baseline = statistics.median(samples[targets[0][0]])
        vendor = connection.vendor
        lines = [
            f"Database: {vendor}; {ROUNDS} rounds x {REQUESTS} requests, interleaved; "
            f"Python {sys.version.split()[0]}, Django {django.get_version()}",
            "",
            "| target | median ms/request | requests/s | × minimal view |",
            "|---|---:|---:|---:|",
        ]
        for name, _, _ in targets:
            median = statistics.median(samples[name])
            lines.append(
                f"| {name} | {median * 1000:.2f} | {1 / median:,.0f} | {median / baseline:.1f} |"
            )
        print("\n".join(lines))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
