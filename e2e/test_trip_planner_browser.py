"""The planner in Chromium: accessible and without sideways scrolling on a phone, left to right
and right to left, and drag and drop (trips.js) saving the new order."""

import datetime as dt

import pytest

from b2c.models import TripActivity
from b2c.services.trips import activity_create, trip_create, trip_share
from b2c.tests.trips.helpers import days_ahead, flight_booking
from core.testing.factories import TEST_PASSWORD, UserFactory
from core.testing.inventory import airport
from e2e.conftest import PHONE
from e2e.test_accessibility import AXE, violations
from e2e.test_signup_and_language import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def planned_trip(customer):
    airport("DXB")
    trip = trip_create(
        customer=customer, name="Dubai in winter", start_date=days_ahead(10),
        end_date=days_ahead(12), destination_codes=["DXB"], currency="AED",
    )  # fmt: skip
    for title in ("Breakfast", "Museum", "Dinner"):
        activity_create(
            customer=customer, trip_id=trip.pk, day_date=days_ahead(10), title=title,
            start_time=dt.time(10), end_time=dt.time(12), time_zone="Asia/Dubai",
        )  # fmt: skip
    return trip


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").first.fill(TEST_PASSWORD)
    page.locator("form.stack-form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_planner_on_a_phone(new_page, language):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (npm ci installs it; .ci/run does)")
    user = UserFactory()
    trip = planned_trip(user.customer)
    trip_share(customer=user.customer, trip_id=trip.pk)
    trip.refresh_from_db()
    booking = flight_booking(
        user.customer, [("DXB", "LHR", dt.datetime.combine(days_ahead(11), dt.time(6), dt.UTC), 7)]
    )
    activity = trip.activities.first()
    page = new_page(PHONE, bypass_csp=True)
    sign_in(page, user)
    pages = [
        "/trips/",
        f"/trips/{trip.pk}/",
        "/trips/new/",
        f"/trips/{trip.pk}/edit/",
        f"/trips/{trip.pk}/activities/{activity.pk}/edit/",
        f"/trips/{trip.pk}/print/",
        f"/trips/shared/{trip.share_token}/",
        f"/trips/add-booking/{booking.pk}/",
    ]

    found = {}
    for path in pages:
        found[path] = violations(page, path, language)
        assert_no_horizontal_scroll(page)

    assert found == {path: [] for path in pages}


def test_dragging_an_activity_saves_the_new_order(new_page):
    user = UserFactory()
    trip = planned_trip(user.customer)
    page = new_page()
    sign_in(page, user)
    page.goto(f"/trips/{trip.pk}/")
    dinner = page.locator(".trip-activity", has_text="Dinner")
    breakfast = page.locator(".trip-activity", has_text="Breakfast")

    with page.expect_response(lambda r: "/reorder/" in r.url) as answer:
        dinner.drag_to(breakfast, target_position={"x": 20, "y": 5})

    assert answer.value.status == 200
    # What the live region announces before the page reloads to show the saved order (read
    # from the answer: under load the reload may come before the test looks at the region).
    assert answer.value.json()["message"] == "The day's order was saved."
    assert list(TripActivity.objects.order_by("position").values_list("title", flat=True)) == [
        "Dinner",
        "Breakfast",
        "Museum",
    ]


def test_a_cancelled_drag_leaves_the_day_as_it_was(new_page):
    user = UserFactory()
    trip = planned_trip(user.customer)
    page = new_page()
    sign_in(page, user)
    page.goto(f"/trips/{trip.pk}/")
    first_day = page.locator(".trip-activities").first

    page.locator(".trip-activity", has_text="Dinner").hover()
    page.mouse.down()
    box = page.locator(".trip-activity", has_text="Breakfast").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 5, steps=5)
    page.mouse.move(box["x"] + 20, box["y"] + 2, steps=2)
    page.keyboard.press("Escape")
    page.mouse.up()

    shown = first_day.locator(".trip-activity-title").all_text_contents()
    assert shown == ["Breakfast", "Museum", "Dinner"]
    assert list(TripActivity.objects.order_by("position").values_list("title", flat=True)) == [
        "Breakfast",
        "Museum",
        "Dinner",
    ]
