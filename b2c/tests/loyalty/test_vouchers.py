"""Discount vouchers at booking payment: checked, used, released; only the customer's own."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from b2c.models import CustomerReward
from b2c.services.loyalty import (
    loyalty_points_grant,
    reward_redeem,
    reward_voucher_check,
    reward_voucher_release,
    reward_voucher_use,
)
from b2c.tests.loyalty.helpers import booking, program, reward
from core.exceptions import ApplicationError
from payments.fx import exchange_rates_refresh

pytestmark = pytest.mark.django_db
NOW = "2030-03-01 09:00:00"


@pytest.fixture
def voucher(customer):
    program()
    loyalty_points_grant(customer=customer, points=1000, reason="x", idempotency_key="g")
    prize = reward(
        name="25 USD off",
        kind="discount_voucher",
        points_cost=800,
        value_amount=Decimal("25.00"),
        value_currency="USD",
        validity_days=10,
    )
    return reward_redeem(customer=customer, reward_id=prize.pk, idempotency_key="k").customer_reward


def state(voucher):
    return CustomerReward.objects.values_list("state", "booking_id", "used_at").get(pk=voucher.pk)


def test_check_gives_the_discount_in_the_bookings_currency_and_writes_nothing(customer, voucher):
    exchange_rates_refresh()
    trip = booking(customer, total="1875.00", currency="SAR")

    found, discount = reward_voucher_check(
        customer=customer, code=f"  {voucher.code.lower()} ", booking=trip
    )

    assert (found.pk, discount) == (voucher.pk, Decimal("93.75"))
    assert state(voucher) == ("issued", None, None)


def test_the_discount_is_at_most_the_total(customer, voucher):
    trip = booking(customer, total="20.00")
    assert reward_voucher_check(customer=customer, code=voucher.code, booking=trip)[1] == Decimal(
        "20.00"
    )


@freeze_time(NOW)
def test_use_marks_the_voucher_used_on_the_booking_and_a_retry_is_accepted(customer):
    program()
    loyalty_points_grant(customer=customer, points=1000, reason="x", idempotency_key="g")
    prize = reward(
        kind="discount_voucher", points_cost=800, value_amount=Decimal("25"), value_currency="USD"
    )
    voucher = reward_redeem(customer=customer, reward_id=prize.pk, idempotency_key="k")
    voucher = voucher.customer_reward
    trip = booking(customer)

    used, discount = reward_voucher_use(customer=customer, code=voucher.code, booking=trip)
    retry, _ = reward_voucher_use(customer=customer, code=voucher.code, booking=trip)

    assert (used.pk, retry.pk, discount) == (voucher.pk, voucher.pk, Decimal("25.000"))
    assert state(voucher) == ("used", trip.pk, timezone.now())


def test_someone_elses_code_answers_like_an_unknown_code(customer, other_customer, voucher):
    trip = booking(other_customer)
    for code in (voucher.code, "NOSUCHCODE", ""):
        with pytest.raises(ApplicationError) as exc:
            reward_voucher_use(customer=other_customer, code=code, booking=trip)
        assert exc.value.extra == {"voucher": ["This voucher code is not valid."]}
    assert state(voucher) == ("issued", None, None)


def test_a_used_expired_or_cancelled_voucher_is_refused(customer, voucher):
    first, second = booking(customer), booking(customer)
    reward_voucher_use(customer=customer, code=voucher.code, booking=first)
    cases = [
        ({}, "This voucher has already been used."),
        (
            {"state": "issued", "booking": None, "expires_at": timezone.now()},
            "This voucher has expired.",
        ),
        ({"state": "expired", "booking": None}, "This voucher has expired."),
        ({"state": "cancelled", "booking": None}, "This voucher was cancelled."),
    ]
    for fields, message in cases:
        CustomerReward.objects.filter(pk=voucher.pk).update(**fields)
        before = state(voucher)
        with pytest.raises(ApplicationError) as exc:
            reward_voucher_use(customer=customer, code=voucher.code, booking=second)
        assert exc.value.extra == {"voucher": [message]}
        assert state(voucher) == before


def test_a_reward_that_is_not_a_voucher_is_refused(customer):
    program()
    loyalty_points_grant(customer=customer, points=1000, reason="x", idempotency_key="g")
    lounge = reward_redeem(
        customer=customer, reward_id=reward(points_cost=100).pk, idempotency_key="k"
    ).customer_reward
    with pytest.raises(ApplicationError) as exc:
        reward_voucher_check(customer=customer, code=lounge.code, booking=booking(customer))
    assert exc.value.extra == {"voucher": ["This code is not a discount voucher."]}


def test_release_makes_the_voucher_usable_again_or_expired(customer, voucher):
    trip = booking(customer, status="held")
    reward_voucher_use(customer=customer, code=voucher.code, booking=trip)
    trip.voucher = voucher
    trip.save()

    reward_voucher_release(booking=trip)
    reward_voucher_release(booking=trip)
    assert state(voucher) == ("issued", None, None)

    other = booking(customer, status="held")
    reward_voucher_use(customer=customer, code=voucher.code, booking=other)
    other.voucher = CustomerReward.objects.get(pk=voucher.pk)
    trip.voucher = None
    trip.save()
    other.save()
    with freeze_time(timezone.now() + dt.timedelta(days=11)):
        reward_voucher_release(booking=other)
    assert state(voucher) == ("expired", None, None)
