"""Wallet API: balance, ledger, top-ups (201/200/202/402/400/404/422) and saved cards."""

import datetime as dt
import json
import logging
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from b2c.models import CustomerWallet, SavedPaymentMethod, WalletTransaction
from b2c.selectors.wallet import ledgers_verify
from b2c.services.wallet import payment_method_add, wallet_credit
from b2c.tests.wallet.helpers import snapshot
from payments.models import Payment, SandboxCard, SandboxCharge
from payments.services import payments_reconcile

pytestmark = pytest.mark.django_db

Kind = WalletTransaction.Kind
NEXT_YEAR = timezone.localdate().year + 1
WALLET = reverse("wallet-api:wallet")
TRANSACTIONS = reverse("wallet-api:transactions")
TOP_UPS = reverse("wallet-api:top-ups")
METHODS = reverse("wallet-api:payment-methods")


def wallet_of(customer) -> CustomerWallet:
    return CustomerWallet.objects.get(customer=customer)


def new_card(number="4242424242424242", **overrides):
    card = {"number": number, "exp_month": 12, "exp_year": NEXT_YEAR, "cvc": "123"}
    card.update(overrides)
    return card


def saved(customer, number="4242424242424242", **kwargs):
    values = {"exp_month": 8, "exp_year": NEXT_YEAR, "cvc": "123", "holder_name": "Amina K"}
    values.update(kwargs)
    return payment_method_add(customer=customer, number=number, **values)


def top_up(api, body, key="key-0001"):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(TOP_UPS, body, format="json", headers=headers)


def test_the_wallet_is_its_currency_and_balance(customer_api, customer):
    wallet_credit(
        wallet=wallet_of(customer), amount=Decimal("12.5"), kind=Kind.TOP_UP, idempotency_key="k"
    )

    response = customer_api.get(WALLET)

    assert response.status_code == 200
    assert response.json() == {"currency": "USD", "balance": "12.50"}


def test_signed_out_clients_are_refused(api_client):
    for url in (WALLET, TRANSACTIONS, METHODS):
        assert api_client.get(url).status_code in (401, 403)
    assert api_client.post(TOP_UPS, {}, format="json").status_code in (401, 403)


def test_transactions_are_paginated_newest_first(customer_api, customer):
    wallet = wallet_of(customer)
    for index in range(25):
        wallet_credit(
            wallet=wallet, amount=Decimal("2.00"), kind=Kind.CASHBACK, idempotency_key=f"k{index}"
        )

    first = customer_api.get(TRANSACTIONS).json()
    second = customer_api.get(TRANSACTIONS, {"page": 2}).json()

    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert len(second["results"]) == 5
    newest = first["results"][0]
    entry = WalletTransaction.objects.filter(wallet=wallet).order_by("-id").first()
    assert newest == {
        "id": entry.pk,
        "kind": "cashback",
        "kind_label": "Cashback",
        "amount": "2.00",
        "balance_after": "50.00",
        "currency": "USD",
        "booking": None,
        "booking_reference": None,
        "payment": None,
        "reason": "",
        "original_amount": None,
        "original_currency": "",
        "exchange_rate": None,
        "created_at": newest["created_at"],
    }
    assert second["results"][-1]["balance_after"] == "2.00"


def test_transactions_are_only_ones_own(customer_api, other_customer):
    wallet_credit(
        wallet=wallet_of(other_customer), amount=Decimal(5), kind=Kind.TOP_UP, idempotency_key="x"
    )

    assert customer_api.get(TRANSACTIONS).json()["count"] == 0


@pytest.mark.parametrize("count", [5, 50])
def test_transactions_query_count_does_not_grow(
    customer_api, customer, count, django_assert_max_num_queries
):
    wallet = wallet_of(customer)
    for index in range(count):
        wallet_credit(
            wallet=wallet, amount=Decimal(1), kind=Kind.TOP_UP, idempotency_key=f"k{index}"
        )

    with django_assert_max_num_queries(5):
        response = customer_api.get(TRANSACTIONS)

    assert len(response.json()["results"]) == min(count, 20)


def test_a_new_card_top_up_is_201_and_credits_exactly(customer_api, customer):
    response = top_up(customer_api, {"amount": "25.50", "card": new_card()})

    assert response.status_code == 201
    body = response.json()
    payment = Payment.objects.get()
    assert body == {
        "id": payment.pk,
        "status": "captured",
        "amount": "25.50",
        "currency": "USD",
        "card_brand": "visa",
        "card_last4": "4242",
        "decline_message": None,
        "created_at": body["created_at"],
        "wallet": {"currency": "USD", "balance": "25.50"},
    }
    assert wallet_of(customer).balance == Decimal("25.500")
    assert SandboxCharge.objects.get().amount == Decimal("25.50")
    assert "4242424242424242" not in response.content.decode()
    assert SavedPaymentMethod.objects.filter(customer=customer).count() == 0
    assert ledgers_verify() == []


def test_the_same_key_again_is_200_with_the_same_top_up_and_no_second_charge(
    customer_api, customer
):
    first = top_up(customer_api, {"amount": "40.00", "card": new_card()})
    again = top_up(customer_api, {"amount": "40.00", "card": new_card()})

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert SandboxCharge.objects.count() == 1
    assert WalletTransaction.objects.filter(wallet=wallet_of(customer)).count() == 1
    assert wallet_of(customer).balance == Decimal("40.000")


def test_the_same_key_for_another_amount_is_422_and_changes_nothing(customer_api, customer):
    top_up(customer_api, {"amount": "40.00", "card": new_card()})
    before = snapshot(wallet_of(customer))

    response = top_up(customer_api, {"amount": "41.00", "card": new_card()})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert snapshot(wallet_of(customer)) == before
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (1, 1)


def test_a_saved_card_top_up(customer_api, customer):
    card = saved(customer, "5555555555554444")

    response = top_up(customer_api, {"amount": "10", "payment_method": card.pk})

    assert response.status_code == 201
    assert (response.json()["card_brand"], response.json()["card_last4"]) == (
        "mastercard",
        "4444",
    )
    assert wallet_of(customer).balance == Decimal("10.000")


def test_save_card_saves_the_new_card_once_after_the_charge(customer_api, customer):
    body = {"amount": "10", "card": new_card(holder_name="Amina K"), "save_card": True}

    top_up(customer_api, body)
    top_up(customer_api, body)

    method = SavedPaymentMethod.objects.get(customer=customer)
    assert (method.last4, method.holder_name, method.is_default) == ("4242", "Amina K", True)
    assert SandboxCharge.objects.count() == 1


def test_a_declined_card_is_402_with_the_message_and_credits_nothing(customer_api, customer):
    before = snapshot(wallet_of(customer))

    response = top_up(
        customer_api, {"amount": "25.00", "card": new_card("4000000000000002"), "save_card": True}
    )

    assert response.status_code == 402
    body = response.json()
    assert body["error"] == {
        "code": "card_declined",
        "message": "Your card was declined. Try another card.",
        "fields": {},
    }
    assert body["payment"]["status"] == "failed"
    assert body["payment"]["decline_message"] == "Your card was declined. Try another card."
    assert body["payment"]["wallet"] == {"currency": "USD", "balance": "0.00"}
    assert snapshot(wallet_of(customer)) == before
    assert SavedPaymentMethod.objects.filter(customer=customer).count() == 0
    assert "4000000000000002" not in response.content.decode()


def test_a_timeout_is_202_then_reconciliation_credits_once(customer_api, customer):
    response = top_up(customer_api, {"amount": "30.00", "card": new_card("4000000000000119")})
    retry = top_up(customer_api, {"amount": "30.00", "card": new_card("4000000000000119")})

    assert (response.status_code, retry.status_code) == (202, 202)
    assert response.json()["status"] == "unknown"
    assert wallet_of(customer).balance == Decimal("0.000")

    payments_reconcile(older_than=dt.timedelta(0))
    after = top_up(customer_api, {"amount": "30.00", "card": new_card("4000000000000119")})

    assert after.status_code == 200
    assert after.json()["wallet"] == {"currency": "USD", "balance": "30.00"}
    assert wallet_of(customer).balance == Decimal("30.000")
    assert WalletTransaction.objects.filter(wallet=wallet_of(customer)).count() == 1
    assert SandboxCharge.objects.count() == 1
    assert ledgers_verify() == []


@pytest.mark.parametrize(
    ("currency", "amount", "message"),
    [
        ("USD", "0", "The amount must be greater than zero."),
        ("USD", "-5", "The amount must be greater than zero."),
        ("USD", "10.001", "10.001 has more decimals than USD allows."),
        ("JPY", "1.5", "1.5 has more decimals than JPY allows."),
        ("USD", "5000.01", "You can add at most $5,000.00 at a time."),
        ("USD", "ten", "A valid number is required."),
    ],
)
def test_bad_amounts_are_400_field_errors_and_charge_nothing(
    customer_api, customer, currency, amount, message
):
    CustomerWallet.objects.filter(customer=customer).update(currency=currency)
    card = saved(customer)
    before = snapshot(wallet_of(customer))

    response = top_up(customer_api, {"amount": amount, "payment_method": card.pk})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"amount": [message]}
    assert snapshot(wallet_of(customer)) == before
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (0, 0)


def test_a_missing_key_is_400_and_charges_nothing(customer_api, customer):
    card = saved(customer)

    response = top_up(customer_api, {"amount": "5", "payment_method": card.pk}, key=None)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_missing"
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (0, 0)


def test_an_expired_saved_card_is_400(customer_api, customer):
    card = saved(customer)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    SavedPaymentMethod.objects.filter(pk=card.pk).update(
        exp_month=last_month.month, exp_year=last_month.year
    )
    before = snapshot(wallet_of(customer))

    response = top_up(customer_api, {"amount": "5", "payment_method": card.pk})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "payment_method": [f"This card expired in {last_month.month:02d}/{last_month.year}."]
    }
    assert snapshot(wallet_of(customer)) == before
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (0, 0)


def test_an_expired_or_invalid_new_card_is_400_under_card(customer_api):
    response = top_up(
        customer_api,
        {"amount": "5", "card": new_card("4242424242424241", exp_year=2001, cvc="1")},
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "card.number": ["Enter a valid card number."],
        "card.exp_month": ["The card has expired or the expiry date is not valid."],
        "card.cvc": ["Enter the 3 or 4 digits on the back of the card."],
    }
    assert SandboxCharge.objects.count() == 0


@pytest.mark.parametrize("body", [{"amount": "5"}, {"amount": "5", "payment_method": 1}])
def test_exactly_one_card_is_needed(customer_api, customer, body):
    if "payment_method" in body:
        body = {**body, "payment_method": saved(customer).pk, "card": new_card()}

    response = top_up(customer_api, body)

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "payment_method": ["Choose a saved card or send a new card, not both."]
    }


def test_someone_elses_card_is_404_and_charges_nothing(customer_api, other_customer):
    theirs = saved(other_customer)

    response = top_up(customer_api, {"amount": "5", "payment_method": theirs.pk})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (0, 0)


def test_the_card_number_and_cvc_are_never_logged(customer_api, caplog):
    caplog.set_level(logging.DEBUG)

    top_up(customer_api, {"amount": "5", "card": new_card(cvc="987")})
    top_up(customer_api, {"amount": "5", "card": new_card("4000000000000002", cvc="987")}, "k2")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "4242424242424242" not in logged
    assert "4000000000000002" not in logged
    assert "987" not in logged


# Saved cards -------------------------------------------------------------------------------


def test_list_saved_cards_default_first(customer_api, customer, other_customer):
    first = saved(customer)
    second = saved(customer, "5555555555554444", make_default=True)
    saved(other_customer)

    response = customer_api.get(METHODS)

    assert response.status_code == 200
    body = response.json()
    assert [card["id"] for card in body] == [second.pk, first.pk]
    assert body[1] == {
        "id": first.pk,
        "brand": "visa",
        "last4": "4242",
        "exp_month": 8,
        "exp_year": NEXT_YEAR,
        "holder_name": "Amina K",
        "is_default": False,
        "expired": False,
        "created_at": body[1]["created_at"],
    }
    assert "token" not in json.dumps(body)


def test_add_a_card(customer_api, customer):
    response = customer_api.post(
        METHODS,
        {**new_card(), "holder_name": "Amina K"},
        format="json",
    )

    assert response.status_code == 201
    method = SavedPaymentMethod.objects.get(customer=customer)
    assert response.json()["id"] == method.pk
    assert (method.last4, method.is_default) == ("4242", True)
    assert method.token == SandboxCard.objects.get().token
    assert "4242424242424242" not in response.content.decode()


def test_an_expired_card_cannot_be_added(customer_api, customer):
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)

    response = customer_api.post(
        METHODS, new_card(exp_month=last_month.month, exp_year=last_month.year), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "exp_month": [f"This card expired in {last_month.month:02d}/{last_month.year}."]
    }
    assert SavedPaymentMethod.objects.count() == 0


def test_make_a_card_the_default(customer_api, customer):
    first = saved(customer)
    second = saved(customer, "5555555555554444")

    response = customer_api.post(reverse("wallet-api:payment-method-default", args=[second.pk]))

    assert response.status_code == 200
    assert response.json()["is_default"] is True
    assert list(
        SavedPaymentMethod.objects.filter(customer=customer)
        .order_by("id")
        .values_list("id", "is_default")
    ) == [(first.pk, False), (second.pk, True)]


def test_delete_a_card(customer_api, customer):
    card = saved(customer)

    response = customer_api.delete(reverse("wallet-api:payment-method", args=[card.pk]))

    assert response.status_code == 204
    assert SavedPaymentMethod.objects.filter(customer=customer).count() == 0


@pytest.mark.parametrize("action", ["default", "delete"])
def test_someone_elses_card_is_404_and_unchanged(customer_api, other_customer, action):
    saved(other_customer)
    theirs = saved(other_customer, "5555555555554444")
    before = list(SavedPaymentMethod.objects.order_by("id").values_list("id", "is_default"))

    if action == "default":
        response = customer_api.post(reverse("wallet-api:payment-method-default", args=[theirs.pk]))
    else:
        response = customer_api.delete(reverse("wallet-api:payment-method", args=[theirs.pk]))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert list(SavedPaymentMethod.objects.order_by("id").values_list("id", "is_default")) == (
        before
    )


def test_the_endpoints_are_in_the_schema(customer_api):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    paths = schema["paths"]
    assert set(paths["/api/v1/wallet/top-ups/"]["post"]["responses"]) == {
        "200", "201", "202", "400", "402", "404", "422",
    }  # fmt: skip
    for path in (
        "/api/v1/wallet/",
        "/api/v1/wallet/transactions/",
        "/api/v1/wallet/payment-methods/",
        "/api/v1/wallet/payment-methods/{method_id}/",
        "/api/v1/wallet/payment-methods/{method_id}/default/",
    ):
        assert path in paths
