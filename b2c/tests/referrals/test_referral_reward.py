"""The friend's first flown booking rewards both sides once, within the programme's limits."""

from decimal import Decimal

import pytest

from b2c.models import (
    CustomerReferral,
    CustomerWallet,
    LoyaltyTransaction,
    SavedPaymentMethod,
)
from b2c.services.referrals import referral_booking_completed, referral_record_signup
from b2c.tests.referrals.helpers import (
    balance,
    bonuses,
    booking_for,
    complete,
    loyalty_program,
    pay_by_card,
    points_program,
    wallet_program,
)
from core.testing.factories import CustomerFactory
from payments.fx import exchange_rates_refresh

pytestmark = pytest.mark.django_db
Status = CustomerReferral.Status
Reason = CustomerReferral.RejectReason
ZERO = Decimal("0.000")


@pytest.fixture
def referrer():
    return CustomerFactory(email="amina@example.com")


@pytest.fixture
def friend():
    return CustomerFactory(email="karim@example.com")


def refer(referrer, friend):
    return referral_record_signup(referee=friend, code=referrer.referral_code)


def snapshot(*customers):
    return (
        [balance(c) for c in customers],
        [bonuses(c) for c in customers],
        list(CustomerReferral.objects.order_by("id").values()),
    )


def test_the_first_flown_booking_credits_both_wallets_once(referrer, friend):
    wallet_program()
    referral = refer(referrer, friend)
    booking = complete(booking_for(friend))

    result = referral_booking_completed(booking=booking)
    again = referral_booking_completed(booking=booking)

    assert result == referral
    assert again is None
    referral.refresh_from_db()
    assert referral.status == Status.REWARDED
    assert referral.qualifying_booking == booking
    assert referral.rewarded_at is not None
    assert bonuses(referrer) == [(Decimal("20.000"), f"referral:{referral.pk}:referrer")]
    assert bonuses(friend) == [(Decimal("10.000"), f"referral:{referral.pk}:referee")]
    assert (balance(referrer), balance(friend)) == (Decimal("20.000"), Decimal("10.000"))


def test_a_second_flown_booking_earns_nothing_more(referrer, friend):
    wallet_program()
    refer(referrer, friend)
    referral_booking_completed(booking=complete(booking_for(friend)))
    before = snapshot(referrer, friend)

    assert referral_booking_completed(booking=complete(booking_for(friend))) is None
    assert snapshot(referrer, friend) == before


def test_the_credit_is_converted_to_the_friends_wallet_currency(referrer, friend):
    exchange_rates_refresh()
    wallet_program()
    CustomerWallet.objects.filter(customer=friend).update(currency="AED")
    refer(referrer, friend)

    referral_booking_completed(booking=complete(booking_for(friend)))

    entry = CustomerWallet.objects.get(customer=friend).transactions.get()
    assert (entry.amount, entry.currency, entry.original_amount, entry.original_currency) == (
        Decimal("36.720"),
        "AED",
        Decimal("10.000"),
        "USD",
    )
    assert balance(friend) == Decimal("36.720")
    assert balance(referrer) == Decimal("20.000")


def test_a_booking_of_someone_not_referred_changes_nothing(referrer, friend):
    wallet_program()
    before = snapshot(referrer, friend)

    assert referral_booking_completed(booking=complete(booking_for(friend))) is None
    assert snapshot(referrer, friend) == before


@pytest.mark.parametrize("where", ["payment", "saved_card"])
def test_a_card_shared_with_the_referrer_is_refused(referrer, friend, where):
    wallet_program()
    refer(referrer, friend)
    pay_by_card(booking_for(referrer), fingerprint="fp-shared")
    booking = complete(booking_for(friend))
    if where == "payment":
        pay_by_card(booking, fingerprint="fp-shared")
    else:
        SavedPaymentMethod.objects.create(
            customer=friend,
            token="tok_1",
            brand="visa",
            last4="4242",
            exp_month=12,
            exp_year=2040,
            fingerprint="fp-shared",
        )

    result = referral_booking_completed(booking=booking)

    assert (result.status, result.reject_reason) == (Status.REJECTED, Reason.SAME_PERSON)
    assert result.rewarded_at is None and result.qualifying_booking is None
    assert (bonuses(referrer), bonuses(friend)) == ([], [])
    assert (balance(referrer), balance(friend)) == (ZERO, ZERO)


def test_different_cards_are_rewarded(referrer, friend):
    wallet_program()
    refer(referrer, friend)
    pay_by_card(booking_for(referrer), fingerprint="fp-amina")
    booking = complete(booking_for(friend))
    pay_by_card(booking, fingerprint="fp-karim")

    assert referral_booking_completed(booking=booking).status == Status.REWARDED


def test_an_email_changed_to_the_referrers_mailbox_is_refused_at_completion(referrer, friend):
    wallet_program()
    refer(referrer, friend)
    friend.user.email = "Amina+second@example.com"
    friend.user.save(update_fields=["email"])

    result = referral_booking_completed(booking=complete(booking_for(friend)))

    assert (result.status, result.reject_reason) == (Status.REJECTED, Reason.SAME_PERSON)
    assert (balance(referrer), balance(friend)) == (ZERO, ZERO)


def test_the_cap_per_referrer(referrer):
    wallet_program(max_rewards_per_referrer=2)
    friends = [CustomerFactory() for _ in range(3)]
    referrals = [refer(referrer, friend) for friend in friends]

    results = [
        referral_booking_completed(booking=complete(booking_for(friend))) for friend in friends
    ]

    assert [(r.pk, r.status, r.reject_reason) for r in results] == [
        (referrals[0].pk, Status.REWARDED, ""),
        (referrals[1].pk, Status.REWARDED, ""),
        (referrals[2].pk, Status.REJECTED, Reason.CAP),
    ]
    assert balance(referrer) == Decimal("40.000")
    assert [balance(friend) for friend in friends] == [Decimal("10.000"), Decimal("10.000"), ZERO]


def test_a_rejected_signup_is_not_rewarded_later(friend):
    wallet_program()
    twin = CustomerFactory(email="karim+twin@example.com")
    referral = refer(twin, friend)
    assert referral.status == Status.REJECTED

    assert referral_booking_completed(booking=complete(booking_for(friend))) is None
    assert (balance(twin), balance(friend)) == (ZERO, ZERO)


def test_points_programme_grants_points_to_both_once(referrer, friend):
    loyalty_program()
    points_program()
    referral = refer(referrer, friend)
    booking = complete(booking_for(friend))

    referral_booking_completed(booking=booking)
    referral_booking_completed(booking=booking)

    referrer.refresh_from_db()
    friend.refresh_from_db()
    assert (referrer.points_balance, friend.points_balance) == (500, 250)
    entries = LoyaltyTransaction.objects.order_by("idempotency_key")
    assert list(entries.values_list("customer", "points", "idempotency_key")) == [
        (friend.pk, 250, f"referral:{referral.pk}:referee"),
        (referrer.pk, 500, f"referral:{referral.pk}:referrer"),
    ]
    assert (bonuses(referrer), bonuses(friend)) == ([], [])
