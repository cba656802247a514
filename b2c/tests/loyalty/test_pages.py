"""/loyalty/, /rewards/ and /rewards/redeem/<id>/ through the client."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from b2c.models import Customer, CustomerReward, LoyaltyTransaction
from b2c.services.loyalty import (
    loyalty_booking_confirmed,
    loyalty_points_grant,
    reward_redeem,
)
from b2c.tests.loyalty.helpers import balances, booking, program, reward, set_expiry, snapshot

pytestmark = pytest.mark.django_db
LOYALTY, REWARDS = "/loyalty/", "/rewards/"


def redeem_url(prize):
    return reverse("b2c:reward-redeem", args=[prize.pk])


@pytest.fixture
def loyalty(db):
    return program()


def grant(customer, points, key="g"):
    return loyalty_points_grant(customer=customer, points=points, reason="x", idempotency_key=key)


def test_the_pages_need_a_signed_in_user(client, loyalty):
    prize = reward()
    for url in (LOYALTY, REWARDS, redeem_url(prize)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert reverse("b2c:loyalty") == LOYALTY and reverse("b2c:rewards") == REWARDS


def test_the_loyalty_page_shows_tier_progress_balances_and_history(
    customer_client, customer, loyalty
):
    Customer.objects.filter(pk=customer.pk).update(loyalty_tier="silver")
    lot = grant(customer, 1200)
    set_expiry(lot, timezone.now() + dt.timedelta(days=30))
    trip = booking(customer, total="100.00")
    loyalty_booking_confirmed(booking=trip)  # 250 pending (x1.25)

    response = customer_client.get(LOYALTY)

    page = response.content.decode()
    summary = response.context["summary"]
    assert response.status_code == 200
    assert (summary.balance, summary.pending, summary.qualifying_points) == (1200, 250, 1200)
    assert (summary.next_tier, summary.points_to_next_tier, summary.progress_percent) == (
        "gold",
        3800,
        24,
    )
    assert (summary.expiring_points, summary.benefits) == (1200, ["Priority support line"])
    assert '<progress id="tier-progress" class="tier-progress" max="100" value="24">' in page
    assert "1,200 of 5,000 points to Gold" in page
    assert "Available after your trip." in page
    assert "Priority support line" in page
    assert trip.reference in page
    assert "+1,200" in page
    assert 'href="/loyalty/" aria-current="page"' in page


def test_the_history_is_paginated_and_the_query_count_does_not_grow(
    customer_client, customer, loyalty, django_assert_max_num_queries
):
    grant(customer, 10, "first")
    with django_assert_max_num_queries(12) as few:
        customer_client.get(LOYALTY)
    for index in range(45):
        grant(customer, 10, f"more-{index}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = customer_client.get(LOYALTY)
    last = customer_client.get(LOYALTY, {"page": 3})

    assert len(response.context["page"].object_list) == 20
    assert len(last.context["page"].object_list) == 6
    assert 'rel="next"' in response.content.decode()


def test_the_catalogue_says_why_a_reward_cannot_be_redeemed(customer_client, customer, loyalty):
    grant(customer, 600)
    ok = reward(name="Lounge", points_cost=500, stock=3)
    reward(name="Upgrade", points_cost=5000, kind="upgrade")
    reward(name="Gold bag", points_cost=100, min_tier="gold")
    reward(name="Sold out", points_cost=100, stock=0)
    reward(name="Hidden", is_active=False)

    response = customer_client.get(REWARDS)

    page = response.content.decode()
    rows = [(e.name, e.can_redeem, e.reason) for e in response.context["catalogue"]]
    assert rows == [
        ("Gold bag", False, "For Gold members and above."),
        ("Sold out", False, "Out of stock."),
        ("Lounge", True, ""),
        (
            "Upgrade",
            False,
            "You need 4,400 more points.",
        ),
    ]
    assert "Hidden" not in page
    assert redeem_url(ok) in page
    assert "3 left" in page


def test_the_catalogue_is_in_the_active_language(customer_client, customer, loyalty):
    reward(
        name="Lounge pass",
        description="One visit.",
        translations={"ar": {"name": "دخول الصالة", "description": "زيارة واحدة."}},
    )
    customer_client.post(reverse("b2c:language"), {"language": "ar", "next": REWARDS})

    with translation.override("ar"):
        response = customer_client.get(REWARDS, HTTP_ACCEPT_LANGUAGE="ar")

    page = response.content.decode()
    assert "دخول الصالة" in page
    assert "زيارة واحدة." in page


def test_confirm_then_redeem_then_my_rewards_shows_the_code(customer_client, customer, loyalty):
    grant(customer, 800)
    prize = reward(name="Lounge", points_cost=500, stock=2)

    confirm = customer_client.get(redeem_url(prize))
    key = confirm.context["idempotency_key"]
    response = customer_client.post(redeem_url(prize), {"idempotency_key": key})
    again = customer_client.post(redeem_url(prize), {"idempotency_key": key})  # double click

    assert confirm.status_code == 200
    assert "300 points" in confirm.content.decode()  # balance after
    assert (response.status_code, response.url) == (302, REWARDS)
    assert (again.status_code, again.url) == (302, REWARDS)
    issued = CustomerReward.objects.get()
    assert balances(customer) == (300, 0)
    listing = customer_client.get(REWARDS)
    page = listing.content.decode()
    assert f"You redeemed Lounge. Your code is {issued.code}." in page
    assert issued.code in page
    assert "Ready to use" in page


def test_a_refused_redemption_shows_why_and_changes_nothing(customer_client, customer, loyalty):
    grant(customer, 600)
    prize = reward(points_cost=500)
    key = customer_client.get(redeem_url(prize)).context["idempotency_key"]
    reward_redeem(customer=customer, reward_id=reward(points_cost=200).pk, idempotency_key="x")
    before = snapshot(customer)

    response = customer_client.post(redeem_url(prize), {"idempotency_key": key})

    assert response.status_code == 400
    assert "Not enough points: you have 400, this needs 500." in response.content.decode()
    assert snapshot(customer) == before


def test_a_bad_form_key_is_refused(customer_client, customer, loyalty):
    grant(customer, 600)
    prize = reward(points_cost=500)
    before = snapshot(customer)
    response = customer_client.post(redeem_url(prize), {"idempotency_key": "<x>"})
    assert response.status_code == 400
    assert "This form has expired. Please try again." in response.content.decode()
    assert response.context["idempotency_key"] != "<x>"
    assert snapshot(customer) == before


def test_an_inactive_reward_is_a_404(customer_client, customer, loyalty):
    hidden = reward(is_active=False)
    assert customer_client.get(redeem_url(hidden)).status_code == 404
    assert (
        customer_client.post(redeem_url(hidden), {"idempotency_key": "abcdefgh12"}).status_code
        == 404
    )
    assert LoyaltyTransaction.objects.count() == 0


def test_a_wallet_credit_redeemed_on_the_page(customer_client, customer, loyalty):
    grant(customer, 2000)
    prize = reward(
        name="Credit",
        kind="wallet_credit",
        points_cost=1500,
        value_amount=Decimal("10"),
        value_currency="USD",
    )
    key = customer_client.get(redeem_url(prize)).context["idempotency_key"]
    customer_client.post(redeem_url(prize), {"idempotency_key": key})
    assert CustomerReward.objects.get().state == "used"
    assert customer.wallet.transactions.get().customer_reward_id == CustomerReward.objects.get().pk
