from decimal import Decimal

import pytest
from django.urls import reverse

from b2c.models import WalletTransaction
from b2c.services.wallet import wallet_credit
from b2c.tests.wallet.helpers import snapshot, wallet_in
from core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = WalletTransaction.Kind


@pytest.fixture
def wallet():
    wallet = wallet_in("USD")
    wallet_credit(wallet=wallet, amount=Decimal("10.00"), kind=Kind.TOP_UP, idempotency_key="t")
    return wallet


def adjust_url(wallet):
    return reverse("admin:b2c_customerwallet_adjust", args=[wallet.pk])


def test_wallet_pages_show_the_balance_read_only(admin_client, wallet):
    listing = admin_client.get(reverse("admin:b2c_customerwallet_changelist"), {"q": "traveller"})
    page = admin_client.get(reverse("admin:b2c_customerwallet_change", args=[wallet.pk]))
    ledger = admin_client.get(
        reverse("admin:b2c_wallettransaction_changelist"), {"wallet__id__exact": wallet.pk}
    )

    assert listing.status_code == page.status_code == ledger.status_code == 200
    assert wallet.customer.user.email in listing.content.decode()
    assert 'name="balance"' not in page.content.decode()
    assert adjust_url(wallet) in page.content.decode()
    assert ledger.context["cl"].result_count == 1


def test_staff_cannot_add_change_or_delete_ledger_entries(admin_client, wallet):
    entry = wallet.transactions.get()
    add = admin_client.get(reverse("admin:b2c_wallettransaction_add"))
    delete = admin_client.post(
        reverse("admin:b2c_wallettransaction_delete", args=[entry.pk]), {"post": "yes"}
    )
    wallet_delete = admin_client.post(
        reverse("admin:b2c_customerwallet_delete", args=[wallet.pk]), {"post": "yes"}
    )
    edit = admin_client.post(
        reverse("admin:b2c_customerwallet_change", args=[wallet.pk]), {"balance": "999"}
    )

    assert (add.status_code, delete.status_code, wallet_delete.status_code) == (403, 403, 403)
    assert edit.status_code == 403
    assert snapshot(wallet)[0] == Decimal("10.000")
    assert wallet.transactions.count() == 1


def test_staff_adjust_a_balance_with_a_reason(admin_client, wallet):
    form = admin_client.get(adjust_url(wallet))
    key = form.context["form"]["idempotency_key"].value()
    data = {"amount": "-2.50", "reason": "Fee refunded twice", "idempotency_key": key}

    response = admin_client.post(adjust_url(wallet), data)
    admin_client.post(adjust_url(wallet), data)  # a double submit

    assert form.status_code == 200
    assert response.status_code == 302
    assert response.url == reverse("admin:b2c_customerwallet_change", args=[wallet.pk])
    entry = wallet.transactions.get(kind=Kind.ADJUSTMENT)
    assert (entry.amount, entry.balance_after, entry.reason) == (
        Decimal("-2.500"),
        Decimal("7.500"),
        "Fee refunded twice",
    )
    assert entry.created_by.is_superuser
    assert wallet.transactions.count() == 2
    assert snapshot(wallet)[0] == Decimal("7.500")


@pytest.mark.parametrize(
    "data, error",
    [
        ({"amount": "5.00", "reason": ""}, "This field is required."),
        ({"amount": "0", "reason": "x"}, "The amount must be greater than zero."),
        (
            {"amount": "-10.01", "reason": "x"},
            "Not enough in your wallet: it holds $10.00, this needs $10.01.",
        ),
    ],
)
def test_a_refused_adjustment_shows_why_and_changes_nothing(admin_client, wallet, data, error):
    before = snapshot(wallet)
    response = admin_client.post(adjust_url(wallet), {**data, "idempotency_key": "k"})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert snapshot(wallet) == before


def test_customers_and_staff_without_the_permission_cannot_adjust(client, wallet):
    before = snapshot(wallet)
    data = {"amount": "100.00", "reason": "free money", "idempotency_key": "k"}

    client.force_login(wallet.customer.user)
    as_customer = client.post(adjust_url(wallet), data)
    client.force_login(UserFactory(is_staff=True))
    as_staff = client.post(adjust_url(wallet), data)

    assert as_customer.status_code == 302
    assert as_customer.url.startswith(reverse("admin:login"))
    assert as_staff.status_code == 403
    assert snapshot(wallet) == before


def test_staff_see_saved_cards_without_their_token(admin_client):
    from b2c.models import SavedPaymentMethod
    from b2c.services.wallet import payment_method_add
    from core.testing.factories import CustomerFactory

    card = payment_method_add(
        customer=CustomerFactory(), number="4242424242424242", exp_month=12, exp_year=2031,
        cvc="123", holder_name="Layla Rahman",
    )  # fmt: skip

    listing = admin_client.get("/admin/b2c/savedpaymentmethod/").content.decode()
    detail = admin_client.get(f"/admin/b2c/savedpaymentmethod/{card.pk}/change/")

    assert "Layla Rahman" in listing and "4242" in listing
    assert detail.status_code == 200
    assert card.token not in detail.content.decode() and card.fingerprint not in listing
    assert admin_client.post(f"/admin/b2c/savedpaymentmethod/{card.pk}/delete/", {"post": "yes"})
    assert not SavedPaymentMethod.objects.filter(pk=card.pk).exists()
