"""The daily jobs: lapsed lots expire, tiers are reviewed, issued rewards expire; the tier
follows the points; verify_ledgers covers loyalty accounts."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from freezegun import freeze_time

from b2c.models import Customer, CustomerReward, LoyaltyTransaction
from b2c.selectors.loyalty import loyalty_ledgers_verify
from b2c.services.loyalty import (
    customer_rewards_expire,
    loyalty_booking_completed,
    loyalty_booking_confirmed,
    loyalty_points_expire,
    loyalty_points_grant,
    loyalty_tier_update,
    loyalty_tiers_review,
    reward_redeem,
)
from b2c.tasks.loyalty import expire_customer_rewards, expire_points, review_tiers
from b2c.tests.loyalty.helpers import balances, booking, program, reward, set_expiry

pytestmark = pytest.mark.django_db
Kind = LoyaltyTransaction.Kind
NOW = "2030-03-01 09:00:00"


@pytest.fixture
def loyalty(db):
    return program()


def grant(customer, points, key, expires_in_days=None):
    lot = loyalty_points_grant(customer=customer, points=points, reason="test", idempotency_key=key)
    if expires_in_days is not None:
        set_expiry(lot, timezone.now() + dt.timedelta(days=expires_in_days))
    return lot


@freeze_time(NOW)
def test_the_job_expires_exactly_what_remains_of_lapsed_lots(customer, other_customer, loyalty):
    lapsed = grant(customer, 500, "a", expires_in_days=-1)
    alive = grant(customer, 200, "b", expires_in_days=1)
    theirs = grant(other_customer, 80, "c", expires_in_days=0)

    assert loyalty_points_expire() == 2
    assert loyalty_points_expire() == 0

    mine = LoyaltyTransaction.objects.get(kind=Kind.EXPIRE, customer=customer)
    assert (mine.points, mine.balance_after, mine.consumed) == (-500, 200, [[lapsed.pk, 500]])
    other = LoyaltyTransaction.objects.get(kind=Kind.EXPIRE, customer=other_customer)
    assert (other.points, other.balance_after, other.consumed) == (-80, 0, [[theirs.pk, 80]])
    assert LoyaltyTransaction.objects.get(pk=lapsed.pk).remaining == 0
    assert LoyaltyTransaction.objects.get(pk=alive.pk).remaining == 200
    assert balances(customer) == (200, 0)
    assert balances(other_customer) == (0, 0)
    assert loyalty_ledgers_verify() == []


@freeze_time(NOW)
def test_a_partly_spent_lot_expires_its_remainder(customer, loyalty):
    lot = grant(customer, 500, "a", expires_in_days=10)
    later = grant(customer, 100, "b", expires_in_days=400)
    reward_redeem(customer=customer, reward_id=reward(points_cost=320).pk, idempotency_key="r")

    with freeze_time("2030-03-11 09:00:00"):
        assert expire_points() == 1

    entry = LoyaltyTransaction.objects.get(kind=Kind.EXPIRE)
    assert (entry.points, entry.balance_after, entry.consumed) == (-180, 100, [[lot.pk, 180]])
    assert LoyaltyTransaction.objects.get(pk=lot.pk).remaining == 0
    assert LoyaltyTransaction.objects.get(pk=later.pk).remaining == 100
    assert balances(customer) == (100, 0)
    assert loyalty_ledgers_verify() == []


def test_the_tier_rises_when_a_flown_trip_crosses_a_threshold(
    customer, loyalty, django_capture_on_commit_callbacks
):
    Customer.objects.filter(pk=customer.pk).update(preferred_language="ar")
    trip = booking(customer, total="520.00")  # 1040 points
    loyalty_booking_confirmed(booking=trip)
    assert Customer.objects.get(pk=customer.pk).loyalty_tier == "bronze"  # pending: not yet

    with freeze_time(NOW), django_capture_on_commit_callbacks(execute=True):
        loyalty_booking_completed(booking=trip)

    fresh = Customer.objects.get(pk=customer.pk)
    assert fresh.loyalty_tier == "silver"
    assert fresh.tier_review_at == dt.datetime(2031, 3, 1, 9, 0, tzinfo=dt.UTC)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [customer.user.email]


def test_the_tier_email_is_in_english_for_an_english_customer(
    customer, loyalty, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        grant(customer, 5000, "big")
    assert Customer.objects.get(pk=customer.pk).loyalty_tier == "gold"
    assert [m.subject for m in mail.outbox] == ["Your Safar loyalty tier is now Gold"]
    assert "Congratulations: you have reached Gold" in mail.outbox[0].body


def test_the_tier_never_falls_outside_a_review(customer, loyalty):
    Customer.objects.filter(pk=customer.pk).update(loyalty_tier="platinum")
    grant(customer, 10, "small")
    assert loyalty_tier_update(customer=customer) == "platinum"
    assert Customer.objects.get(pk=customer.pk).loyalty_tier == "platinum"


def test_the_review_sets_the_tier_from_the_window_and_may_lower_it(
    customer, other_customer, loyalty, django_capture_on_commit_callbacks
):
    with freeze_time("2029-01-15 09:00:00"):
        grant(customer, 5200, "old")  # gold; outside the window by the review
    with freeze_time("2029-06-01 09:00:00"):
        grant(customer, 1100, "recent")  # inside the window: silver
        grant(other_customer, 1200, "theirs")
    assert Customer.objects.get(pk=customer.pk).loyalty_tier == "gold"
    Customer.objects.filter(pk=other_customer.pk).update(
        tier_review_at=dt.datetime(2030, 6, 1, tzinfo=dt.UTC)
    )

    with freeze_time("2030-01-16 09:00:00"), django_capture_on_commit_callbacks(execute=True):
        assert review_tiers() == 1
        assert loyalty_tiers_review() == 0

    fresh = Customer.objects.get(pk=customer.pk)
    assert fresh.loyalty_tier == "silver"
    assert fresh.tier_review_at == dt.datetime(2031, 1, 16, 9, 0, tzinfo=dt.UTC)
    assert Customer.objects.get(pk=other_customer.pk).loyalty_tier == "silver"
    assert [m.subject for m in mail.outbox] == ["Your Safar loyalty tier is now Silver"]
    assert "from Gold to Silver" in mail.outbox[0].body


def test_a_review_back_to_bronze_schedules_no_further_review(customer, loyalty):
    Customer.objects.filter(pk=customer.pk).update(
        loyalty_tier="silver", tier_review_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert loyalty_tiers_review() == 1
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.loyalty_tier, fresh.tier_review_at) == ("bronze", None)


@freeze_time(NOW)
def test_issued_rewards_past_their_date_expire(customer, loyalty):
    grant(customer, 1000, "g")
    short = reward(points_cost=100, validity_days=1)
    longer = reward(points_cost=100, validity_days=30)
    first = reward_redeem(customer=customer, reward_id=short.pk, idempotency_key="1")
    second = reward_redeem(customer=customer, reward_id=longer.pk, idempotency_key="2")

    with freeze_time("2030-03-02 09:00:00"):
        assert expire_customer_rewards() == 1
        assert customer_rewards_expire() == 0

    states = dict(CustomerReward.objects.values_list("pk", "state"))
    assert states == {first.customer_reward.pk: "expired", second.customer_reward.pk: "issued"}


def test_the_commands_run_the_jobs(customer, loyalty):
    grant(customer, 70, "g", expires_in_days=-1)
    out = StringIO()
    call_command("expire_points", stdout=out)
    call_command("review_tiers", stdout=out)
    assert out.getvalue() == "Expired 1 point lot(s) and 0 reward(s).\nChanged 0 tier(s).\n"
    assert balances(customer) == (0, 0)


def test_verify_ledgers_checks_loyalty_accounts(customer, loyalty):
    lot = grant(customer, 300, "g")
    out = StringIO()
    call_command("verify_ledgers", stdout=out)
    assert "All 1 loyalty accounts balance." in out.getvalue()

    Customer.objects.filter(pk=customer.pk).update(points_balance=350, points_pending=5)
    LoyaltyTransaction.objects.filter(pk=lot.pk).update(remaining=250, balance_after=310)
    email = customer.user.email
    assert loyalty_ledgers_verify() == [
        f"Customer {customer.pk} ({email}): points balance 350 but its posted entries sum to 300.",
        f"Customer {customer.pk} ({email}): pending points 5 but its pending entries sum to 0.",
        f"Customer {customer.pk} ({email}): points balance 350 but its lots hold 250.",
        f"Customer {customer.pk} ({email}): entry {lot.pk} has balance_after 310, but the "
        "posted entries up to it sum to 300.",
    ]
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify_ledgers", stdout=StringIO(), stderr=err)
    assert str(exc.value) == "4 ledger mismatch(es) found."
    assert len(err.getvalue().splitlines()) == 4
