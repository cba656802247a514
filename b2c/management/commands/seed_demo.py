"""Demo data for the quickstart: reference data, a demo customer and a staff account. Idempotent."""

import datetime as dt
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from b2c.models import (
    AffiliatePartner,
    FrequentFlyerNumber,
    LoyaltyProgram,
    ReferralProgram,
    Reward,
    TravelCompanion,
)
from b2c.selectors.customer import customer_for_user
from b2c.services import customer as customer_services
from b2c.services.loyalty import loyalty_points_grant
from bookings.models import Booking, BookingSegment, Passenger
from flights.models import Airline, Airport, Fare, Flight
from flights.schedule import schedule_generate
from flights.services import airlines_load, airports_load
from payments.fx import exchange_rates_refresh

DEMO_FLOWN_REFERENCE = "DMOFLY"

# The demo catalogue, with its own translations (staff enter these in the admin).
DEMO_REWARDS = [
    {
        "name": "USD 10 wallet credit",
        "description": "Added to your Safar wallet at once; spend it on any booking.",
        "translations": {
            "ar": {
                "name": "رصيد محفظة بقيمة 10 دولارات",
                "description": "يُضاف إلى محفظة سفر فورًا؛ استخدمه في أي حجز.",
            },
            "bn": {
                "name": "১০ ডলারের ওয়ালেট ক্রেডিট",
                "description": "সঙ্গে সঙ্গে আপনার সফর ওয়ালেটে যোগ হয়; যেকোনো বুকিংয়ে খরচ করুন।",
            },
            "ur": {
                "name": "10 ڈالر کا والیٹ کریڈٹ",
                "description": "فوراً آپ کے سفر والیٹ میں شامل ہو جاتا ہے؛ کسی بھی بکنگ پر خرچ کریں۔",  # noqa: E501
            },
        },
        "kind": "wallet_credit",
        "points_cost": 1000,
        "value_amount": Decimal(10),
        "value_currency": "USD",
    },
    {
        "name": "USD 25 off a booking",
        "description": "A voucher code to enter when you pay for a flight. Valid for a year.",
        "translations": {
            "ar": {
                "name": "خصم 25 دولارًا على حجز",
                "description": "رمز قسيمة تُدخله عند دفع ثمن رحلة. صالح لمدة عام.",
            },
            "bn": {
                "name": "একটি বুকিংয়ে ২৫ ডলার ছাড়",
                "description": "ফ্লাইটের টাকা দেওয়ার সময় লেখার জন্য একটি ভাউচার কোড। এক বছরের জন্য বৈধ।",  # noqa: E501
            },
            "ur": {
                "name": "ایک بکنگ پر 25 ڈالر کی رعایت",
                "description": "پرواز کی ادائیگی کرتے وقت درج کرنے کے لیے واؤچر کوڈ۔ ایک سال کے لیے کارآمد۔",  # noqa: E501
            },
        },
        "kind": "discount_voucher",
        "points_cost": 2000,
        "value_amount": Decimal(25),
        "value_currency": "USD",
    },
    {
        "name": "Airport lounge pass",
        "description": "One visit to a partner lounge before your flight.",
        "translations": {
            "ar": {
                "name": "تذكرة دخول صالة المطار",
                "description": "زيارة واحدة لصالة شريكة قبل رحلتك.",
            },
            "bn": {
                "name": "বিমানবন্দর লাউঞ্জ পাস",
                "description": "আপনার ফ্লাইটের আগে একটি পার্টনার লাউঞ্জে একবার প্রবেশ।",
            },
            "ur": {
                "name": "ایئرپورٹ لاؤنج پاس",
                "description": "اپنی پرواز سے پہلے کسی پارٹنر لاؤنج میں ایک بار داخلہ۔",
            },
        },
        "kind": "lounge_pass",
        "points_cost": 3000,
        "stock": 5,
        "min_tier": "silver",
    },
    {
        "name": "Cabin upgrade",
        "description": "Move up one cabin on a flight you booked with Safar, subject to seats.",
        "translations": {
            "ar": {
                "name": "ترقية الدرجة على متن الطائرة",
                "description": "انتقل إلى الدرجة الأعلى في رحلة حجزتها مع سفر، حسب توفر المقاعد.",
            },
            "bn": {
                "name": "কেবিন আপগ্রেড",
                "description": "সফরে বুক করা ফ্লাইটে এক ধাপ উপরের কেবিনে যান, আসন থাকা সাপেক্ষে।",
            },
            "ur": {
                "name": "کیبن اپ گریڈ",
                "description": "سفر سے بک کی گئی پرواز میں ایک درجہ اوپر کے کیبن میں جائیں، نشستوں کی دستیابی کے مطابق۔",  # noqa: E501
            },
        },
        "kind": "upgrade",
        "points_cost": 8000,
        "stock": 2,
        "min_tier": "gold",
    },
]

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
            self._programmes()
            customer = self._demo_customer()
            self._flown_trip(customer)
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
        # Enough points to redeem a reward at once (earned points wait until a trip is flown).
        loyalty_points_grant(
            customer=customer,
            points=1500,
            reason="Welcome to Safar Rewards (demo)",
            idempotency_key=f"demo:welcome-points:{customer.pk}",
        )
        if not FrequentFlyerNumber.objects.filter(customer=customer).exists():
            customer_services.frequent_flyer_number_add(
                customer=customer, airline=Airline.objects.get(iata_code="EK"), number="EK123456789"
            )
        return customer

    def _flown_trip(self, customer):
        """A trip the demo customer has flown (Dubai to London three weeks ago), so that a
        verified review can be written at once (/reviews/write/). Demo data, written directly:
        it was never held or paid through the site."""
        if Booking.objects.filter(reference=DEMO_FLOWN_REFERENCE).exists():
            return
        departure = (timezone.now() - dt.timedelta(days=21)).replace(
            hour=4, minute=30, second=0, microsecond=0
        )
        dubai, london = Airport.objects.get(iata_code="DXB"), Airport.objects.get(iata_code="LHR")
        flight = Flight.objects.create(
            airline=Airline.objects.get(iata_code="EK"), number=1, aircraft="Boeing 777-300ER",
            origin=dubai, destination=london,
            departure_at=departure, arrival_at=departure + dt.timedelta(hours=7, minutes=40),
            distance_km=5491,
        )  # fmt: skip
        fare = Fare.objects.create(
            flight=flight, cabin="economy", brand="Classic", base_fare=Decimal("1450.00"),
            taxes=Decimal("385.00"), currency="AED", seats_available=0, checked_baggage_kg=30,
        )  # fmt: skip
        booking = Booking.objects.create(
            reference=DEMO_FLOWN_REFERENCE, customer=customer, status=Booking.Status.CONFIRMED,
            held_until=departure - dt.timedelta(days=30), currency="AED", fare_currency="AED",
            base_total=fare.base_fare, taxes_total=fare.taxes, total=fare.base_fare + fare.taxes,
            contact_email=customer.user.email, departure_at=departure,
            confirmed_at=departure - dt.timedelta(days=30),
            completed_at=departure + dt.timedelta(hours=8),
        )  # fmt: skip
        BookingSegment.objects.create(
            booking=booking, fare=fare, flight=flight, direction=BookingSegment.Direction.OUTBOUND,
            position=0, cabin=fare.cabin, brand=fare.brand, adult_base=fare.base_fare,
            adult_taxes=fare.taxes, refundable=False, refund_fee=Decimal(0),
        )  # fmt: skip
        Passenger.objects.create(
            booking=booking, type=Passenger.Type.ADULT, given_names="Layla", surname="Rahman",
            date_of_birth=dt.date(1990, 4, 12), position=0, passport_number="BX1234567",
        )  # fmt: skip

    def _programmes(self):
        """The loyalty programme and its rewards, the referral programme, a partner site."""
        if not LoyaltyProgram.objects.filter(is_active=True).exists():
            LoyaltyProgram.objects.create(
                name="Safar Rewards",
                currency="USD",
                points_per_unit=Decimal(1),
                silver_threshold=2000,
                gold_threshold=5000,
                platinum_threshold=10000,
                bronze_multiplier=Decimal("1.00"),
                silver_multiplier=Decimal("1.25"),
                gold_multiplier=Decimal("1.50"),
                platinum_multiplier=Decimal("2.00"),
                tier_benefits={
                    "bronze": ["free_seat_selection"],
                    "silver": ["free_seat_selection", "priority_support", "bonus_points"],
                    "gold": [
                        "free_seat_selection",
                        "priority_support",
                        "bonus_points",
                        "extra_baggage",
                        "priority_boarding",
                    ],
                    "platinum": [
                        "free_seat_selection",
                        "priority_support",
                        "bonus_points",
                        "extra_baggage",
                        "priority_boarding",
                        "lounge_access",
                        "free_changes",
                        "dedicated_agent",
                    ],
                },  # fmt: skip
                points_validity_months=24,
                qualification_months=12,
            )
        for position, reward in enumerate(DEMO_REWARDS):
            Reward.objects.get_or_create(
                name=reward["name"], defaults={**reward, "position": position}
            )
        if not ReferralProgram.objects.filter(is_active=True).exists():
            ReferralProgram.objects.create(
                name="Invite a friend",
                reward_kind=ReferralProgram.RewardKind.WALLET_CREDIT,
                referrer_amount=Decimal(10),
                referee_amount=Decimal(10),
                currency="USD",
                max_rewards_per_referrer=10,
            )
        AffiliatePartner.objects.get_or_create(
            code="desert-blog",
            defaults={
                "name": "Desert Travel Blog",
                "commission_rate": Decimal("0.0300"),
                "contact_email": "partners@desert-blog.example",
            },
        )

    def _staff(self):
        user = self._user(STAFF_EMAIL, STAFF_PASSWORD, first_name="Safar", last_name="Staff")
        if not user.is_staff:
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
