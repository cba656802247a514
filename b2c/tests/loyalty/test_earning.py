"""Points earned on bookings: pending until flown, released into a lot, voided on cancellation;
grants of points; the tier multiplier and the programme's currency."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from b2c.models import Customer, CustomerReward, LoyaltyTransaction
from b2c.selectors.loyalty import loyalty_ledgers_verify
from b2c.services.loyalty import (
    add_months,
    loyalty_booking_cancelled,
    loyalty_booking_completed,
    loyalty_booking_confirmed,
    loyalty_points_grant,
    reward_redeem,
    reward_voucher_use,
)
from b2c.tests.loyalty.helpers import balances, booking, program, reward, set_expiry, snapshot
from core.exceptions import ApplicationError
from payments.fx import exchange_rates_refresh

pytestmark = pytest.mark.django_db
Kind = LoyaltyTransaction.Kind
Status = LoyaltyTransaction.Status
NOW = "2030-03-01 09:00:00"


@pytest.fixture
def loyalty(db):
    return program()


def test_a_confirmed_booking_earns_pending_points(customer, loyalty):
    trip = booking(customer, total="500.00")

    entry = loyalty_booking_confirmed(booking=trip)

    assert (entry.kind, entry.status, entry.points, entry.balance_after) == (
        Kind.EARN,
        Status.PENDING,
        1000,
        None,
    )
    assert (entry.remaining, entry.expires_at, entry.booking_id) == (0, None, trip.pk)
    assert balances(customer) == (0, 1000)
    assert loyalty_ledgers_verify() == []


def test_the_tier_multiplier_and_the_programme_currency_apply(customer, loyalty):
    exchange_rates_refresh()
    Customer.objects.filter(pk=customer.pk).update(loyalty_tier="silver")
    # 1875 SAR at 3.75 SAR a dollar is 500 USD; 2 points a dollar; Silver earns x1.25.
    trip = booking(customer, total="1875.00", currency="SAR")

    entry = loyalty_booking_confirmed(booking=trip)

    assert entry.points == 1250
    assert balances(customer) == (0, 1250)


def test_points_are_earned_on_what_was_paid_after_a_voucher_and_rounded_down(customer, loyalty):
    trip = booking(customer, total="500.00", discount="100.01")

    entry = loyalty_booking_confirmed(booking=trip)

    assert entry.points == 799  # 399.99 x 2 = 799.98, rounded down


def test_confirming_twice_earns_once(customer, loyalty):
    trip = booking(customer)

    first = loyalty_booking_confirmed(booking=trip)
    second = loyalty_booking_confirmed(booking=trip)

    assert first.pk == second.pk
    assert LoyaltyTransaction.objects.count() == 1
    assert balances(customer) == (0, 1000)


def test_no_programme_or_no_points_earns_nothing(customer):
    assert loyalty_booking_confirmed(booking=booking(customer)) is None
    program()
    assert loyalty_booking_confirmed(booking=booking(customer, total="0.40")) is None
    assert LoyaltyTransaction.objects.count() == 0
    assert balances(customer) == (0, 0)


@freeze_time(NOW)
def test_a_flown_trip_releases_its_points_into_a_lot(customer, loyalty):
    trip = booking(customer)
    pending = loyalty_booking_confirmed(booking=trip)

    lot = loyalty_booking_completed(booking=trip)
    again = loyalty_booking_completed(booking=trip)

    pending.refresh_from_db()
    assert (pending.status, pending.settled_at) == (Status.RELEASED, timezone.now())
    assert again.pk == lot.pk
    assert (lot.kind, lot.status, lot.points, lot.balance_after, lot.remaining) == (
        Kind.EARN,
        Status.POSTED,
        1000,
        1000,
        1000,
    )
    assert lot.releases_id == pending.pk
    assert lot.expires_at == dt.datetime(2032, 3, 1, 9, 0, tzinfo=dt.UTC)
    assert balances(customer) == (1000, 0)
    assert LoyaltyTransaction.objects.count() == 2
    assert loyalty_ledgers_verify() == []


def test_a_cancelled_booking_voids_its_pending_points(customer, loyalty):
    trip = booking(customer)
    pending = loyalty_booking_confirmed(booking=trip)

    loyalty_booking_cancelled(booking=trip)
    loyalty_booking_cancelled(booking=trip)

    pending.refresh_from_db()
    assert pending.status == Status.VOIDED
    assert pending.settled_at is not None
    assert balances(customer) == (0, 0)
    assert loyalty_booking_completed(booking=trip) is None
    assert LoyaltyTransaction.objects.count() == 1
    assert loyalty_ledgers_verify() == []


@freeze_time(NOW)
def test_the_points_of_a_voucher_used_on_a_cancelled_booking_come_back(customer, loyalty):
    voucher_reward = reward(
        kind="discount_voucher", points_cost=700, value_amount=Decimal("50"), value_currency="USD"
    )
    old = loyalty_points_grant(customer=customer, points=400, reason="bonus", idempotency_key="a")
    new = loyalty_points_grant(customer=customer, points=600, reason="bonus", idempotency_key="b")
    set_expiry(old, timezone.now() + dt.timedelta(days=100))
    set_expiry(new, timezone.now() + dt.timedelta(days=300))
    voucher = reward_redeem(customer=customer, reward_id=voucher_reward.pk, idempotency_key="r")
    trip = booking(customer, total="500.00")
    voucher, discount = reward_voucher_use(
        customer=customer, code=voucher.customer_reward.code, booking=trip
    )
    trip.voucher, trip.discount_total = voucher, discount
    trip.save()
    assert balances(customer) == (300, 0)

    loyalty_booking_cancelled(booking=trip)
    loyalty_booking_cancelled(booking=trip)

    voucher.refresh_from_db()
    assert voucher.state == CustomerReward.State.CANCELLED
    back = LoyaltyTransaction.objects.get(kind=Kind.REVERSE)
    redemption = LoyaltyTransaction.objects.get(kind=Kind.REDEEM)
    assert (back.points, back.balance_after, back.remaining) == (700, 1000, 700)
    assert back.reverses_id == redemption.pk
    assert back.expires_at == timezone.now() + dt.timedelta(days=300)
    assert balances(customer) == (1000, 0)
    assert loyalty_ledgers_verify() == []


@freeze_time(NOW)
def test_returned_voucher_points_whose_lots_lapsed_last_30_days(customer, loyalty):
    voucher_reward = reward(
        kind="discount_voucher", points_cost=300, value_amount=Decimal("20"), value_currency="USD"
    )
    lot = loyalty_points_grant(customer=customer, points=300, reason="x", idempotency_key="a")
    set_expiry(lot, timezone.now() + dt.timedelta(days=5))
    redeemed = reward_redeem(customer=customer, reward_id=voucher_reward.pk, idempotency_key="r")
    trip = booking(customer)
    voucher, discount = reward_voucher_use(
        customer=customer, code=redeemed.customer_reward.code, booking=trip
    )
    trip.voucher, trip.discount_total = voucher, discount
    trip.save()

    with freeze_time("2030-03-20 09:00:00"):
        loyalty_booking_cancelled(booking=trip)

    back = LoyaltyTransaction.objects.get(kind=Kind.REVERSE)
    assert back.expires_at == dt.datetime(2030, 4, 19, 9, 0, tzinfo=dt.UTC)
    assert balances(customer) == (300, 0)


@freeze_time(NOW)
def test_granted_points_are_a_lot_at_once_and_a_retry_grants_once(customer, loyalty):
    entry = loyalty_points_grant(
        customer=customer, points=250, reason="Referral bonus", idempotency_key="ref:1"
    )
    again = loyalty_points_grant(
        customer=customer, points=250, reason="Referral bonus", idempotency_key="ref:1"
    )

    assert again.pk == entry.pk
    assert (entry.kind, entry.status, entry.points, entry.balance_after, entry.remaining) == (
        Kind.EARN,
        Status.POSTED,
        250,
        250,
        250,
    )
    assert entry.expires_at == add_months(timezone.now(), 24)
    assert customer.points_balance == 250
    assert balances(customer) == (250, 0)


@pytest.mark.parametrize("points", [0, -5, 2.5])
def test_a_grant_of_no_or_negative_points_is_refused(customer, loyalty, points):
    before = snapshot(customer)
    with pytest.raises(ApplicationError) as exc:
        loyalty_points_grant(customer=customer, points=points, reason="x", idempotency_key="k")
    assert exc.value.extra == {"points": ["The points must be a whole number greater than zero."]}
    assert snapshot(customer) == before


def test_a_grant_key_reused_for_other_points_is_refused(customer, loyalty):
    loyalty_points_grant(customer=customer, points=250, reason="x", idempotency_key="k")
    before = snapshot(customer)
    with pytest.raises(ApplicationError) as exc:
        loyalty_points_grant(customer=customer, points=300, reason="x", idempotency_key="k")
    assert "idempotency_key" in exc.value.extra
    assert snapshot(customer) == before


def test_add_months_keeps_the_day_or_takes_the_months_last():
    moment = dt.datetime(2030, 1, 31, 9, 0, tzinfo=dt.UTC)
    assert add_months(moment, 1) == dt.datetime(2030, 2, 28, 9, 0, tzinfo=dt.UTC)
    assert add_months(moment, 24) == dt.datetime(2032, 1, 31, 9, 0, tzinfo=dt.UTC)
    assert add_months(moment, -12) == dt.datetime(2029, 1, 31, 9, 0, tzinfo=dt.UTC)
