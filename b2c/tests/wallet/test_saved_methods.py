"""Saved cards: add (tokenised, never the number), choose a default, delete; own cards only."""

from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

import payments.services
from b2c.models import SavedPaymentMethod
from b2c.services.wallet import (
    payment_method_add,
    payment_method_delete,
    payment_method_set_default,
)
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory
from payments.models import SandboxCard

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1


def add(customer, number="4242424242424242", **kwargs):
    values = {"exp_month": 8, "exp_year": NEXT_YEAR, "cvc": "123", "holder_name": " Amina K "}
    values.update(kwargs)
    return payment_method_add(customer=customer, number=number, **values)


def rows(customer):
    return list(
        SavedPaymentMethod.objects.filter(customer=customer)
        .order_by("id")
        .values_list("id", "last4", "is_default")
    )


def test_first_card_is_default_and_only_the_token_is_kept():
    customer = CustomerFactory()

    method = add(customer)

    assert method.is_default is True
    assert (method.brand, method.last4, method.exp_month, method.exp_year) == (
        "visa",
        "4242",
        8,
        NEXT_YEAR,
    )
    assert method.holder_name == "Amina K"
    assert method.token == SandboxCard.objects.get().token
    assert method.token.startswith("tok_")
    stored = SavedPaymentMethod.objects.filter(pk=method.pk).values().get()
    assert "4242424242424242" not in str(stored)
    assert "123" not in [str(value) for value in stored.values()]


def test_second_card_is_not_default_unless_asked():
    customer = CustomerFactory()
    first = add(customer)
    second = add(customer, "5555555555554444")
    third = add(customer, "4012888888881881", make_default=True)

    assert rows(customer) == [
        (first.pk, "4242", False),
        (second.pk, "4444", False),
        (third.pk, "1881", True),
    ]


def test_the_same_card_saved_again_is_one_card():
    customer = CustomerFactory()
    first = add(customer)
    add(customer, "5555555555554444")

    again = add(customer, "4242424242424242", make_default=True)

    assert again.pk == first.pk
    assert rows(customer) == [(first.pk, "4242", True), (first.pk + 1, "4444", False)]
    assert again.fingerprint and len(again.fingerprint) == 32


def test_expired_card_is_refused_before_the_gateway():
    customer = CustomerFactory()
    today = timezone.localdate()
    last_month = today.replace(day=1) - timezone.timedelta(days=1)

    with pytest.raises(ApplicationError) as exc:
        add(customer, exp_month=last_month.month, exp_year=last_month.year)

    assert exc.value.message == f"This card expired in {last_month.month:02d}/{last_month.year}."
    assert rows(customer) == []
    assert SandboxCard.objects.count() == 0


def test_invalid_card_number_is_refused():
    customer = CustomerFactory()

    with pytest.raises(ApplicationError) as exc:
        add(customer, "4242424242424241")

    assert exc.value.message == "Please check the card details."
    assert rows(customer) == []


def test_set_default_swaps_the_default():
    customer = CustomerFactory()
    first = add(customer)
    second = add(customer, "5555555555554444")

    result = payment_method_set_default(customer=customer, method_id=second.pk)

    assert result.pk == second.pk
    assert rows(customer) == [(first.pk, "4242", False), (second.pk, "4444", True)]


def test_set_default_of_another_customers_card_is_refused():
    mine, theirs = CustomerFactory(), CustomerFactory()
    my_card = add(mine)
    add(mine, "5555555555554444")
    their_card = add(theirs)
    before = (rows(mine), rows(theirs))

    with pytest.raises(ApplicationError) as exc:
        payment_method_set_default(customer=mine, method_id=their_card.pk)

    assert exc.value.message == "This saved card was not found."
    assert (rows(mine), rows(theirs)) == before
    assert SavedPaymentMethod.objects.get(pk=my_card.pk).is_default is True


def test_delete_default_makes_the_newest_remaining_default():
    customer = CustomerFactory()
    first = add(customer)
    second = add(customer, "5555555555554444")
    third = add(customer, "4000056655665556")

    payment_method_delete(customer=customer, method_id=first.pk)

    assert rows(customer) == [(second.pk, "4444", False), (third.pk, "5556", True)]


def test_delete_last_card_leaves_none():
    customer = CustomerFactory()
    only = add(customer)

    payment_method_delete(customer=customer, method_id=only.pk)

    assert rows(customer) == []


def test_delete_another_customers_card_is_refused():
    mine, theirs = CustomerFactory(), CustomerFactory()
    add(mine)
    their_card = add(theirs)
    before = (rows(mine), rows(theirs))

    with pytest.raises(ApplicationError) as exc:
        payment_method_delete(customer=mine, method_id=their_card.pk)

    assert exc.value.message == "This saved card was not found."
    assert (rows(mine), rows(theirs)) == before


def test_database_refuses_two_defaults_and_a_bad_month():
    customer = CustomerFactory()
    card = add(customer)
    fields = {"customer": customer, "brand": "visa", "last4": "4242", "exp_year": NEXT_YEAR}

    with pytest.raises(IntegrityError), transaction.atomic():
        SavedPaymentMethod.objects.create(token="tok_b", exp_month=1, is_default=True, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedPaymentMethod.objects.create(token="tok_c", exp_month=13, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedPaymentMethod.objects.create(token=card.token, exp_month=1, **fields)
    assert rows(customer) == [(card.pk, "4242", True)]


def test_tokenise_goes_through_payments_card_tokenize():
    customer = CustomerFactory()
    with mock.patch(
        "b2c.services.wallet.card_tokenize", wraps=payments.services.card_tokenize
    ) as tokenize:
        add(customer)
    tokenize.assert_called_once_with(
        number="4242424242424242", exp_month=8, exp_year=NEXT_YEAR, cvc="123"
    )
