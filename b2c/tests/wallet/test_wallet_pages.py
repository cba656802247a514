"""/wallet/: the balance and its history, and topping up with a saved or a new card."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from b2c.models import CustomerWallet, SavedPaymentMethod, WalletTransaction
from b2c.selectors.wallet import ledgers_verify
from b2c.services.wallet import payment_method_add, wallet_adjust, wallet_credit
from b2c.tests.wallet.helpers import snapshot
from payments.fx import rates_cache_clear
from payments.models import ExchangeRate, Payment, SandboxCharge
from payments.services import payments_reconcile

pytestmark = pytest.mark.django_db

Kind = WalletTransaction.Kind
URL = reverse("b2c:wallet")
NEXT_YEAR = timezone.localdate().year + 1


def wallet_of(customer) -> CustomerWallet:
    return CustomerWallet.objects.get(customer=customer)


def credit(wallet, amount, key, **kwargs):
    return wallet_credit(
        wallet=wallet, amount=Decimal(amount), kind=Kind.TOP_UP, idempotency_key=key, **kwargs
    )


def new_card(number="4242424242424242", **overrides):
    data = {
        "idempotency_key": "key-0001",
        "amount": "25.00",
        "payment_method": "new",
        "card_number": number,
        "exp_month": "12",
        "exp_year": str(NEXT_YEAR),
        "cvc": "123",
        "holder_name": "Amina K",
    }
    data.update(overrides)
    return data


def saved(customer, number="4242424242424242", **kwargs):
    values = {"exp_month": 8, "exp_year": NEXT_YEAR, "cvc": "123", "holder_name": "Amina K"}
    values.update(kwargs)
    return payment_method_add(customer=customer, number=number, **values)


def key_in(response) -> str:
    return re.search(rb'name="idempotency_key" value="([^"]+)"', response.content).group(1).decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_shows_the_balance_and_the_entries(customer_client, customer):
    wallet = wallet_of(customer)
    credit(wallet, "100.00", "first")
    wallet_adjust(
        wallet=wallet, amount=Decimal("-12.50"), reason="Duplicate refund", user=None,
        idempotency_key="adjust-1",
    )  # fmt: skip

    response = customer_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="wallet-balance" id="wallet-balance"><bdi>$87.50</bdi></p>' in html
    rows = re.findall(r'<tr role="row">.*?</tr>', html.split('<tbody role="rowgroup">')[1], re.S)
    assert len(rows) == 2
    assert "Staff adjustment" in rows[0]
    assert "<bdi>-$12.50</bdi>" in rows[0]
    assert "<bdi>$87.50</bdi>" in rows[0]
    assert "Reason: Duplicate refund" in rows[0]
    assert "Top-up" in rows[1]
    assert "<bdi>+$100.00</bdi>" in rows[1]
    assert "<bdi>$100.00</bdi>" in rows[1]


def test_an_empty_wallet_says_so(customer_client):
    response = customer_client.get(URL)

    assert "$0.00" in response.content.decode()
    assert "No transactions yet." in response.content.decode()


def test_a_converted_entry_shows_the_original_amount_and_rate(customer_client, customer):
    ExchangeRate.objects.create(
        base="EUR", quote="USD", rate=Decimal("1.0850"), source="file", fetched_at=timezone.now()
    )
    rates_cache_clear()
    wallet = wallet_of(customer)
    entry = credit(wallet, "10.00", "eur", currency="EUR")

    html = customer_client.get(URL).content.decode()

    assert (entry.amount, entry.original_amount, entry.original_currency) == (
        Decimal("10.850"),
        Decimal("10.000"),
        "EUR",
    )
    assert "<bdi>+$10.85</bdi>" in html
    assert "€10.00 at a rate of 1.085" in html


def test_entries_are_paginated_20_a_page(customer_client, customer):
    wallet = wallet_of(customer)
    for index in range(25):
        credit(wallet, "1.00", f"k{index}")

    first = customer_client.get(URL)
    second = customer_client.get(URL, {"page": 2})

    assert [entry.balance_after for entry in first.context["page"].object_list] == [
        Decimal(n) for n in range(25, 5, -1)
    ]
    assert [entry.balance_after for entry in second.context["page"].object_list] == [
        Decimal(n) for n in range(5, 0, -1)
    ]
    assert 'href="?page=2#history" rel="next"' in first.content.decode()


def test_a_booking_entry_links_to_its_booking(customer_client, customer, monkeypatch):
    from bookings.models import Booking

    wallet = wallet_of(customer)
    credit(wallet, "5.00", "k")
    booking = Booking(pk=4321, reference="ABC123")
    entries = list(WalletTransaction.objects.filter(wallet=wallet))
    entries[0].booking = booking
    monkeypatch.setattr("b2c.views.wallet_views.wallet_transaction_list", lambda wallet: entries)

    html = customer_client.get(URL).content.decode()

    link = reverse("bookings:confirmation", kwargs={"booking_id": 4321})
    assert f'<a href="{link}"><span class="code">ABC123</span></a>' in html


@pytest.mark.parametrize("count", [5, 50])
def test_query_count_does_not_grow_with_entries(
    customer_client, customer, count, django_assert_max_num_queries
):
    wallet = wallet_of(customer)
    saved(customer)
    for index in range(count):
        credit(wallet, "1.00", f"k{index}")

    # 10, and the header's unread-notifications count.
    with django_assert_max_num_queries(11):
        response = customer_client.get(URL)

    assert len(response.context["page"].object_list) == min(count, 20)


def test_top_up_with_a_new_card_credits_exactly_and_says_the_new_balance(customer_client, customer):
    response = customer_client.post(URL, new_card(amount="25.00"), follow=True)

    assert response.redirect_chain == [(URL, 302)]
    html = response.content.decode()
    assert "$25.00 was added to your wallet. Your balance is now $25.00." in html
    assert 'role="status" aria-live="polite"' in html
    wallet = wallet_of(customer)
    assert wallet.balance == Decimal("25.000")
    entry = WalletTransaction.objects.get(wallet=wallet)
    assert (entry.kind, entry.amount, entry.balance_after) == (
        Kind.TOP_UP,
        Decimal("25.000"),
        Decimal("25.000"),
    )
    assert SandboxCharge.objects.get().amount == Decimal("25.00")
    assert SavedPaymentMethod.objects.filter(customer=customer).count() == 0
    assert ledgers_verify() == []


def test_top_up_with_the_default_saved_card(customer_client, customer):
    saved(customer, "5555555555554444")
    card = saved(customer, "4242424242424242", make_default=True)
    page = customer_client.get(URL).content.decode()
    assert re.search(rf'value="{card.pk}"[^>]*checked', page)

    response = customer_client.post(
        URL, {"idempotency_key": "key-0002", "amount": "60", "payment_method": str(card.pk)}
    )

    assert response.status_code == 302
    assert wallet_of(customer).balance == Decimal("60.000")
    payment = Payment.objects.get()
    assert (payment.card_last4, payment.status) == ("4242", "captured")


def test_save_this_card_saves_it_once_the_top_up_went_through(customer_client, customer):
    data = new_card(amount="10.00", save_card="on")

    customer_client.post(URL, data)
    customer_client.post(URL, data)  # a double submit saves and charges nothing more

    method = SavedPaymentMethod.objects.get(customer=customer)
    assert (method.last4, method.is_default, method.holder_name) == ("4242", True, "Amina K")
    assert SandboxCharge.objects.count() == 1
    assert wallet_of(customer).balance == Decimal("10.000")


def test_a_declined_card_credits_nothing_and_is_shown_again_with_a_new_key(
    customer_client, customer
):
    wallet = wallet_of(customer)
    before = snapshot(wallet)

    response = customer_client.post(
        URL, new_card("4000000000000002", idempotency_key="key-decl", save_card="on")
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert response.context["form"].non_field_errors() == [
        "Your card was declined. Try another card."
    ]
    assert '<div class="form-errors" role="alert">' in html
    assert key_in(response) not in ("key-decl", "")
    assert "4000000000000002" not in html  # the number is never rendered back
    assert snapshot(wallet) == before
    assert SavedPaymentMethod.objects.filter(customer=customer).count() == 0
    assert Payment.objects.get().status == "failed"


def test_a_timeout_is_being_confirmed_then_reconciliation_credits_once(customer_client, customer):
    wallet = wallet_of(customer)

    response = customer_client.post(URL, new_card("4000000000000119", amount="30.00"), follow=True)

    assert "Your top-up of $30.00 is being confirmed with your card&#x27;s bank." in (
        response.content.decode()
    )
    assert wallet_of(customer).balance == Decimal("0.000")
    assert Payment.objects.get().status == "unknown"

    payments_reconcile(older_than=dt.timedelta(0))
    payments_reconcile(older_than=dt.timedelta(0))

    assert wallet_of(customer).balance == Decimal("30.000")
    assert WalletTransaction.objects.filter(wallet=wallet).count() == 1
    assert SandboxCharge.objects.count() == 1


def test_a_double_submit_with_the_same_key_charges_once(customer_client, customer):
    data = new_card(amount="45.00", idempotency_key="same-key-123")

    first = customer_client.post(URL, data)
    second = customer_client.post(URL, data, follow=True)

    assert first.status_code == 302
    assert "Your balance is now $45.00." in second.content.decode()
    assert SandboxCharge.objects.count() == 1
    assert Payment.objects.count() == 1
    assert WalletTransaction.objects.filter(wallet=wallet_of(customer)).count() == 1
    assert wallet_of(customer).balance == Decimal("45.000")


def test_each_rendering_has_its_own_key(customer_client):
    first, second = customer_client.get(URL), customer_client.get(URL)

    assert re.fullmatch(r"[0-9a-f]{32}", key_in(first))
    assert key_in(first) != key_in(second)


@pytest.mark.parametrize(
    ("currency", "amount", "message"),
    [
        ("USD", "0", "The amount must be greater than zero."),
        ("USD", "-5", "The amount must be greater than zero."),
        ("USD", "10.001", "10.001 has more decimals than USD allows."),
        ("JPY", "1.5", "1.5 has more decimals than JPY allows."),
        ("USD", "5000.01", "You can add at most $5,000.00 at a time."),
        ("USD", "", "This field is required."),
        ("USD", "ten", "Enter a number."),
    ],
)
def test_bad_amounts_are_field_errors_and_change_nothing(
    customer_client, customer, currency, amount, message
):
    CustomerWallet.objects.filter(customer=customer).update(currency=currency)
    wallet = wallet_of(customer)
    before = snapshot(wallet)

    response = customer_client.post(URL, new_card(amount=amount))

    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == [message]
    assert 'aria-describedby="id_amount_error"' in response.content.decode()
    assert snapshot(wallet) == before
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (0, 0)


@pytest.mark.parametrize("key", [None, "", "bad key!"])
def test_a_form_without_a_good_key_is_refused_and_charges_nothing(customer_client, key):
    data = new_card()
    if key is None:
        del data["idempotency_key"]
    else:
        data["idempotency_key"] = key

    response = customer_client.post(URL, data)

    assert response.status_code == 400
    assert response.context["form"].errors["idempotency_key"] == [
        "This form has expired. Please try again."
    ]
    assert "This form has expired. Please try again." in response.content.decode()
    assert re.fullmatch(r"[0-9a-f]{32}", key_in(response))
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (0, 0)


def test_missing_card_details_are_field_errors(customer_client):
    response = customer_client.post(
        URL, {"idempotency_key": "key-0003", "amount": "5", "payment_method": "new"}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {name: errors[name] for name in ("card_number", "exp_month", "exp_year", "cvc")} == {
        name: ["This field is required."]
        for name in ("card_number", "exp_month", "exp_year", "cvc")
    }
    assert SandboxCharge.objects.count() == 0


def test_an_expired_new_card_is_refused(customer_client, customer):
    last_year = str(timezone.localdate().year - 1)

    response = customer_client.post(URL, new_card(exp_year=last_year))

    assert response.status_code == 400
    assert response.context["form"].errors["exp_month"] == [
        "The card has expired or the expiry date is not valid."
    ]
    assert wallet_of(customer).balance == Decimal("0.000")
    assert SandboxCharge.objects.count() == 0


def test_an_expired_saved_card_is_shown_disabled_and_refused(customer_client, customer):
    card = saved(customer)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    SavedPaymentMethod.objects.filter(pk=card.pk).update(
        exp_month=last_month.month, exp_year=last_month.year
    )
    wallet = wallet_of(customer)
    before = snapshot(wallet)

    page = customer_client.get(URL).content.decode()
    response = customer_client.post(
        URL, {"idempotency_key": "key-0004", "amount": "5", "payment_method": str(card.pk)}
    )

    label = f"Visa •••• 4242 · {last_month.month:02d}/{last_month.year} (expired)"
    assert re.search(rf'value="{card.pk}"[^>]*disabled', page)
    assert label in page
    assert re.search(r'value="new"[^>]*checked', page)  # the expired default is not chosen
    assert response.status_code == 400
    assert response.context["form"].errors["payment_method"] == [
        f"This card expired in {last_month.month:02d}/{last_month.year}."
    ]
    assert snapshot(wallet) == before
    assert SandboxCharge.objects.count() == 0


def test_someone_elses_card_cannot_be_chosen(customer_client, customer, other_customer):
    theirs = saved(other_customer)
    saved(customer)

    response = customer_client.post(
        URL, {"idempotency_key": "key-0005", "amount": "5", "payment_method": str(theirs.pk)}
    )

    assert response.status_code == 400
    assert "payment_method" in response.context["form"].errors
    assert (Payment.objects.count(), SandboxCharge.objects.count()) == (0, 0)


def test_the_top_up_form_groups_the_card_choice_under_a_legend(customer_client, customer):
    saved(customer)

    html = customer_client.get(URL).content.decode()

    assert "<legend>Pay with:</legend>" in html
    assert "<legend>Or pay with a new card</legend>" in html
    assert '<label for="id_amount">Amount (USD):</label>' in html
