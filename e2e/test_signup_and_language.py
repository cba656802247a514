"""A visitor signs up, lands on the dashboard and reads Safar in Arabic; it fits a phone."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from b2c.models import Customer
from core.testing.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRONG_PASSWORD = "Travel-safely-2026!"

# Every visible form control must be named by a <label for=id> with text, aria-label
# or aria-labelledby. Returns how many controls were checked and which ones are unlabelled.
UNLABELLED_CONTROLS_JS = """
() => {
  const controls = Array.from(document.querySelectorAll("input, select, textarea"))
    .filter((el) => el.type !== "hidden");
  const labelled = (el) => {
    const byFor = el.id !== "" && Array.from(document.querySelectorAll("label"))
      .some((label) => label.htmlFor === el.id && label.textContent.trim() !== "");
    const byAria = (el.getAttribute("aria-label") || "").trim() !== ""
      || (el.getAttribute("aria-labelledby") || "").trim() !== "";
    return byFor || byAria;
  };
  return {
    checked: controls.map((el) => el.name),
    unlabelled: controls.filter((el) => !labelled(el)).map((el) => el.outerHTML),
  };
}
"""


def switch_language(page, language_code):
    """Use the header's language switcher, as a visitor would."""
    switcher = page.locator("form.language-switch")
    switcher.get_by_label("Language").select_option(language_code)
    switcher.get_by_role("button", name="Change").click()


def assert_no_horizontal_scroll(page):
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{page.url} scrolls sideways: the page is {scroll_width}px wide "
        f"in a {inner_width}px window (lang={page.locator('html').get_attribute('lang')})"
    )


def test_visitor_signs_up_lands_on_dashboard_and_switches_to_arabic(page, live_server):
    email = "layla.haddad@example.com"

    page.goto("/accounts/signup/")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password:", exact=True).fill(STRONG_PASSWORD)
    page.get_by_label("Password (again):", exact=True).fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello")
    customer = Customer.objects.get(user__email=email)
    assert customer.user.check_password(STRONG_PASSWORD)
    assert customer.preferred_language == "en"

    switch_language(page, "ar")

    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    with translation.override("ar"):
        dashboard_in_arabic = translation.gettext("Dashboard")
    assert dashboard_in_arabic != "Dashboard", (
        "no Arabic translation of 'Dashboard': translate it in locale/ar and run `make messages`"
    )
    current_nav_link = page.locator("header nav.site-nav a[aria-current='page']")
    expect(current_nav_link).to_have_text(dashboard_in_arabic)
    expect(current_nav_link).to_have_attribute("href", "/dashboard/")
    # The choice is remembered for the customer (emails are written in it).
    customer.refresh_from_db()
    assert customer.preferred_language == "ar"


def test_dashboard_fits_a_phone_in_english_and_urdu_and_profile_controls_are_labelled(
    phone_page, live_server
):
    page = phone_page
    user = UserFactory()

    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(user.email)
    page.get_by_label("Password:", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {user.first_name}")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    assert page.viewport_size == {"width": 390, "height": 844}
    assert_no_horizontal_scroll(page)

    page.goto("/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    controls = page.evaluate(UNLABELLED_CONTROLS_JS)
    # The header's language select plus the personal, document, contact and frequent-flyer forms.
    assert "language" in controls["checked"]
    assert len(controls["checked"]) > 10, controls["checked"]
    assert controls["unlabelled"] == []

    page.goto("/dashboard/")
    switch_language(page, "ur")

    expect(html).to_have_attribute("lang", "ur")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    assert_no_horizontal_scroll(page)
