"""The whole story through the pages: a friend follows a referral link and a partner's link,
signs up, books and pays; when the trip is flown both sides are credited and the partner
earns its commission."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from freezegun import freeze_time

from b2c.models import AffiliateCommission, AffiliatePartner, CustomerReferral
from b2c.tests.referrals.helpers import balance, bonuses, wallet_program
from bookings.models import Booking
from bookings.services import bookings_complete
from bookings.tests.test_booking_pages import book
from core.testing.factories import CustomerFactory
from core.testing.inventory import flight_with_fare, offer_for

pytestmark = pytest.mark.django_db
User = get_user_model()
NOW = "2030-03-01 09:00:00"
DAY = dt.date(2030, 3, 10)
DEPARTURE = dt.datetime(2030, 3, 10, 4, 0, tzinfo=dt.UTC)
PASSWORD = "Fly-safely-2030!"


@freeze_time(NOW)
def test_a_referred_friend_from_a_partner_site_books_and_flies(
    client, django_capture_on_commit_callbacks
):
    wallet_program()
    referrer = CustomerFactory(email="amina@example.com")
    partner = AffiliatePartner.objects.create(
        name="Travel Blog", code="blog", commission_rate=Decimal("0.0500")
    )
    flight_with_fare("DXB", "LHR", DEPARTURE, seats=5)

    client.get(f"/r/{referrer.referral_code}/")
    landed = client.get("/go/blog/", {"to": "/flights/"})
    assert landed.url == "/flights/"
    client.post(
        reverse("account_signup"),
        {"email": "karim@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    friend = User.objects.get(email="karim@example.com").customer
    friend.user.first_name, friend.user.last_name = "Karim", "Haddad"
    friend.user.save()
    profile = friend.profile
    profile.date_of_birth = dt.date(1991, 6, 1)
    profile.passport_number, profile.passport_country = "BX7654321", "AE"
    profile.passport_expiry = dt.date(2034, 1, 1)
    profile.save()
    referral = CustomerReferral.objects.get(referee=friend)
    assert referral.status == CustomerReferral.Status.SIGNED_UP

    held = book(client, offer_for("DXB", "LHR", DAY).token)
    booking = Booking.objects.get(customer=friend)
    commission = AffiliateCommission.objects.get(booking=booking)
    assert (commission.partner, commission.status, commission.amount) == (
        partner,
        AffiliateCommission.Status.PENDING,
        Decimal("0.000"),
    )

    pay_page = client.get(held.url).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', pay_page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(held.url, {
            "idempotency_key": key, "card_number": "4242 4242 4242 4242", "exp_month": 12,
            "exp_year": 2031, "cvc": "123",
        })  # fmt: skip
    commission.refresh_from_db()
    assert commission.amount == Decimal("25.000")  # 5% of 500.00
    assert (balance(referrer), balance(friend)) == (Decimal("0.000"), Decimal("0.000"))

    assert bookings_complete(now=DEPARTURE + dt.timedelta(days=1)) == 1
    assert bookings_complete(now=DEPARTURE + dt.timedelta(days=2)) == 0

    referral.refresh_from_db()
    commission.refresh_from_db()
    assert (referral.status, referral.qualifying_booking) == (
        CustomerReferral.Status.REWARDED,
        booking,
    )
    assert commission.status == AffiliateCommission.Status.EARNED
    assert bonuses(referrer) == [(Decimal("20.000"), f"referral:{referral.pk}:referrer")]
    assert bonuses(friend) == [(Decimal("10.000"), f"referral:{referral.pk}:referee")]
