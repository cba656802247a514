"""Referees of one referrer flying at the same moment, on PostgreSQL: the cap holds, each side
is credited once, and every wallet still equals its ledger."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, transaction

import b2c.services.referrals as referrals_services
from b2c.models import CustomerReferral, WalletTransaction
from b2c.selectors.wallet import ledgers_verify
from b2c.services.referrals import referral_booking_completed, referral_record_signup
from b2c.tests.referrals.helpers import balance, booking_for, complete, wallet_program
from bookings.models import Booking
from core.testing.factories import CustomerFactory

Status = CustomerReferral.Status


def race(items, action):
    start = threading.Barrier(len(items))
    errors = []

    def attempt(item):
        try:
            start.wait()
            with transaction.atomic():  # as bookings_complete calls it
                action(item)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        list(pool.map(attempt, items))
    return errors


@pytest.fixture
def slow_checks(monkeypatch):
    """Widen the window between reading the referrer's rewards and writing one: without the
    lock on the referrer, every thread would count the same rewards and all pay."""
    checked = referrals_services._shares_a_card

    def slowly(a, b):
        time.sleep(0.05)
        return checked(a, b)

    monkeypatch.setattr(referrals_services, "_shares_a_card", slowly)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_completions_never_exceed_the_cap(slow_checks):
    wallet_program(max_rewards_per_referrer=3)
    referrer = CustomerFactory()
    friends = [CustomerFactory() for _ in range(10)]
    for friend in friends:
        referral_record_signup(referee=friend, code=referrer.referral_code)
    bookings = [complete(booking_for(friend)).pk for friend in friends]

    errors = race(
        bookings,
        lambda pk: referral_booking_completed(booking=Booking.objects.get(pk=pk)),
    )

    assert errors == []
    referrals = CustomerReferral.objects.filter(referrer=referrer)
    assert referrals.filter(status=Status.REWARDED).count() == 3
    assert referrals.filter(status=Status.REJECTED, reject_reason="cap").count() == 7
    assert balance(referrer) == Decimal("60.000")
    rewarded = {r.referee_id for r in referrals.filter(status=Status.REWARDED)}
    assert (
        sorted(balance(friend) for friend in friends)
        == [Decimal("0.000")] * 7 + [Decimal("10.000")] * 3
    )
    assert {f.pk for f in friends if balance(f) == Decimal("10.000")} == rewarded
    assert WalletTransaction.objects.count() == 6
    assert ledgers_verify() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_completion_reward_once(slow_checks):
    wallet_program()
    referrer, friend = CustomerFactory(), CustomerFactory()
    referral = referral_record_signup(referee=friend, code=referrer.referral_code)
    pk = complete(booking_for(friend)).pk

    errors = race(
        [pk] * 8,
        lambda pk: referral_booking_completed(booking=Booking.objects.get(pk=pk)),
    )

    assert errors == []
    referral.refresh_from_db()
    assert referral.status == Status.REWARDED
    assert (balance(referrer), balance(friend)) == (Decimal("20.000"), Decimal("10.000"))
    assert WalletTransaction.objects.count() == 2
    assert ledgers_verify() == []
