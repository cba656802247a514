"""/referrals/ and the referral API: one's own code, link and referrals, nobody else's."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from b2c.models import CustomerReferral
from b2c.services.referrals import referral_booking_completed, referral_record_signup
from b2c.tests.referrals.helpers import booking_for, complete, wallet_program
from core.testing.api import NOT_FOUND, drf_datetime
from core.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return wallet_program(max_rewards_per_referrer=1)


@pytest.fixture
def referrals(customer, program):
    """Three friends of `customer`: rewarded, signed up, over the cap; one of another's."""
    karim = CustomerFactory(email="karim.h@example.com")
    lina = CustomerFactory(email="lina@example.org")
    omar = CustomerFactory(email="omar@example.net")
    made = [
        referral_record_signup(referee=friend, code=customer.referral_code)
        for friend in (karim, lina, omar)
    ]
    referral_booking_completed(booking=complete(booking_for(karim)))
    referral_booking_completed(booking=complete(booking_for(omar)))
    stranger = CustomerFactory()
    theirs = referral_record_signup(referee=CustomerFactory(), code=stranger.referral_code)
    return [CustomerReferral.objects.get(pk=r.pk) for r in made], theirs


def test_the_page_shows_code_link_share_links_and_referrals(customer_client, customer, referrals):
    response = customer_client.get(reverse("b2c:referrals"))

    assert response.status_code == 200
    html = response.content.decode()
    link = f"http://testserver/r/{customer.referral_code}/"
    assert response.context["link"] == link
    assert customer.referral_code in html
    assert f'value="{link}"' in html
    assert "https://wa.me/?text=" in html and quote(link, safe="") in html
    assert "mailto:?subject=" in html
    assert "<script" not in html.split("</head>")[1]  # no inline or third-party script
    rows = response.context["rows"]
    assert [(row["email"], row["referral"].status) for row in rows] == [
        ("o•••@example.net", "rejected"),
        ("l•••@example.org", "signed_up"),
        ("k•••@example.com", "rewarded"),
    ]
    assert "karim.h@example.com" not in html
    assert "$20.00" in html
    assert response.context["counts"] == {
        "total": 3,
        "signed_up": 1,
        "rewarded": 1,
        "rejected": 1,
    }


def test_the_page_needs_a_sign_in(client):
    response = client.get(reverse("b2c:referrals"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_page_shows_no_one_elses_referrals(client, other_customer, referrals):
    client.force_login(other_customer.user)

    response = client.get(reverse("b2c:referrals"))

    assert response.context["rows"] == []
    assert response.context["counts"]["total"] == 0


def test_the_navigation_links_to_the_page(customer_client):
    page = customer_client.get(reverse("b2c:dashboard")).content.decode()

    assert f'href="{reverse("b2c:referrals")}"' in page


def test_api_code_link_programme_and_counts(customer_api, customer, referrals):
    response = customer_api.get("/api/v1/referrals/code/")

    assert response.status_code == 200
    assert response.json() == {
        "code": customer.referral_code,
        "link": f"http://testserver/r/{customer.referral_code}/",
        "program": {
            "name": "Bring a friend",
            "reward_kind": "wallet_credit",
            "referrer_amount": "20.000",
            "referee_amount": "10.000",
            "currency": "USD",
            "referrer_points": 0,
            "referee_points": 0,
            "max_rewards_per_referrer": 1,
        },
        "counts": {"total": 3, "signed_up": 1, "rewarded": 1, "rejected": 1},
    }


def test_api_lists_ones_referrals_a_page_at_a_time(customer_api, referrals):
    made, _ = referrals

    first = customer_api.get("/api/v1/referrals/", {"page_size": 2})
    second = customer_api.get("/api/v1/referrals/", {"page_size": 2, "page": 2})

    assert first.status_code == second.status_code == 200
    assert first.json()["count"] == 3
    assert [r["id"] for r in first.json()["results"]] == [made[2].pk, made[1].pk]
    rewarded = made[0]
    assert second.json()["results"] == [
        {
            "id": rewarded.pk,
            "friend_email": "k•••@example.com",
            "status": "rewarded",
            "reject_reason": "",
            "reward_kind": "wallet_credit",
            "reward_amount": str(Decimal("20.000")),
            "reward_currency": "USD",
            "created_at": drf_datetime(rewarded.created_at),
            "rewarded_at": drf_datetime(rewarded.rewarded_at),
        }
    ]


def test_api_someone_elses_referral_is_not_found(customer_api, referrals):
    made, theirs = referrals

    mine = customer_api.get(f"/api/v1/referrals/{made[2].pk}/")
    other = customer_api.get(f"/api/v1/referrals/{theirs.pk}/")

    assert mine.status_code == 200
    assert (mine.json()["status"], mine.json()["reject_reason"]) == ("rejected", "cap")
    assert other.status_code == 404
    assert other.json() == NOT_FOUND


def test_api_needs_authentication(api_client):
    assert api_client.get("/api/v1/referrals/code/").status_code == 401
    assert api_client.get("/api/v1/referrals/").status_code == 401


def test_the_api_is_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()

    assert "/api/v1/referrals/:" in schema
    assert "/api/v1/referrals/code/:" in schema
    assert "/api/v1/referrals/{referral_id}/:" in schema


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_and_the_api_cost_the_same_queries_for_1_and_15_referrals(
    customer_client, customer_api, customer, program
):
    def add_friends(count):
        for _ in range(count):
            referral_record_signup(referee=CustomerFactory(), code=customer.referral_code)

    add_friends(1)
    page_one = queries_for(customer_client, reverse("b2c:referrals"))
    api_one = queries_for(customer_api, "/api/v1/referrals/")
    add_friends(14)

    assert queries_for(customer_client, reverse("b2c:referrals")) == page_one
    assert queries_for(customer_api, "/api/v1/referrals/") == api_one
