"""The loop a customer comes for, in a real browser: sign up, search DXB→LHR, book a return trip
for two adults with a sandbox card, see it confirmed and in My bookings, then cancel it."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Booking
from core.testing.inventory import flight_with_fare

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_book_pay_and_cancel_a_return_trip(page):
    today = timezone.localdate()
    out_day, back_day = today + dt.timedelta(days=10), today + dt.timedelta(days=17)
    flight_with_fare(
        "DXB", "LHR", dt.datetime.combine(out_day, dt.time(4, 0), tzinfo=dt.UTC),
        refundable=True, refund_fee="50.00",
    )  # fmt: skip
    flight_with_fare(
        "LHR", "DXB", dt.datetime.combine(back_day, dt.time(9, 0), tzinfo=dt.UTC), number=2,
        refundable=True, refund_fee="50.00",
    )  # fmt: skip

    page.goto("/accounts/signup/")
    page.get_by_label("Email:", exact=True).fill("amal@example.com")
    page.get_by_label("Password:", exact=True).fill("Travel-safely-2026!")
    page.get_by_label("Password (again):", exact=True).fill("Travel-safely-2026!")
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    page.goto("/search/")
    page.get_by_label("Return", exact=True).check()  # the trip type
    page.get_by_label("From:", exact=True).fill("DXB")
    page.get_by_label("To:", exact=True).fill("LHR")
    page.get_by_label("Departure date:", exact=True).fill(out_day.isoformat())
    page.get_by_label("Return date:", exact=True).fill(back_day.isoformat())
    page.get_by_label("Adults:", exact=True).fill("2")
    page.locator("form.search-form").get_by_role("button", name="Search flights").click()
    page.get_by_role("button", name="Select").first.click()
    expect(page.get_by_role("heading", name="Who is travelling?")).to_be_visible()

    for index, name in enumerate(["Amal", "Omar"]):
        fieldset = page.locator("fieldset").nth(index)
        fieldset.get_by_label("Given names (as on passport):", exact=True).fill(name)
        fieldset.get_by_label("Surname (as on passport):", exact=True).fill("Haddad")
        fieldset.get_by_label("Date of birth:", exact=True).fill("1988-02-0" + str(index + 1))
        fieldset.get_by_label("Passport number:", exact=True).fill(f"AB12345{index}")
        fieldset.get_by_label("Passport issuing country:", exact=True).select_option("AE")
        fieldset.get_by_label("Passport expiry date:", exact=True).fill("2035-01-01")
    page.get_by_role("button", name="Hold seats and continue to payment").click()

    page.get_by_label("Card number:", exact=True).fill("4242 4242 4242 4242")
    page.get_by_label("Expiry month:", exact=True).fill("12")
    page.get_by_label("Expiry year:", exact=True).fill(str(today.year + 2))
    page.get_by_label("Security code:", exact=True).fill("123")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    expect(page.get_by_role("heading", name="Your booking is confirmed")).to_be_visible()
    booking = Booking.objects.get()
    expect(page.locator(".reference")).to_have_text(booking.reference)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.adults == 2 and booking.segments.count() == 2

    page.get_by_role("link", name="My bookings", exact=True).click()
    expect(page.get_by_role("link", name=f"Details {booking.reference}")).to_be_visible()

    page.goto(f"/bookings/{booking.pk}/cancel/")
    page.get_by_role("button", name="Cancel booking and refund").click()
    expect(page.get_by_text("Your booking is cancelled. The refund is on its way.")).to_be_visible()
    booking.refresh_from_db()
    # Two refundable fares: everything back but a 50.00 fee per passenger per flight.
    assert booking.status == Booking.Status.CANCELLED
    assert booking.refunded_total == booking.total - 200
