"""The quickstart's demo data: programmes, rewards and a demo customer who can redeem at once."""

import pytest
from django.core.management import call_command

from b2c.models import (
    AffiliatePartner,
    Customer,
    LoyaltyProgram,
    LoyaltyTransaction,
    ReferralProgram,
    Reward,
)
from b2c.selectors.loyalty import loyalty_ledgers_verify, reward_text
from b2c.selectors.wallet import ledgers_verify

pytestmark = pytest.mark.django_db


def test_seed_demo_sets_up_the_money_programmes_once():
    for _ in range(2):  # running it again changes nothing
        call_command("seed_demo", "--force", "--days", "1", "--routes", "2", verbosity=0)

    assert LoyaltyProgram.objects.filter(is_active=True).count() == 1
    assert ReferralProgram.objects.filter(is_active=True).count() == 1
    assert list(AffiliatePartner.objects.values_list("code", flat=True)) == ["desert-blog"]
    rewards = list(Reward.objects.order_by("position"))
    assert [(r.kind, r.points_cost) for r in rewards] == [
        ("wallet_credit", 1000),
        ("discount_voucher", 2000),
        ("lounge_pass", 3000),
        ("upgrade", 8000),
    ]
    for language in ("ar", "bn", "ur"):
        assert all(reward_text(r, language)[0] != r.name for r in rewards)
    demo = Customer.objects.get(user__email="demo@safar.example")
    assert (demo.points_balance, demo.points_pending) == (1500, 0)
    assert LoyaltyTransaction.objects.filter(customer=demo).count() == 1
    assert ledgers_verify() == [] and loyalty_ledgers_verify() == []


def test_the_demo_customer_has_a_flown_trip_to_review():
    from b2c.selectors.reviews import reviewable_bookings

    for _ in range(2):  # running it again changes nothing
        call_command("seed_demo", "--force", "--days", "1", "--routes", "2", verbosity=0)

    demo = Customer.objects.get(user__email="demo@safar.example")
    ((booking, flights),) = reviewable_bookings(customer=demo)
    assert booking.reference == "DMOFLY"
    assert [(f.designator, f.origin.iata_code, f.destination.iata_code) for f in flights] == [
        ("EK1", "DXB", "LHR")
    ]
