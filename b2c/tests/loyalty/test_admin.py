"""Staff pages: the programme and rewards are editable, the ledger is read-only, points move
only through an adjustment with a reason."""

import pytest
from django.urls import reverse

from b2c.models import CustomerReward, LoyaltyTransaction
from b2c.services.loyalty import loyalty_points_grant, reward_redeem
from b2c.tests.loyalty.helpers import balances, program, reward, snapshot
from core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(customer):
    program()
    loyalty_points_grant(customer=customer, points=100, reason="x", idempotency_key="g")
    return customer


def adjust_url(customer):
    return reverse("admin:b2c_loyaltytransaction_adjust", args=[customer.pk])


def test_admin_pages_open(admin_client, account):
    prize = reward()
    for name, args in (
        ("admin:b2c_loyaltyprogram_changelist", []),
        ("admin:b2c_loyaltyprogram_add", []),
        ("admin:b2c_loyaltytransaction_changelist", []),
        ("admin:b2c_reward_changelist", []),
        ("admin:b2c_reward_change", [prize.pk]),
        ("admin:b2c_customerreward_changelist", []),
    ):
        assert admin_client.get(reverse(name, args=args)).status_code == 200, name
    listing = admin_client.get(
        reverse("admin:b2c_loyaltytransaction_changelist"), {"kind__exact": "earn"}
    )
    assert listing.context["cl"].result_count == 1


def test_ledger_entries_cannot_be_added_changed_or_deleted(admin_client, account):
    entry = LoyaltyTransaction.objects.get()
    add = admin_client.get(reverse("admin:b2c_loyaltytransaction_add"))
    delete = admin_client.post(
        reverse("admin:b2c_loyaltytransaction_delete", args=[entry.pk]), {"post": "yes"}
    )
    edit = admin_client.post(
        reverse("admin:b2c_loyaltytransaction_change", args=[entry.pk]), {"points": "999"}
    )
    assert (add.status_code, delete.status_code, edit.status_code) == (403, 403, 403)
    assert balances(account) == (100, 0)


def test_staff_adjust_points_with_a_reason(admin_client, account):
    form = admin_client.get(adjust_url(account))
    key = form.context["form"]["idempotency_key"].value()
    data = {"points": "-40", "reason": "Credited twice", "idempotency_key": key}

    response = admin_client.post(adjust_url(account), data)
    admin_client.post(adjust_url(account), data)  # a double submit

    assert form.status_code == 200
    assert response.status_code == 302
    entry = LoyaltyTransaction.objects.get(kind="adjust")
    assert (entry.points, entry.balance_after, entry.reason) == (-40, 60, "Credited twice")
    assert entry.created_by.is_superuser
    assert balances(account) == (60, 0)


@pytest.mark.parametrize(
    "data, error",
    [
        ({"points": "5", "reason": ""}, "This field is required."),
        ({"points": "0", "reason": "x"}, "The points must be a whole number other than zero."),
        ({"points": "-101", "reason": "x"}, "Not enough points: you have 100, this needs 101."),
    ],
)
def test_a_refused_adjustment_shows_why_and_changes_nothing(admin_client, account, data, error):
    before = snapshot(account)
    response = admin_client.post(adjust_url(account), {**data, "idempotency_key": "k"})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert snapshot(account) == before


def test_without_the_permission_staff_cannot_adjust(client, account):
    before = snapshot(account)
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        adjust_url(account), {"points": "1000", "reason": "free", "idempotency_key": "k"}
    )
    assert response.status_code == 403
    assert snapshot(account) == before


def test_the_cancel_action_returns_the_points(admin_client, account):
    issued = reward_redeem(
        customer=account, reward_id=reward(points_cost=60).pk, idempotency_key="r"
    ).customer_reward
    response = admin_client.post(
        reverse("admin:b2c_customerreward_changelist"),
        {"action": "cancel_rewards", "_selected_action": [issued.pk]},
    )
    assert response.status_code == 302
    assert CustomerReward.objects.get(pk=issued.pk).state == "cancelled"
    assert balances(account) == (100, 0)
