"""Redeeming rewards: lots consumed oldest-expiring first, every refusal changes nothing, a key
redeems once, a wallet credit reaches the wallet; staff adjustments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from b2c.models import Customer, CustomerReward, LoyaltyTransaction, Reward, WalletTransaction
from b2c.selectors.loyalty import loyalty_ledgers_verify
from b2c.services.loyalty import (
    REWARD_CODE_ALPHABET,
    RewardNotFound,
    customer_reward_cancel,
    loyalty_adjust,
    loyalty_points_grant,
    reward_redeem,
)
from b2c.tests.loyalty.helpers import balances, program, reward, set_expiry, snapshot
from core.exceptions import ApplicationError
from core.testing.factories import UserFactory

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
def test_redeeming_consumes_the_oldest_expiring_lots_first(customer, loyalty):
    late = grant(customer, 400, "late", expires_in_days=300)
    soon = grant(customer, 300, "soon", expires_in_days=20)
    middle = grant(customer, 500, "middle", expires_in_days=100)
    lounge = reward(points_cost=600, stock=3, validity_days=30)

    result = reward_redeem(customer=customer, reward_id=lounge.pk, idempotency_key="k1")

    issued = result.customer_reward
    assert result.created is True
    assert (issued.state, issued.points_spent, issued.reward_id) == ("issued", 600, lounge.pk)
    assert issued.expires_at == timezone.now() + dt.timedelta(days=30)
    assert len(issued.code) == 10 and set(issued.code) <= set(REWARD_CODE_ALPHABET)
    entry = LoyaltyTransaction.objects.get(kind=Kind.REDEEM)
    assert (entry.points, entry.balance_after, entry.customer_reward_id) == (-600, 600, issued.pk)
    assert entry.consumed == [[soon.pk, 300], [middle.pk, 300]]
    remaining = dict(
        LoyaltyTransaction.objects.filter(kind=Kind.EARN).values_list("pk", "remaining")
    )
    assert remaining == {late.pk: 400, soon.pk: 0, middle.pk: 200}
    assert Reward.objects.get(pk=lounge.pk).stock == 2
    assert customer.points_balance == 600
    assert balances(customer) == (600, 0)
    assert loyalty_ledgers_verify() == []


def test_the_same_key_redeems_once(customer, loyalty):
    grant(customer, 1000, "g")
    lounge = reward(points_cost=400, stock=5)

    first = reward_redeem(customer=customer, reward_id=lounge.pk, idempotency_key="dbl")
    second = reward_redeem(customer=customer, reward_id=lounge.pk, idempotency_key="dbl")

    assert (first.created, second.created) == (True, False)
    assert second.customer_reward.pk == first.customer_reward.pk
    assert CustomerReward.objects.count() == 1
    assert LoyaltyTransaction.objects.filter(kind=Kind.REDEEM).count() == 1
    assert balances(customer) == (600, 0)
    assert Reward.objects.get(pk=lounge.pk).stock == 4


def test_the_same_key_for_another_reward_is_refused(customer, loyalty):
    grant(customer, 1000, "g")
    lounge, bags = reward(points_cost=400), reward(name="Bag", points_cost=300)
    reward_redeem(customer=customer, reward_id=lounge.pk, idempotency_key="k")
    before = snapshot(customer)

    with pytest.raises(ApplicationError) as exc:
        reward_redeem(customer=customer, reward_id=bags.pk, idempotency_key="k")

    assert exc.value.extra == {
        "idempotency_key": ["This idempotency key was already used to redeem another reward."]
    }
    assert snapshot(customer) == before


def test_two_customers_may_use_the_same_key(customer, other_customer, loyalty):
    grant(customer, 500, "g1")
    grant(other_customer, 500, "g2")
    lounge = reward(points_cost=500)

    mine = reward_redeem(customer=customer, reward_id=lounge.pk, idempotency_key="same")
    theirs = reward_redeem(customer=other_customer, reward_id=lounge.pk, idempotency_key="same")

    assert (mine.created, theirs.created) == (True, True)
    assert mine.customer_reward.customer_id == customer.pk
    assert theirs.customer_reward.customer_id == other_customer.pk


@freeze_time(NOW)
@pytest.mark.parametrize(
    "fields, tier, points, field, message",
    [
        ({"min_tier": "gold"}, "silver", 1000, "reward", "For Gold members and above."),
        (
            {"available_from": dt.datetime(2030, 4, 1, tzinfo=dt.UTC)},
            "bronze",
            1000,
            "reward",
            "Available from April 1, 2030.",
        ),
        (
            {"available_until": dt.datetime(2030, 3, 1, 9, tzinfo=dt.UTC)},
            "bronze",
            1000,
            "reward",
            "No longer available.",
        ),
        ({"stock": 0}, "bronze", 1000, "reward", "Out of stock."),
        ({}, "bronze", 499, "points", "Not enough points: you have 499, this needs 500."),
    ],
)
def test_a_refused_redemption_says_why_and_changes_nothing(
    customer, loyalty, fields, tier, points, field, message
):
    grant(customer, points, "g")
    Customer.objects.filter(pk=customer.pk).update(loyalty_tier=tier)
    prize = reward(points_cost=500, **fields)
    before = snapshot(customer)

    with pytest.raises(ApplicationError) as exc:
        reward_redeem(customer=customer, reward_id=prize.pk, idempotency_key="k")

    assert exc.value.message == message
    assert exc.value.extra == {field: [message]}
    assert snapshot(customer) == before


def test_an_inactive_or_unknown_reward_is_not_found(customer, loyalty):
    grant(customer, 1000, "g")
    hidden = reward(is_active=False)
    before = snapshot(customer)

    for reward_id in (hidden.pk, hidden.pk + 100):
        with pytest.raises(RewardNotFound) as exc:
            reward_redeem(customer=customer, reward_id=reward_id, idempotency_key="k")
        assert exc.value.extra == {"reward": ["This reward was not found."]}
    assert snapshot(customer) == before


def test_points_of_lapsed_lots_cannot_be_spent(customer, loyalty):
    grant(customer, 400, "old", expires_in_days=-1)
    grant(customer, 300, "new", expires_in_days=50)
    prize = reward(points_cost=500)
    before = snapshot(customer)

    with pytest.raises(ApplicationError) as exc:
        reward_redeem(customer=customer, reward_id=prize.pk, idempotency_key="k")

    assert exc.value.message == "Not enough points: you have 300, this needs 500."
    assert snapshot(customer) == before  # the expiry written on the way was rolled back too


def test_a_wallet_credit_reward_credits_the_wallet_at_once(customer, loyalty):
    grant(customer, 2000, "g")
    credit = reward(
        name="10 USD credit",
        kind="wallet_credit",
        points_cost=1500,
        value_amount=Decimal("10.00"),
        value_currency="USD",
    )
    customer.wallet.__class__.objects.filter(pk=customer.wallet.pk).update(currency="USD")

    result = reward_redeem(customer=customer, reward_id=credit.pk, idempotency_key="k")
    again = reward_redeem(customer=customer, reward_id=credit.pk, idempotency_key="k")

    issued = result.customer_reward
    assert (issued.state, issued.value_amount, issued.value_currency) == (
        "used",
        Decimal("10.00"),
        "USD",
    )
    assert issued.used_at is not None
    assert again.created is False
    entry = WalletTransaction.objects.get()
    assert (entry.kind, entry.amount, entry.balance_after, entry.customer_reward_id) == (
        "reward_credit",
        Decimal("10.000"),
        Decimal("10.000"),
        issued.pk,
    )
    customer.wallet.refresh_from_db()
    assert customer.wallet.balance == Decimal("10.000")
    assert balances(customer) == (500, 0)


def test_unlimited_stock_stays_unlimited(customer, loyalty):
    grant(customer, 1000, "g")
    prize = reward(points_cost=100, stock=None)
    for key in ("a", "b", "c"):
        reward_redeem(customer=customer, reward_id=prize.pk, idempotency_key=key)
    assert Reward.objects.get(pk=prize.pk).stock is None
    assert balances(customer) == (700, 0)


@freeze_time(NOW)
def test_staff_adjustments_add_a_lot_or_spend_lots_with_a_reason(customer, loyalty):
    staff = UserFactory(is_staff=True)
    grant(customer, 100, "g", expires_in_days=10)

    added = loyalty_adjust(
        customer=customer, points=50, reason="Goodwill", user=staff, idempotency_key="a1"
    )
    taken = loyalty_adjust(
        customer=customer, points=-120, reason="Double credit", user=staff, idempotency_key="a2"
    )
    again = loyalty_adjust(
        customer=customer, points=-120, reason="Double credit", user=staff, idempotency_key="a2"
    )

    assert (added.kind, added.points, added.balance_after, added.remaining) == (
        "adjust",
        50,
        150,
        50,
    )
    assert (added.created_by_id, added.reason) == (staff.pk, "Goodwill")
    assert (taken.points, taken.balance_after) == (-120, 30)
    assert taken.consumed[0][1] == 100 and taken.consumed[1] == [added.pk, 20]
    assert again.pk == taken.pk
    assert balances(customer) == (30, 0)
    assert loyalty_ledgers_verify() == []


@pytest.mark.parametrize(
    "points, reason, extra",
    [
        (-31, "x", {"points": ["Not enough points: you have 30, this needs 31."]}),
        (0, "x", {"points": ["The points must be a whole number other than zero."]}),
        (10, "  ", {"reason": ["Give a reason for the adjustment."]}),
    ],
)
def test_a_refused_adjustment_changes_nothing(customer, loyalty, points, reason, extra):
    grant(customer, 30, "g")
    before = snapshot(customer)
    with pytest.raises(ApplicationError) as exc:
        loyalty_adjust(
            customer=customer, points=points, reason=reason, user=None, idempotency_key="k"
        )
    assert exc.value.extra == extra
    assert snapshot(customer) == before


def test_staff_cancel_an_issued_reward_and_its_points_come_back(customer, loyalty):
    grant(customer, 600, "g")
    issued = reward_redeem(
        customer=customer, reward_id=reward(points_cost=600).pk, idempotency_key="k"
    ).customer_reward

    customer_reward_cancel(customer_reward=issued, reason="Lounge closed")

    issued.refresh_from_db()
    assert issued.state == "cancelled"
    assert balances(customer) == (600, 0)
    with pytest.raises(ApplicationError):
        customer_reward_cancel(customer_reward=issued, reason="again")
    assert balances(customer) == (600, 0)
    assert loyalty_ledgers_verify() == []
