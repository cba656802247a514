"""A friend's link, the sign-up that follows it, and who may be referred."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from b2c.models import CustomerReferral, WalletTransaction
from b2c.selectors.referrals import REFERRAL_COOKIE
from b2c.services.referrals import email_normalise, referral_record_signup
from b2c.tests.referrals.helpers import balance, wallet_program
from core.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
STRONG = "Travel-safely-2026!"


def signup(client, email):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": STRONG, "password2": STRONG}
    )


@pytest.fixture
def program():
    return wallet_program()


@pytest.fixture
def referrer():
    return CustomerFactory(email="amina@example.com")


def test_the_link_remembers_the_code_and_the_sign_up_records_the_referral(
    client, program, referrer
):
    link = client.get(f"/r/{referrer.referral_code.lower()}/")

    assert link.status_code == 302
    assert link.url == reverse("account_signup")
    cookie = link.cookies[REFERRAL_COOKIE]
    assert cookie["max-age"] == 30 * 24 * 60 * 60
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"

    response = signup(client, "Friend@Example.com")

    assert response.status_code == 302
    friend = User.objects.get(email="friend@example.com").customer
    referral = CustomerReferral.objects.get()
    assert (referral.program, referral.referrer, referral.referee) == (program, referrer, friend)
    assert (referral.status, referral.reject_reason) == (CustomerReferral.Status.SIGNED_UP, "")
    assert (referral.rewarded_at, referral.qualifying_booking) == (None, None)


def test_signing_up_alone_earns_nothing(client, program, referrer):
    client.get(f"/r/{referrer.referral_code}/")
    signup(client, "friend@example.com")

    assert CustomerReferral.objects.count() == 1
    assert WalletTransaction.objects.count() == 0
    friend = User.objects.get(email="friend@example.com").customer
    assert (balance(referrer), balance(friend)) == (Decimal("0.000"), Decimal("0.000"))


def test_an_unknown_code_redirects_without_remembering(client, program, referrer):
    link = client.get("/r/NOSUCHCD/")
    signup(client, "friend@example.com")

    assert link.status_code == 302
    assert link.url == reverse("account_signup")
    assert REFERRAL_COOKIE not in link.cookies
    assert CustomerReferral.objects.count() == 0


def test_a_forged_cookie_is_ignored(client, program, referrer):
    client.cookies[REFERRAL_COOKIE] = referrer.referral_code  # not signed
    signup(client, "friend@example.com")

    assert CustomerReferral.objects.count() == 0


def test_without_an_active_programme_nothing_is_recorded(client, referrer):
    client.get(f"/r/{referrer.referral_code}/")
    signup(client, "friend@example.com")

    assert User.objects.filter(email="friend@example.com").exists()
    assert CustomerReferral.objects.count() == 0


def test_ones_own_code_records_nothing(program, referrer):
    assert referral_record_signup(referee=referrer, code=referrer.referral_code) is None
    assert CustomerReferral.objects.count() == 0


@pytest.mark.parametrize(
    ("referrer_email", "friend_email"),
    [
        ("amina@example.com", "AMINA+friend@example.com"),
        ("amina.rahman@gmail.com", "aminarahman+2@googlemail.com"),
        ("a.mina@googlemail.com", "am.ina@gmail.com"),
    ],
)
def test_a_second_account_with_the_same_mailbox_is_rejected(
    client, program, referrer_email, friend_email
):
    referrer = CustomerFactory(email=referrer_email)
    client.get(f"/r/{referrer.referral_code}/")
    signup(client, friend_email)

    referral = CustomerReferral.objects.get()
    assert referral.referrer == referrer
    assert (referral.status, referral.reject_reason) == (
        CustomerReferral.Status.REJECTED,
        CustomerReferral.RejectReason.SAME_PERSON,
    )
    assert WalletTransaction.objects.count() == 0


def test_dots_count_outside_gmail():
    assert email_normalise("a.mina@example.com") != email_normalise("amina@example.com")
    assert email_normalise(" A.Mina+Trips@GoogleMail.com ") == "amina@gmail.com"
    assert email_normalise("Amina+x@Example.com") == "amina@example.com"


def test_a_customer_is_referred_once(program, referrer):
    friend = CustomerFactory()
    other = CustomerFactory()

    first = referral_record_signup(referee=friend, code=referrer.referral_code)
    again = referral_record_signup(referee=friend, code=other.referral_code)

    assert again == first
    assert list(CustomerReferral.objects.values_list("referrer", "referee")) == [
        (referrer.pk, friend.pk)
    ]
