"""Saved cards on /wallet/: listed, added, made default and removed; only one's own."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from b2c.models import SavedPaymentMethod
from b2c.services.wallet import payment_method_add
from payments.models import SandboxCard

pytestmark = pytest.mark.django_db

WALLET = reverse("b2c:wallet")
ADD = reverse("b2c:card-add")
NEXT_YEAR = timezone.localdate().year + 1


def saved(customer, number="4242424242424242", **kwargs):
    values = {"exp_month": 8, "exp_year": NEXT_YEAR, "cvc": "123", "holder_name": "Amina K"}
    values.update(kwargs)
    return payment_method_add(customer=customer, number=number, **values)


def rows(customer):
    return list(
        SavedPaymentMethod.objects.filter(customer=customer)
        .order_by("id")
        .values_list("last4", "is_default")
    )


def card_form(**overrides):
    data = {
        "card_number": "4242 4242 4242 4242",
        "exp_month": "8",
        "exp_year": str(NEXT_YEAR),
        "cvc": "123",
        "holder_name": "Amina K",
    }
    data.update(overrides)
    return data


def test_the_wallet_page_lists_cards_with_default_and_expired_markers(customer_client, customer):
    saved(customer)
    old = saved(customer, "5555555555554444")
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    SavedPaymentMethod.objects.filter(pk=old.pk).update(
        exp_month=last_month.month, exp_year=last_month.year
    )

    html = customer_client.get(WALLET).content.decode()
    section = html.split('id="cards-title"')[1].split("</section>")[0]
    items = section.split("<li>")[1:]

    assert len(items) == 2
    assert "Visa" in items[0] and '<bdi dir="ltr">•••• 4242</bdi>' in items[0]
    assert f"Expires 08/{NEXT_YEAR}" in items[0]
    assert '<span class="badge">Default</span>' in items[0]
    assert "Expired" not in items[0]
    assert "Mastercard" in items[1] and "•••• 4444" in items[1]
    assert f"Expires {last_month.month:02d}/{last_month.year}" in items[1]
    assert '<span class="badge badge-danger">Expired</span>' in items[1]
    assert "Make default" not in items[1]  # an expired card is not offered as the default


def test_add_a_card(customer_client, customer):
    assert customer_client.get(ADD).status_code == 200

    response = customer_client.post(ADD, card_form(), follow=True)

    assert response.redirect_chain == [(WALLET, 302)]
    assert f"Your card Visa •••• 4242 · 08/{NEXT_YEAR} was saved." in response.content.decode()
    method = SavedPaymentMethod.objects.get(customer=customer)
    assert (method.last4, method.is_default, method.holder_name) == ("4242", True, "Amina K")
    assert method.token == SandboxCard.objects.get().token


def test_a_second_card_can_be_made_the_default_when_added(customer_client, customer):
    saved(customer)

    customer_client.post(ADD, card_form(card_number="5555555555554444", make_default="on"))

    assert rows(customer) == [("4242", False), ("4444", True)]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"card_number": "4242424242424241"}, "card_number", "Enter a valid card number."),
        ({"cvc": "12"}, "cvc", "Enter the 3 or 4 digits on the back of the card."),
        ({"exp_month": "13"}, "exp_month", "Ensure this value is less than or equal to 12."),
        ({"card_number": ""}, "card_number", "This field is required."),
    ],
)
def test_bad_card_details_are_field_errors_and_save_nothing(
    customer_client, customer, overrides, field, message
):
    response = customer_client.post(ADD, card_form(**overrides))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert f'aria-describedby="id_{field}_error"' in response.content.decode()
    assert "4242424241" not in response.content.decode()
    assert rows(customer) == []
    assert SandboxCard.objects.count() == 0


def test_an_expired_card_cannot_be_added(customer_client, customer):
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)

    response = customer_client.post(
        ADD, card_form(exp_month=str(last_month.month), exp_year=str(last_month.year))
    )

    assert response.status_code == 400
    assert response.context["form"].errors["exp_month"] == [
        f"This card expired in {last_month.month:02d}/{last_month.year}."
    ]
    assert rows(customer) == []


def test_make_another_card_the_default(customer_client, customer):
    saved(customer)
    second = saved(customer, "5555555555554444")

    response = customer_client.post(reverse("b2c:card-default", args=[second.pk]), follow=True)

    assert response.redirect_chain == [(WALLET, 302)]
    assert f"Mastercard •••• 4444 · 08/{NEXT_YEAR} is now your default card." in (
        response.content.decode()
    )
    assert rows(customer) == [("4242", False), ("4444", True)]


def test_make_default_is_a_post(customer_client, customer):
    card = saved(customer)

    assert customer_client.get(reverse("b2c:card-default", args=[card.pk])).status_code == 405


def test_remove_a_card_after_a_confirmation_step(customer_client, customer):
    first = saved(customer)
    saved(customer, "5555555555554444")
    url = reverse("b2c:card-delete", args=[first.pk])

    confirm = customer_client.get(url)
    response = customer_client.post(url, follow=True)

    assert confirm.status_code == 200
    assert f"Remove Visa •••• 4242 · 08/{NEXT_YEAR}?" in confirm.content.decode()
    assert rows(customer) == [("4444", True)]  # the other card became the default
    assert f"Your card Visa •••• 4242 · 08/{NEXT_YEAR} was removed." in response.content.decode()


@pytest.mark.parametrize("action", ["default", "delete-page", "delete"])
def test_someone_elses_card_is_not_found_and_unchanged(
    customer_client, customer, other_customer, action
):
    saved(other_customer)
    theirs = saved(other_customer, "5555555555554444")
    before = rows(other_customer)

    if action == "default":
        response = customer_client.post(reverse("b2c:card-default", args=[theirs.pk]))
    elif action == "delete-page":
        response = customer_client.get(reverse("b2c:card-delete", args=[theirs.pk]))
    else:
        response = customer_client.post(reverse("b2c:card-delete", args=[theirs.pk]))

    assert response.status_code == 404
    assert rows(other_customer) == before


def test_posts_need_the_csrf_token(customer):
    card = saved(customer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)

    responses = [
        client.post(reverse("b2c:card-delete", args=[card.pk])),
        client.post(reverse("b2c:card-default", args=[card.pk])),
        client.post(ADD, card_form()),
        client.post(WALLET, {"amount": "5", "payment_method": str(card.pk)}),
    ]

    assert [response.status_code for response in responses] == [403] * 4
    assert rows(customer) == [("4242", True)]


def test_card_pages_need_sign_in(client, customer):
    card = saved(customer)

    for url in (ADD, reverse("b2c:card-delete", args=[card.pk])):
        assert client.get(url).status_code == 302
    assert client.post(reverse("b2c:card-delete", args=[card.pk])).status_code == 302
    assert rows(customer) == [("4242", True)]
