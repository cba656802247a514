"""axe-core (WCAG 2.1 A and AA rules: labels, landmarks, contrast, language) on every page so far,
left-to-right and right-to-left, desktop and phone."""

from pathlib import Path

import pytest

from core.testing.factories import TEST_PASSWORD, UserFactory
from e2e.test_signup_and_language import switch_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """
async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.html),
  }));
}
"""
PUBLIC_PAGES = [
    "/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/search/",
    "/alerts/new/", "/newsletter/", "/advisories/",
]  # fmt: skip
CUSTOMER_PAGES = [
    "/dashboard/",
    "/profile/",
    "/profile/companions/add/",
    "/profile/delete/",
    "/bookings/",
    "/wallet/",
    "/wallet/cards/add/",
    "/loyalty/",
    "/rewards/",
    "/referrals/",
    "/wishlists/",
    "/favourites/",
    "/alerts/",
    "/alerts/travel/",
    "/newsletter/",
]


@pytest.fixture
def axe_page(new_page, request):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (npm ci installs it; .ci/run does)")
    return new_page(request.param, bypass_csp=True)


def violations(page, path, language):
    page.goto(path)
    if page.locator("html").get_attribute("lang") != language:
        # The header's switcher: a cookie for visitors, the customer's own language once signed
        # in (a cookie alone would not change a signed-in customer's pages).
        switch_language(page, language)
        page.goto(path)
    assert page.locator("html").get_attribute("lang") == language, path
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize("axe_page", [{"width": 1280, "height": 800}], indirect=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_public_pages_have_no_accessibility_violations(axe_page, language):
    found = {path: violations(axe_page, path, language) for path in PUBLIC_PAGES}

    assert found == {path: [] for path in PUBLIC_PAGES}


@pytest.mark.parametrize("axe_page", [{"width": 390, "height": 844}], indirect=True)
@pytest.mark.parametrize("language", ["en", "ur"])
def test_customer_pages_have_no_accessibility_violations_on_a_phone(axe_page, language):
    from e2e.test_money_journey import programmes

    programmes()  # the loyalty and referral pages with a programme and a reward to show
    user = UserFactory()
    axe_page.goto("/accounts/login/")
    axe_page.get_by_label("Email").fill(user.email)
    axe_page.get_by_label("Password").first.fill(TEST_PASSWORD)
    axe_page.locator("form.stack-form button[type=submit]").click()
    axe_page.wait_for_url("**/dashboard/")

    found = {path: violations(axe_page, path, language) for path in CUSTOMER_PAGES}

    assert found == {path: [] for path in CUSTOMER_PAGES}


@pytest.mark.parametrize("axe_page", [{"width": 390, "height": 844}], indirect=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_travel_alert_pages_with_a_change_to_answer_on_a_phone(axe_page, language):
    from b2c.tests.travel_alert_pages.helpers import advisory, change_for, reminder_for, trip

    user = UserFactory()
    booking = trip(user.customer)
    change = change_for(booking)
    reminder_for(booking)
    advisory("GB")
    axe_page.goto("/accounts/login/")
    axe_page.get_by_label("Email").fill(user.email)
    axe_page.get_by_label("Password").first.fill(TEST_PASSWORD)
    axe_page.locator("form.stack-form button[type=submit]").click()
    axe_page.wait_for_url("**/dashboard/")
    pages = ["/alerts/travel/", f"/alerts/travel/{change.pk}/", "/advisories/"]

    found = {path: violations(axe_page, path, language) for path in pages}

    assert found == {path: [] for path in pages}


@pytest.mark.parametrize("axe_page", [{"width": 390, "height": 844}], indirect=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_review_and_story_pages_on_a_phone(axe_page, language, settings, tmp_path):
    from b2c.services.reviews import review_create, review_respond
    from b2c.services.social import comment_add, story_create
    from b2c.tests.reviews.helpers import completed_booking, png

    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(first_name="Nadia", last_name="Karim")
    booking = completed_booking(user.customer)
    review = review_create(
        customer=user.customer, subject_kind="flight", airline_code="EK", origin="DXB",
        destination="LHR", booking_id=booking.pk, rating=4, title="Early into London",
        text="Friendly crew, a smooth flight and we landed ten minutes early.", images=[png()],
    )  # fmt: skip
    review_respond(staff_user=UserFactory(is_staff=True), review_id=review.pk, text="Thank you.")
    story = story_create(
        customer=user.customer, title="Three days in Istanbul", body="We **loved** the ferries.",
        visibility="public", photos=[png(name="ferry.png")], captions=["The ferry"],
    )  # fmt: skip
    comment_add(customer=user.customer, story_id=story.pk, text="Go in spring!")
    axe_page.goto("/accounts/login/")
    axe_page.get_by_label("Email").fill(user.email)
    axe_page.get_by_label("Password").first.fill(TEST_PASSWORD)
    axe_page.locator("form.stack-form button[type=submit]").click()
    axe_page.wait_for_url("**/dashboard/")
    pages = [
        "/reviews/flights/EK/DXB-LHR/",
        "/reviews/write/",
        "/reviews/mine/",
        f"/reviews/{review.pk}/report/",
        "/stories/",
        f"/stories/{story.slug}/",
        "/stories/new/",
        f"/stories/{story.slug}/edit/",
    ]

    found = {path: violations(axe_page, path, language) for path in pages}

    assert found == {path: [] for path in pages}
