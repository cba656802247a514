"""The help-desk pages in Debian's Chromium at 390 px, left-to-right and right-to-left: axe-core
finds no WCAG 2.1 A/AA violation, nothing scrolls sideways, and the htmx parts work (FAQ
suggestions while the subject is typed, "Was this helpful?", a #faq-<id> link opens its entry).
Skipped without /usr/bin/chromium or axe-core."""

import pytest

from b2c.models import FAQ
from b2c.services.support import staff_reply, ticket_resolve
from b2c.tests.support.conftest import pdf_upload
from b2c.tests.support_pages.conftest import a_booking, open_ticket
from core.testing.factories import TEST_PASSWORD, CustomerFactory, UserFactory
from e2e.conftest import PHONE
from e2e.test_accessibility import AXE, RUN_AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "() => document.documentElement.scrollWidth > window.innerWidth"


def faq_entry(position):
    return FAQ.objects.create(
        category="baggage",
        position=position,
        question_en=f"How much baggage may I take on flight {position}?",
        answer_en="Economy allows 30 kg.",
        question_ar="كم حقيبة يمكنني أن آخذ؟",
        answer_ar="٣٠ كغ",
        question_bn="আমি কত কেজি ব্যাগ নিতে পারি?",
        answer_bn="৩০ কেজি",
        question_ur="میں کتنا سامان لے جا سکتا ہوں؟",
        answer_ur="۳۰ کلو",
    )


def test_the_help_desk_pages_in_a_phone_browser(new_page, settings, tmp_path):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (npm ci installs it; .ci/run does)")
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    customer = CustomerFactory()
    staff = UserFactory(is_staff=True, first_name="Layla")
    booking = a_booking(customer)
    first, last = faq_entry(0), faq_entry(1)
    ticket = open_ticket(
        customer,
        booking_id=booking.pk,
        attachments=[pdf_upload("a rather long receipt name for the flight to London.pdf")],
    )
    staff_reply(staff_user=staff, ticket_id=ticket.pk, body="We have moved you to seat 12C.")
    resolved = open_ticket(customer, subject="A question already answered")
    ticket_resolve(staff_user=staff, ticket_id=resolved.pk)
    paths = [
        "/support/",
        "/support/new/?subject=baggage",
        f"/support/{ticket.pk}/",
        f"/support/{resolved.pk}/",
        "/help/",
        "/help/?q=baggage",
        "/help/?q=wheelchair",
    ]

    page = new_page(PHONE, bypass_csp=True)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(customer.user.email)
    page.get_by_label("Password").first.fill(TEST_PASSWORD)
    page.locator("form.stack-form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")
    problems = {}
    for language in ("en", "ar"):
        if language == "ar":
            switcher = page.locator("form.language-switch")
            switcher.get_by_label("Language").select_option("ar")
            switcher.locator("button").click()
            page.wait_for_load_state()
        for path in paths:
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == language
            page.add_script_tag(path=str(AXE))
            found = page.evaluate(RUN_AXE)
            if found or page.evaluate(SIDEWAYS):
                problems[(language, path)] = found or "scrolls sideways"
    assert problems == {}

    # Suggestions while typing (Arabic now: input events, not keyup, from such keyboards).
    page.goto("/support/new/")
    page.locator("#id_subject").press_sequentially("حقيبة", delay=30)
    page.wait_for_selector("#faq-suggestions details", timeout=5000)
    assert page.locator("#faq-suggestions summary").first.inner_text() == "كم حقيبة يمكنني أن آخذ؟"

    # A visitor's vote, by htmx, counted once.
    visitor = new_page(PHONE)
    visitor.goto(f"/help/#faq-{last.pk}")
    entry = visitor.locator(f"#faq-{last.pk}")
    entry.locator("summary").wait_for()
    assert entry.get_attribute("open") is not None
    entry.get_by_role("button", name="No").click()
    entry.locator(".faq-thanks").wait_for(timeout=5000)
    assert entry.locator(".faq-thanks").inner_text() == "Thank you for your feedback."
    visitor.reload()
    assert visitor.locator(f"#faq-{last.pk} .faq-thanks").count() == 1
    last.refresh_from_db()
    first.refresh_from_db()
    assert (last.helpful_yes, last.helpful_no, first.helpful_no) == (0, 1, 0)
