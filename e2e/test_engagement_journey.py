"""Issue 5's journey in a real browser: a customer saves a search result to a new wishlist with a
target price; the fare falls below it and the alert job runs; the customer, whose language is now
Arabic, gets one notification and one email, in Arabic, and no more on the next run. A visitor's
newsletter sign-up needs the emailed link, and the newsletter unsubscribes in one click."""

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from b2c.models import NewsletterIssue, NewsletterSubscription, PriceAlert, Wishlist
from b2c.services.alerts import price_alerts_check
from b2c.services.newsletter import newsletter_issue_queue
from core.formatting import format_money
from core.testing.factories import TEST_PASSWORD, CustomerFactory
from core.testing.inventory import flight_with_fare
from e2e.conftest import PHONE
from e2e.test_signup_and_language import assert_no_horizontal_scroll, switch_language
from flights.models import Fare
from notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").first.fill(TEST_PASSWORD)
    page.locator("form.stack-form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")


def test_a_saved_trip_with_a_target_price_tells_its_customer_once_in_arabic(page):
    day = timezone.localdate() + dt.timedelta(days=20)
    fare = flight_with_fare(
        "DXB", "LHR", dt.datetime.combine(day, dt.time(4, 0), tzinfo=dt.UTC)
    )  # 400 + 100 USD
    customer = CustomerFactory()
    sign_in(page, customer.user.email)

    # Search, save the first result, and keep it in a new wishlist with a target price.
    page.goto("/search/")
    page.get_by_label("From:", exact=True).fill("DXB")
    page.get_by_label("To:", exact=True).fill("LHR")
    page.get_by_label("Departure date:", exact=True).fill(day.isoformat())
    page.locator("form.search-form").get_by_role("button", name="Search flights").click()
    page.get_by_role("button", name="Save trip").first.click()
    keep = page.locator("form.wishlist-keep")
    keep.get_by_label("Name of a new wishlist").fill("London in spring")
    keep.get_by_label("Tell me when the price falls to").fill("450")
    keep.get_by_role("button", name="Keep it there").click()
    expect(page.locator(".wishlist-keep-box")).to_contain_text("London in spring")

    wishlist = Wishlist.objects.get(customer=customer, name="London in spring")
    item = wishlist.items.get()
    assert (item.origin.iata_code, item.destination.iata_code, item.departure_date) == (
        "DXB",
        "LHR",
        day,
    )
    alert = PriceAlert.objects.get(customer=customer)
    assert (alert.state, alert.target_price, alert.currency) == ("active", Decimal("450"), "USD")

    # The customer reads Safar in Arabic from now on (the header's switcher keeps it).
    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    # A first check finds 500.00: above the target, nobody told.
    mail.outbox.clear()
    assert price_alerts_check()["notified"] == 0
    assert mail.outbox == []

    # The fare falls to 430.00 and the job runs: one notification, one email, in Arabic.
    fare = Fare.objects.get(pk=fare.pk)
    fare.base_fare = Decimal("330.000")
    fare.save()
    assert price_alerts_check()["notified"] == 1
    assert price_alerts_check()["notified"] == 0  # the same price again: no second message
    with translation.override("ar"):
        price = format_money(Decimal("430.00"), "USD")
        # The route is kept left to right inside the Arabic sentence (Unicode isolates).
        route = "\u2068DXB → LHR\u2069"
        title = gettext("%(route)s is now %(price)s") % {"route": route, "price": price}
    assert title != f"DXB → LHR is now {price}"  # really translated
    assert [(m.to, m.subject) for m in mail.outbox] == [([customer.user.email], title)]
    assert mail.outbox[0].extra_headers.get("Content-Language") == "ar"
    notification = Notification.objects.get(user=customer.user)
    assert notification.title == title

    page.goto("/notifications/")
    expect(page.locator(".notification-list li")).to_have_count(1)
    expect(page.locator(".notification-list")).to_contain_text(title)


def test_a_newsletter_sign_up_needs_its_link_and_unsubscribes_in_one_click(page):
    page.goto("/newsletter/")
    page.get_by_label("Email address").fill("reader@example.com")
    page.locator("main").get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    subscription = NewsletterSubscription.objects.get(email="reader@example.com")
    assert subscription.state == "pending"

    # Not subscribed until the emailed link is followed.
    (confirmation,) = mail.outbox
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", confirmation.body).group(0)
    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", name="Subscription confirmed")).to_be_visible()
    subscription.refresh_from_db()
    assert subscription.state == "active"

    # Staff send an issue; it carries the one-click unsubscribe headers (RFC 8058).
    mail.outbox.clear()
    issue = NewsletterIssue.objects.create(
        topic="deals", language="en", subject="Winter fares", body="Fly for less in January."
    )
    newsletter_issue_queue(issue_id=issue.pk)
    (newsletter,) = mail.outbox
    assert newsletter.to == ["reader@example.com"]
    assert newsletter.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = newsletter.extra_headers["List-Unsubscribe"].strip("<>")

    # The mail provider's button: one POST, no page, no confirmation.
    answer = page.request.post(urlsplit(unsubscribe).path, form={"List-Unsubscribe": "One-Click"})
    assert answer.ok
    subscription.refresh_from_db()
    assert subscription.state == "unsubscribed"

    # A tampered link changes nothing.
    subscription.state = "active"
    subscription.save(update_fields=["state"])
    answer = page.request.post(
        urlsplit(unsubscribe).path[:-3] + "xx/", form={"List-Unsubscribe": "One-Click"}
    )
    assert not answer.ok
    subscription.refresh_from_db()
    assert subscription.state == "active"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_search_results_and_the_keep_form_fit_a_phone(new_page, language):
    day = timezone.localdate() + dt.timedelta(days=20)
    flight_with_fare("DXB", "LHR", dt.datetime.combine(day, dt.time(4, 0), tzinfo=dt.UTC))
    page = new_page(PHONE)
    sign_in(page, CustomerFactory().user.email)
    if language == "ar":
        switch_language(page, "ar")
    page.goto(f"/search/?origin=DXB&destination=LHR&departure_date={day.isoformat()}&adults=1")
    assert_no_horizontal_scroll(page)  # the price calendar scrolls inside its own strip

    page.locator("form.wishlist-save button").first.click()
    page.locator("form.wishlist-keep").wait_for()

    assert_no_horizontal_scroll(page)
