"""In a browser: the notification pages pass axe-core (phone, left-to-right and right-to-left),
and "Mark as read" with htmx updates the item and the header's count without a reload."""

import pytest

from core.testing.factories import TEST_PASSWORD, UserFactory
from e2e.conftest import PHONE
from e2e.test_accessibility import AXE, violations
from notifications.tests.helpers import notification_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page):
    user = UserFactory()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").first.fill(TEST_PASSWORD)
    page.locator("form.stack-form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")
    return user


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pages_have_no_accessibility_violations_on_a_phone(new_page, language):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (npm ci installs it; .ci/run does)")
    page = new_page(PHONE, bypass_csp=True)
    user = signed_in(page)
    notification_for(user, 1, url="/bookings/", title="Check-in is open")
    notification_for(user, 2, read=True, title="Your points expire soon")
    pages = ["/notifications/", "/notifications/preferences/"]

    found = {path: violations(page, path, language) for path in pages}

    assert found == {path: [] for path in pages}


def test_mark_as_read_updates_the_item_and_the_count_in_place(new_page):
    page = new_page()
    user = signed_in(page)
    first = notification_for(user, 1, url="/bookings/", title="Check-in is open")
    notification_for(user, 2, title="Gate changed")
    page.goto("/notifications/")
    # The badge's "2" is hidden from screen readers, which hear "Notifications, 2 unread".
    assert page.locator("#nav-notifications").text_content() == "Notifications2, 2 unread"

    page.locator(f"#notification-{first.pk}").get_by_role("button", name="Mark as read").click()

    page.locator(f"#notification-{first.pk}:not(.notification-unread)").wait_for()
    assert page.locator("#nav-notifications").text_content() == "Notifications1, 1 unread"
    assert page.url.endswith("/notifications/")  # no navigation
    first.refresh_from_db()
    assert first.read_at is not None

    # Opening one (read or not) follows its link.
    page.locator("button.link-button", has_text="Check-in is open").click()
    page.wait_for_url("**/bookings/")
