"""Concurrent redemptions on PostgreSQL: stock is never oversold, a key charges once, and the
ledgers stay clean."""

from decimal import Decimal

import pytest

from b2c.models import Customer, CustomerReward, CustomerWallet, LoyaltyTransaction, Reward
from b2c.selectors.loyalty import loyalty_ledgers_verify
from b2c.selectors.wallet import ledgers_verify
from b2c.services.loyalty import loyalty_points_grant, reward_redeem
from b2c.tests.loyalty.helpers import program, reward
from core.testing.concurrency import race
from core.testing.factories import CustomerFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_100_concurrent_redemptions_of_a_reward_with_stock_5_issue_exactly_5():
    program()
    customers = [CustomerFactory() for _ in range(100)]
    for index, customer in enumerate(customers):
        loyalty_points_grant(customer=customer, points=500, reason="x", idempotency_key=f"g{index}")
    prize = reward(points_cost=300, stock=5)

    outcomes, errors = race(
        100,
        lambda index: (
            reward_redeem(
                customer=Customer.objects.get(pk=customers[index].pk),
                reward_id=prize.pk,
                idempotency_key=f"redeem-{index}",
            ).customer_reward.pk
        ),
    )

    assert errors == []
    refused = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert set(refused) == {"Out of stock."}
    assert len(refused) == 95
    assert CustomerReward.objects.count() == 5
    assert Reward.objects.get(pk=prize.pk).stock == 0
    assert LoyaltyTransaction.objects.filter(kind="redeem").count() == 5
    assert (
        sorted(Customer.objects.values_list("points_balance", flat=True)) == [200] * 5 + [500] * 95
    )
    assert loyalty_ledgers_verify() == []
    assert ledgers_verify() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_redeem_key_submitted_concurrently_charges_once():
    program()
    customer = CustomerFactory()
    loyalty_points_grant(customer=customer, points=1000, reason="x", idempotency_key="g")
    prize = reward(points_cost=300, stock=10)

    outcomes, errors = race(
        20,
        lambda index: (
            reward_redeem(
                customer=Customer.objects.get(pk=customer.pk),
                reward_id=prize.pk,
                idempotency_key="double-click",
            ).customer_reward.pk
        ),
    )

    assert errors == []
    issued = CustomerReward.objects.get()
    assert outcomes == [issued.pk] * 20
    assert Customer.objects.get(pk=customer.pk).points_balance == 700
    assert Reward.objects.get(pk=prize.pk).stock == 9
    assert LoyaltyTransaction.objects.filter(kind="redeem").count() == 1
    assert loyalty_ledgers_verify() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_by_one_customer_never_overspend():
    program()
    customer = CustomerFactory()
    loyalty_points_grant(customer=customer, points=1000, reason="x", idempotency_key="g")
    prize = reward(points_cost=300)

    outcomes, errors = race(
        10,
        lambda index: (
            reward_redeem(
                customer=Customer.objects.get(pk=customer.pk),
                reward_id=prize.pk,
                idempotency_key=f"k{index}",
            ).customer_reward.pk
        ),
    )

    assert errors == []
    refused = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert set(refused) == {"Not enough points: you have 100, this needs 300."}
    assert len(refused) == 7
    assert Customer.objects.get(pk=customer.pk).points_balance == 100
    assert loyalty_ledgers_verify() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_wallet_credit_redemptions_credit_the_wallet_once_each():
    program()
    customer = CustomerFactory()
    CustomerWallet.objects.filter(customer=customer).update(currency="USD")
    loyalty_points_grant(customer=customer, points=1000, reason="x", idempotency_key="g")
    credit = reward(
        kind="wallet_credit", points_cost=300, value_amount=Decimal("10"), value_currency="USD"
    )

    outcomes, errors = race(
        12,
        lambda index: (
            reward_redeem(
                customer=Customer.objects.get(pk=customer.pk),
                reward_id=credit.pk,
                idempotency_key=f"k{index % 6}",  # each key sent twice
            ).customer_reward.pk
        ),
    )

    assert errors == []
    assert CustomerReward.objects.filter(state="used").count() == 3
    assert CustomerWallet.objects.get(customer=customer).balance == Decimal("30.000")
    assert Customer.objects.get(pk=customer.pk).points_balance == 100
    assert loyalty_ledgers_verify() == []
    assert ledgers_verify() == []
