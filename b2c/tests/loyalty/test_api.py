"""The loyalty API: summary, history, catalogue, redeem with an Idempotency-Key, my rewards."""

from decimal import Decimal

import pytest

from b2c.models import CustomerReward
from b2c.services.loyalty import loyalty_booking_confirmed, loyalty_points_grant, reward_redeem
from b2c.tests.loyalty.helpers import booking, program, reward, snapshot

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def loyalty(db):
    return program()


def grant(customer, points, key="g"):
    return loyalty_points_grant(customer=customer, points=points, reason="x", idempotency_key=key)


def redeem(api, prize_id, key="key-1"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return api.post(f"{API}/rewards/{prize_id}/redeem/", headers=headers)


def test_anonymous_requests_are_refused(api_client, loyalty):
    for url in ("/loyalty/", "/loyalty/transactions/", "/rewards/", "/rewards/mine/"):
        assert api_client.get(API + url).status_code in (401, 403)
    assert api_client.post(f"{API}/rewards/1/redeem/").status_code in (401, 403)


def test_summary(customer_api, customer, loyalty):
    grant(customer, 400)
    loyalty_booking_confirmed(booking=booking(customer, total="50.00"))

    body = customer_api.get(f"{API}/loyalty/").json()

    assert body == {
        "tier": "bronze",
        "tier_label": "Bronze",
        "balance": 400,
        "pending": 100,
        "qualifying_points": 400,
        "qualification_months": 12,
        "next_tier": "silver",
        "next_tier_threshold": 1000,
        "points_to_next_tier": 600,
        "progress_percent": 40,
        "expiring_points": 0,
        "expiring_on": None,
        "benefits": [],
    }


def test_history_is_paginated_newest_first_and_queries_do_not_grow(
    customer_api, customer, other_customer, loyalty, django_assert_max_num_queries
):
    grant(customer, 5, "first")
    grant(other_customer, 99, "theirs")
    with django_assert_max_num_queries(10) as few:
        customer_api.get(f"{API}/loyalty/transactions/")
    trip = booking(customer)
    loyalty_booking_confirmed(booking=trip)
    for index in range(24):
        grant(customer, 5, f"more-{index}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        body = customer_api.get(f"{API}/loyalty/transactions/").json()
    second = customer_api.get(f"{API}/loyalty/transactions/", {"page": 2}).json()

    assert body["count"] == 26
    assert len(body["results"]) == 20 and len(second["results"]) == 6
    assert body["results"][0]["points"] == 5
    pending = next(e for e in body["results"] + second["results"] if e["status"] == "pending")
    assert (pending["kind"], pending["points"], pending["balance_after"]) == ("earn", 1000, None)
    assert pending["booking_reference"] == trip.reference
    assert second["results"][-1]["balance_after"] == 5


def test_catalogue(customer_api, customer, loyalty):
    grant(customer, 300)
    reward(name="Lounge", points_cost=200, stock=4)
    reward(
        name="Credit",
        kind="wallet_credit",
        points_cost=900,
        value_amount=Decimal("5"),
        value_currency="USD",
    )

    body = customer_api.get(f"{API}/rewards/").json()

    assert [
        (r["name"], r["points_cost"], r["stock"], r["can_redeem"], r["reason"]) for r in body
    ] == [
        ("Lounge", 200, 4, True, ""),
        ("Credit", 900, None, False, "You need 600 more points."),
    ]
    assert body[1]["value_amount"] == "5.000" and body[1]["value_currency"] == "USD"


def test_redeem_201_then_200_on_a_retry(customer_api, customer, loyalty):
    grant(customer, 700)
    prize = reward(name="Lounge", points_cost=500, stock=2)

    first = redeem(customer_api, prize.pk)
    again = redeem(customer_api, prize.pk)

    assert (first.status_code, again.status_code) == (201, 200)
    issued = CustomerReward.objects.get()
    assert first.json() == again.json()
    assert first.json()["code"] == issued.code
    assert first.json()["reward"] == {"id": prize.pk, "kind": "lounge_pass", "name": "Lounge"}
    assert (first.json()["state"], first.json()["points_spent"]) == ("issued", 500)
    customer.refresh_from_db()
    assert customer.points_balance == 200


def test_redeem_needs_a_valid_key(customer_api, customer, loyalty):
    grant(customer, 700)
    prize = reward(points_cost=500)
    before = snapshot(customer)

    missing = redeem(customer_api, prize.pk, key=None)
    bad = redeem(customer_api, prize.pk, key="x" * 51)

    assert (missing.status_code, bad.status_code) == (400, 400)
    assert missing.json()["error"]["code"] == "idempotency_key_missing"
    assert bad.json()["error"]["code"] == "idempotency_key_invalid"
    assert snapshot(customer) == before


def test_a_refused_redemption_is_a_400_with_field_errors(customer_api, customer, loyalty):
    grant(customer, 100)
    prize = reward(points_cost=500)
    before = snapshot(customer)

    response = redeem(customer_api, prize.pk)

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "points": ["Not enough points: you have 100, this needs 500."]
    }
    assert snapshot(customer) == before


def test_an_unknown_or_inactive_reward_is_a_404(customer_api, customer, loyalty):
    grant(customer, 1000)
    hidden = reward(is_active=False)
    before = snapshot(customer)
    assert redeem(customer_api, hidden.pk).status_code == 404
    assert redeem(customer_api, hidden.pk + 50).status_code == 404
    assert snapshot(customer) == before


def test_my_rewards_lists_only_my_own(customer_api, customer, other_customer, loyalty):
    grant(customer, 500, "mine")
    grant(other_customer, 500, "theirs")
    prize = reward(points_cost=200)
    mine = reward_redeem(customer=customer, reward_id=prize.pk, idempotency_key="a").customer_reward
    reward_redeem(customer=other_customer, reward_id=prize.pk, idempotency_key="a")

    body = customer_api.get(f"{API}/rewards/mine/").json()
    history = customer_api.get(f"{API}/loyalty/transactions/").json()

    assert body["count"] == 1
    assert body["results"][0]["code"] == mine.code
    assert {e["points"] for e in history["results"]} == {500, -200}


def test_the_endpoints_are_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/loyalty/",
        "/api/v1/loyalty/transactions/",
        "/api/v1/rewards/",
        "/api/v1/rewards/mine/",
        "/api/v1/rewards/{reward_id}/redeem/",
    ):
        assert path in schema
