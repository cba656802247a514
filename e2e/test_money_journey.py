"""Issue 4's journey in a real browser: a friend follows a referral link and signs up, tops up the
wallet with a sandbox card, pays a booking partly from it, sees points pending until the trip is
flown, then available; redeems a wallet-credit reward; and the first flown trip credits both the
friend and the referrer. Then the same pages in Arabic, right to left."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from b2c.models import CustomerWallet, LoyaltyProgram, ReferralProgram, Reward
from b2c.selectors.loyalty import loyalty_ledgers_verify
from b2c.selectors.wallet import ledgers_verify
from bookings.models import Booking
from bookings.services import bookings_complete
from core.testing.factories import CustomerFactory
from core.testing.inventory import flight_with_fare
from e2e.test_signup_and_language import switch_language
from flights.models import Flight

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARD = "4242 4242 4242 4242"


def programmes():
    LoyaltyProgram.objects.create(
        name="Safar Rewards", currency="USD", points_per_unit=Decimal(1),
        silver_threshold=2000, gold_threshold=5000, platinum_threshold=10000,
    )  # fmt: skip
    ReferralProgram.objects.create(
        name="Invite a friend", reward_kind="wallet_credit", referrer_amount=Decimal(10),
        referee_amount=Decimal(10), currency="USD",
    )  # fmt: skip
    return Reward.objects.create(
        name="USD 10 wallet credit", kind=Reward.Kind.WALLET_CREDIT, points_cost=400,
        value_amount=Decimal(10), value_currency="USD",
        translations={"ar": {"name": "رصيد محفظة بقيمة 10 دولارات", "description": ""}},
    )  # fmt: skip


def fill_card(page, year):
    page.get_by_label("Card number:", exact=True).fill(CARD)
    page.get_by_label("Expiry month:", exact=True).fill("12")
    page.get_by_label("Expiry year:", exact=True).fill(str(year))
    page.get_by_label("Security code:", exact=True).fill("123")


def test_refer_top_up_pay_partly_from_the_wallet_earn_and_redeem(page):
    today = timezone.localdate()
    out_day = today + dt.timedelta(days=10)
    fare = flight_with_fare(
        "DXB", "LHR", dt.datetime.combine(out_day, dt.time(4, 0), tzinfo=dt.UTC)
    )  # 400 + 100 USD
    reward = programmes()
    referrer = CustomerFactory()

    # The friend follows the referral link and signs up.
    page.goto(f"/r/{referrer.referral_code}/")
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    page.get_by_label("Email:", exact=True).fill("nadia@example.com")
    page.get_by_label("Password:", exact=True).fill("Travel-safely-2026!")
    page.get_by_label("Password (again):", exact=True).fill("Travel-safely-2026!")
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    # Top up 200.00 with a sandbox card.
    page.goto("/wallet/")
    page.get_by_label("Amount (USD):", exact=True).fill("200.00")
    fill_card(page, today.year + 2)
    page.locator("#top-up").get_by_role("button", name="Add money").click()
    expect(page.locator("#balance-title + *")).to_contain_text("$200.00")

    # Book DXB→LHR and pay 150.00 of it from the wallet, the rest by card.
    page.goto("/search/")
    page.get_by_label("From:", exact=True).fill("DXB")
    page.get_by_label("To:", exact=True).fill("LHR")
    page.get_by_label("Departure date:", exact=True).fill(out_day.isoformat())
    page.locator("form.search-form").get_by_role("button", name="Search flights").click()
    page.get_by_role("button", name="Select").first.click()
    page.get_by_label("Given names (as on passport):", exact=True).fill("Nadia")
    page.get_by_label("Surname (as on passport):", exact=True).fill("Karim")
    page.get_by_label("Date of birth:", exact=True).fill("1991-05-04")
    page.get_by_label("Passport number:", exact=True).fill("AB1234567")
    page.get_by_label("Passport issuing country:", exact=True).select_option("AE")
    page.get_by_label("Passport expiry date:", exact=True).fill("2035-01-01")
    page.get_by_role("button", name="Hold seats and continue to payment").click()
    expect(page.get_by_text("Your wallet can pay up to $200.00 of this booking.")).to_be_visible()
    page.get_by_label("Pay from my wallet:", exact=True).fill("150.00")
    fill_card(page, today.year + 2)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(page.get_by_role("heading", name="Your booking is confirmed")).to_be_visible()

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED
    payments = sorted((p.method, p.amount) for p in booking.payments.all())
    assert payments == [("card", Decimal("350.000")), ("wallet", Decimal("150.000"))]
    friend_wallet = CustomerWallet.objects.get(customer=booking.customer)
    assert friend_wallet.balance == Decimal("50.000")

    # 500 points wait for the flight.
    page.goto("/loyalty/")
    figures = page.locator(".points-figure")
    expect(figures.nth(0)).to_have_text("0")
    expect(figures.nth(1)).to_have_text("500")

    # The flight has flown (moved into the past), and the completion job runs.
    past = timezone.now() - dt.timedelta(days=1)
    Flight.objects.filter(pk=fare.flight_id).update(
        departure_at=past - dt.timedelta(hours=8), arrival_at=past
    )
    Booking.objects.filter(pk=booking.pk).update(departure_at=past - dt.timedelta(hours=8))
    assert bookings_complete() == 1

    page.reload()
    expect(figures.nth(0)).to_have_text("500")
    expect(figures.nth(1)).to_have_text("0")

    # Redeem 400 points for 10.00 of wallet credit, after the confirmation step.
    page.goto("/rewards/")
    page.get_by_role("link", name="Redeem").first.click()
    page.get_by_role("button", name="Redeem for 400 points").click()
    expect(page).to_have_url(re.compile(r"/rewards/$"))
    expect(page.locator("#my-rewards-title").locator("..")).to_contain_text("USD 10 wallet credit")

    # The wallet: 50.00 left + 10.00 referral bonus + 10.00 reward credit.
    page.goto("/wallet/")
    expect(page.locator("#balance-title + *")).to_contain_text("$70.00")
    assert CustomerWallet.objects.get(customer=referrer).balance == Decimal("10.000")
    assert ledgers_verify() == [] and loyalty_ledgers_verify() == []

    # The same pages in Arabic, right to left, with the reward's own Arabic name.
    switch_language(page, "ar")
    for path in ("/wallet/", "/loyalty/", "/rewards/"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_text(reward.translations["ar"]["name"]).first).to_be_visible()
