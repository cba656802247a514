"""Demo data for the quickstart: reference data, a demo customer and a staff account. Idempotent."""

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from b2c.models import FrequentFlyerNumber, TravelCompanion
from b2c.selectors.customer import customer_for_user
from b2c.services import customer as customer_services
from flights.models import Airline
from flights.schedule import schedule_generate
from flights.services import airlines_load, airports_load
from payments.fx import exchange_rates_refresh

DEMO_EMAIL = "demo@safar.example"
DEMO_PASSWORD = "safar-demo-2026"  # noqa: S105 - printed for the quickstart on purpose
STAFF_EMAIL = "staff@safar.example"
STAFF_PASSWORD = "safar-staff-2026"  # noqa: S105


class Command(BaseCommand):
    help = "Load reference data and demo accounts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )
        parser.add_argument(
            "--days", type=int, default=14, help="Days of flights from today (default 14)."
        )
        parser.add_argument(
            "--routes",
            type=int,
            default=None,
            help="One-way routes (default: the curated city pairs, both ways).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates accounts with known passwords; DEBUG is off.")
        airlines = airlines_load()
        airports = airports_load()
        flights, fares = schedule_generate(days=options["days"], routes_count=options["routes"])
        exchange_rates_refresh()
        with transaction.atomic():
            self._demo_customer()
            self._staff()
        self.stdout.write(self.style.SUCCESS(f"{airlines} airlines, {airports} airports loaded."))
        self.stdout.write(
            self.style.SUCCESS(f"Schedule: {flights} new flights with {fares} fares.")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo customer: {DEMO_EMAIL} / {DEMO_PASSWORD}  (sign in at /accounts/login/)"
            )
        )
        self.stdout.write(self.style.SUCCESS(f"Staff: {STAFF_EMAIL} / {STAFF_PASSWORD}  (/admin/)"))

    def _user(self, email, password, **extra):
        User = get_user_model()
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, **extra)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _demo_customer(self):
        user = self._user(DEMO_EMAIL, DEMO_PASSWORD, first_name="Layla", last_name="Rahman")
        customer = customer_for_user(user=user)
        today = timezone.localdate()
        if not customer.profile.passport_number:
            customer_services.customer_update(
                customer=customer,
                customer_fields={"phone": "+971501234567", "preferred_currency": "AED"},
            )
            customer_services.customer_profile_update(
                customer=customer,
                fields={
                    "date_of_birth": dt.date(1990, 4, 12),
                    "gender": "female",
                    "nationality": "BD",
                    "passport_number": "BX1234567",
                    "passport_country": "BD",
                    "passport_expiry": today.replace(year=today.year + 6),
                    "emergency_contact_name": "Karim Rahman",
                    "emergency_contact_phone": "+8801712345678",
                    "emergency_contact_relation": "Brother",
                    "city": "Dubai",
                    "country": "AE",
                },
            )
        if not TravelCompanion.objects.filter(customer=customer).exists():
            customer_services.travel_companion_create(
                customer=customer,
                fields={
                    "given_names": "Omar",
                    "surname": "Rahman",
                    "relationship": "spouse",
                    "date_of_birth": dt.date(1987, 9, 3),
                    "nationality": "BD",
                    "gender": "male",
                    "passport_number": "BX7654321",
                    "passport_country": "BD",
                    "passport_expiry": today.replace(year=today.year + 4),
                },
            )
            customer_services.travel_companion_create(
                customer=customer,
                fields={
                    "given_names": "Sara",
                    "surname": "Rahman",
                    "relationship": "child",
                    "date_of_birth": today.replace(year=today.year - 7),
                    "nationality": "BD",
                    "gender": "female",
                },
            )
        if not FrequentFlyerNumber.objects.filter(customer=customer).exists():
            customer_services.frequent_flyer_number_add(
                customer=customer, airline=Airline.objects.get(iata_code="EK"), number="EK123456789"
            )

    def _staff(self):
        user = self._user(STAFF_EMAIL, STAFF_PASSWORD, first_name="Safar", last_name="Staff")
        if not user.is_staff:
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
