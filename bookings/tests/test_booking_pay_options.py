"""The payment page and API: a reward voucher first, then the wallet, then a saved or new card."""

import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from b2c.models import (
    Customer,
    CustomerReward,
    LoyaltyProgram,
    LoyaltyTransaction,
    Reward,
    SavedPaymentMethod,
)
from b2c.services.loyalty import loyalty_points_grant, reward_redeem
from b2c.services.wallet import payment_method_add
from bookings.models import Booking
from bookings.services import booking_cancel, booking_cancel_quote, bookings_expire_holds
from bookings.tests.test_booking_flow import DAY, DEPARTURE, NOW, card, hold
from bookings.tests.test_booking_wallet_payment import balance, fund, state
from core.testing.inventory import flight_with_fare, offer_for
from payments.models import Payment, SandboxCharge
from payments.services import booking_pay

pytestmark = pytest.mark.django_db

NEW_CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


@pytest.fixture
def fare(db):
    return flight_with_fare("DXB", "LHR", DEPARTURE, seats=5, refundable=True, refund_fee="50")


@pytest.fixture
def program(db):
    return LoyaltyProgram.objects.create(
        name="Safar Rewards", currency="USD", points_per_unit=Decimal(1),
        silver_threshold=2000, gold_threshold=5000, platinum_threshold=10000,
    )  # fmt: skip


def voucher(customer, code="SAVE25ABCD", value="25", **extra) -> CustomerReward:
    reward = Reward.objects.create(
        name="USD 25 off", kind=Reward.Kind.DISCOUNT_VOUCHER, points_cost=2000,
        value_amount=Decimal(value), value_currency="USD",
    )  # fmt: skip
    values = {
        "customer": customer, "reward": reward, "code": code, "points_spent": 2000,
        "value_amount": Decimal(value), "value_currency": "USD",
        "expires_at": dt.datetime(2031, 1, 1, tzinfo=dt.UTC), "idempotency_key": f"v:{code}",
    }  # fmt: skip
    values.update(extra)
    return CustomerReward.objects.create(**values)


@pytest.fixture
def customer_client(client, customer):
    # Signed in at the frozen time, so the session is not already expired in 2030.
    with freeze_time(NOW):
        client.force_login(customer.user)
    return client


def pay_page(client, booking, **fields):
    data = {"idempotency_key": fields.pop("key", "page-key"), **fields}
    return client.post(f"/booking/{booking.pk}/pay/", data)


@freeze_time(NOW)
def test_the_page_offers_the_wallet_and_takes_part_of_it(customer_client, customer, fare):
    fund(customer, "200.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    page = customer_client.get(f"/booking/{booking.pk}/pay/").content.decode()
    assert "Your wallet can pay up to $200.00 of this booking." in page

    response = pay_page(customer_client, booking, wallet_amount="150.00", **NEW_CARD)

    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    assert balance(customer) == Decimal("50.000")
    assert SandboxCharge.objects.get().amount == Decimal("350.000")


@freeze_time(NOW)
def test_a_voucher_comes_off_the_fare_before_the_wallet_and_card(customer_client, customer, fare):
    fund(customer, "100.00")
    code = voucher(customer).code
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    response = pay_page(
        customer_client, booking, voucher_code=code.lower(), wallet_amount="100", **NEW_CARD
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.discount_total, booking.amount_due, booking.voucher.code) == (
        Decimal("25.000"),
        Decimal("475.000"),
        code,
    )
    assert SandboxCharge.objects.get().amount == Decimal("375.000")
    used = CustomerReward.objects.get(code=code)
    assert (used.state, used.booking_id) == (CustomerReward.State.USED, booking.pk)


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("NOSUCHCODE", "This voucher code is not valid."),
        ("OTHERS0001", "This voucher code is not valid."),  # someone else's
        ("SPENT00001", "This voucher has already been used."),
    ],
)
def test_a_voucher_that_cannot_be_used_refuses_the_payment(
    customer_client, customer, other_customer, fare, code, message
):
    voucher(other_customer, code="OTHERS0001")
    voucher(customer, code="SPENT00001", state=CustomerReward.State.USED)
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    before = state(customer, booking)

    response = pay_page(customer_client, booking, voucher_code=code, **NEW_CARD)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert state(customer, booking) == before
    assert Booking.objects.get(pk=booking.pk).discount_total == 0


@freeze_time(NOW)
def test_a_saved_card_pays_and_an_expired_one_is_refused(customer_client, customer, fare):
    good = payment_method_add(
        customer=customer, number="4242424242424242", exp_month=12, exp_year=2031, cvc="123",
        holder_name="Layla Rahman",
    )  # fmt: skip
    # Saved in 2029, it expired at the end of February 2030.
    old = SavedPaymentMethod.objects.create(
        customer=customer, token=card().token, brand="mastercard", last4="4444", exp_month=2,
        exp_year=2030,
    )  # fmt: skip
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    refused = pay_page(customer_client, booking, payment_method=str(old.pk), key="k0")

    assert refused.status_code == 400
    assert "This card expired in 02/2030." in refused.content.decode()
    assert Payment.objects.count() == 0

    paid = pay_page(customer_client, booking, payment_method=str(good.pk), key="k1")

    assert paid.status_code == 302
    payment = Payment.objects.get()
    assert (payment.card_last4, payment.amount) == ("4242", Decimal("500.000"))


@freeze_time(NOW)
def test_the_page_asks_for_a_card_for_what_the_wallet_leaves(customer_client, customer, fare):
    fund(customer, "100.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))

    response = pay_page(customer_client, booking, wallet_amount="100")

    assert response.status_code == 400
    assert "Pay the remaining $400.00 by card." in response.content.decode()
    assert balance(customer) == Decimal("100.000")


@freeze_time(NOW)
def test_the_api_pays_with_wallet_and_a_saved_card(customer_api, customer, fare):
    fund(customer, "200.00")
    saved = payment_method_add(
        customer=customer, number="4242424242424242", exp_month=12, exp_year=2031, cvc="123",
        holder_name="Layla Rahman",
    )  # fmt: skip
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    url = f"/api/v1/bookings/{booking.pk}/payments/"
    body = {"wallet_amount": "200.00", "payment_method": saved.pk}

    first = customer_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
    again = customer_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="api-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["amount"] == "300.00" and first.json()["method"] == "card"
    assert balance(customer) == Decimal("0.000")
    assert SandboxCharge.objects.count() == 1
    detail = customer_api.get(f"/api/v1/bookings/{booking.pk}/").json()
    assert sorted((p["method"], p["amount"]) for p in detail["payments"]) == [
        ("card", "300.00"),
        ("wallet", "200.00"),
    ]


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"wallet_amount": "-5"}, "wallet_amount"),
        ({"wallet_amount": "50.00"}, "card"),  # nothing to pay the rest with
        ({"voucher_code": "NOPE", **NEW_CARD}, "voucher"),
        ({"card_number": "4242424242424242"}, "exp_month"),
        ({"payment_method": 999999}, "payment_method"),
    ],
)
def test_the_api_answers_bad_payments_with_field_errors(customer_api, customer, fare, body, field):
    fund(customer, "100.00")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    before = state(customer, booking)

    response = customer_api.post(
        f"/api/v1/bookings/{booking.pk}/payments/", body, format="json",
        HTTP_IDEMPOTENCY_KEY="api-bad",
    )  # fmt: skip

    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert field in response.json()["error"]["fields"], response.json()
    assert state(customer, booking) == before


@freeze_time(NOW)
def test_cancelling_a_voucher_booking_refunds_the_paid_share_and_gives_the_points_back(
    customer, fare, program
):
    loyalty_points_grant(customer=customer, points=2500, reason="Welcome", idempotency_key="w")
    reward = Reward.objects.create(
        name="USD 25 off", kind=Reward.Kind.DISCOUNT_VOUCHER, points_cost=2000,
        value_amount=Decimal(25), value_currency="USD",
    )  # fmt: skip
    used = reward_redeem(customer=customer, reward_id=reward.pk, idempotency_key="r1")
    used = used.customer_reward
    assert Customer.objects.get(pk=customer.pk).points_balance == 500
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    booking_pay(booking=booking, idempotency_key="k1", card=card(), voucher_code=used.code)

    quote = booking_cancel_quote(booking=booking)
    # The fares' rules return 450 of 500: the voucher's 25 comes back as its 2,000 points,
    # the other 425 as money.
    assert (quote.refund, quote.voucher_points) == (Decimal("425.00"), 2000)
    booking_cancel(booking=booking, quote_token=quote.token)

    assert SandboxCharge.objects.get().refunded == Decimal("425.000")
    assert CustomerReward.objects.get(pk=used.pk).state == CustomerReward.State.CANCELLED
    back = LoyaltyTransaction.objects.get(kind=LoyaltyTransaction.Kind.REVERSE)
    assert (back.points, back.customer_id) == (2000, customer.pk)
    assert Customer.objects.get(pk=customer.pk).points_balance == 2500


def test_an_expired_hold_frees_its_voucher_for_another_booking(customer, fare):
    with freeze_time(NOW):
        used = voucher(customer)
        booking = hold(customer, offer_for("DXB", "LHR", DAY))
        booking_pay(
            booking=booking, idempotency_key="k1", card=card("4000000000000002"),
            voucher_code=used.code,
        )  # fmt: skip
        assert CustomerReward.objects.get(pk=used.pk).state == CustomerReward.State.USED
    with freeze_time("2030-03-01 09:20:00"):
        bookings_expire_holds()

    assert CustomerReward.objects.get(pk=used.pk).state == CustomerReward.State.ISSUED
    expired = Booking.objects.get(pk=booking.pk)
    assert (expired.voucher_id, expired.discount_total) == (None, Decimal("0.000"))


@freeze_time(NOW)
def test_a_voucher_on_a_non_refundable_fare_comes_back_as_points_only(customer, program):
    flight_with_fare("DXB", "LHR", DEPARTURE, seats=5, number=7)  # 400 + 100, non-refundable
    loyalty_points_grant(customer=customer, points=2000, reason="Welcome", idempotency_key="w")
    reward = Reward.objects.create(
        name="USD 100 off", kind=Reward.Kind.DISCOUNT_VOUCHER, points_cost=2000,
        value_amount=Decimal(100), value_currency="USD",
    )  # fmt: skip
    used = reward_redeem(customer=customer, reward_id=reward.pk, idempotency_key="r1")
    booking = hold(customer, offer_for("DXB", "LHR", DAY))
    booking_pay(
        booking=booking, idempotency_key="k1", card=card(),
        voucher_code=used.customer_reward.code,
    )  # fmt: skip
    assert SandboxCharge.objects.get().amount == Decimal("400.000")

    quote = booking_cancel_quote(booking=booking)
    # The rules return the 100 of taxes; the voucher paid 100 of the fare: its points come
    # back, and no money (the fare of 400 is kept, as the fare says).
    assert (quote.refund, quote.fees, quote.voucher_points) == (
        Decimal("0.00"),
        Decimal("400.00"),
        2000,
    )
    booking_cancel(booking=booking, quote_token=quote.token)

    assert SandboxCharge.objects.get().refunded == Decimal("0.000")
    assert Customer.objects.get(pk=customer.pk).points_balance == 2000
