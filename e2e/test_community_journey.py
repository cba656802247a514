"""Issue 6's journey in a real browser: a customer who flew writes a verified review with a photo
(its EXIF and GPS gone), staff answer it in the admin, another customer finds it helpful; a story
with photos is published, liked, commented and opened by its link with a preview card; the pages
in all four languages."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from b2c.models import Review, ReviewImage, TravelStory
from b2c.tests.reviews.helpers import completed_booking
from core.testing.factories import TEST_PASSWORD, CustomerFactory, UserFactory
from e2e.test_signup_and_language import switch_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD_TEXT = "Friendly crew, a smooth flight and we landed ten minutes early in London."


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").first.fill(TEST_PASSWORD)
    page.locator("form.stack-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(dashboard|admin)/"))


def photo_with_gps(name="window.jpg", colour=(30, 120, 200)) -> dict:
    """A JPEG as a phone writes it: EXIF with the camera, GPS coordinates and an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    exif[0x8825] = {1: "N", 2: (25.0, 15.0, 10.0), 3: "E", 4: (55.0, 21.0, 5.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(buffer, "JPEG", exif=exif)
    assert b"PhoneMaker" in buffer.getvalue()
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_a_verified_review_with_a_photo_an_answer_and_a_helpful_vote(new_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reviewer = CustomerFactory(first_name="Nadia", last_name="Karim")
    booking = completed_booking(reviewer)  # EK, DXB → LHR, flown
    flight = booking.segments.get().flight

    page = new_page()
    sign_in(page, reviewer.user.email)
    page.goto("/reviews/write/")
    page.get_by_label(re.compile(rf"{flight.designator} DXB → LHR")).check()
    page.locator("input[name=rating][value='5']").check()
    page.get_by_label("Title").fill("Early into London")
    page.get_by_label("Your review").fill(GOOD_TEXT)
    page.get_by_label(re.compile(r"^Photos")).set_input_files([photo_with_gps()])
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/reviews/mine/$"))

    review = Review.objects.get(customer=reviewer)
    assert (review.status, review.verified_purchase, review.rating) == ("published", True, 5)
    (image,) = ReviewImage.objects.filter(review=review)
    stored = image.image.open("rb").read()
    image.image.close()
    assert b"PhoneMaker" not in stored and b"Exif" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()  # no EXIF, so no GPS

    # Staff answer it in the admin.
    staff = new_page()
    UserFactory(email="care@safar.example", is_staff=True, is_superuser=True)
    sign_in(staff, "care@safar.example")
    staff.goto(reverse("admin:b2c_review_respond", args=[review.pk]))
    staff.locator("textarea[name=text]").fill("Thank you, Nadia: we will tell the crew.")
    staff.locator("input[type=submit]").click()
    review.refresh_from_db()
    assert review.response.text == "Thank you, Nadia: we will tell the crew."

    # Another customer reads the route's reviews and finds it helpful.
    reader = new_page()
    sign_in(reader, CustomerFactory().user.email)
    reader.goto("/reviews/flights/EK/DXB-LHR/")
    card = reader.locator("article", has_text="Early into London")
    expect(card).to_contain_text("Verified purchase")
    expect(card).to_contain_text("Nadia K.")
    expect(card).to_contain_text("Thank you, Nadia: we will tell the crew.")
    card.get_by_role("button", name=re.compile("^Helpful")).click()
    expect(card.get_by_role("button", name=re.compile("^Helpful"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(card.locator(".helpful-count")).to_have_text("(1)")
    review.refresh_from_db()
    assert review.helpful_count == 1


def test_a_story_with_photos_is_liked_commented_and_shared_with_a_preview_card(
    new_page, settings, tmp_path, live_server
):
    settings.MEDIA_ROOT = tmp_path
    author = CustomerFactory(first_name="Omar", last_name="Haddad")
    page = new_page()
    sign_in(page, author.user.email)
    page.goto("/stories/new/")
    page.get_by_label("Title").fill("Three days in Istanbul")
    page.get_by_label("Your story").fill("We **loved** the ferries.\n\n- Galata\n- Kadıköy")
    page.get_by_label("Photos").set_input_files(
        [photo_with_gps("ferry.jpg"), photo_with_gps("tower.jpg", (200, 80, 40))]
    )
    page.get_by_label("Captions").fill("The ferry\nGalata tower")
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name="Three days in Istanbul")).to_be_visible()

    story = TravelStory.objects.get(author=author)
    assert story.photos.count() == 2
    assert "<strong>loved</strong>" in story.body_html
    link = page.url

    # A reader opens the link, likes it and comments.
    reader = new_page()
    sign_in(reader, CustomerFactory(first_name="Lina").user.email)
    reader.goto(link)
    reader.get_by_role("button", name=re.compile("Like")).click()
    expect(reader.get_by_role("button", name=re.compile("Like"))).to_have_attribute(
        "aria-pressed", "true"
    )
    reader.get_by_role("textbox", name="Comment").last.fill("The ferries are the best part!")
    reader.get_by_role("button", name="Post comment").click()
    expect(reader.locator("main")).to_contain_text("The ferries are the best part!")
    story.refresh_from_db()
    assert (story.like_count, story.comment_count) == (1, 1)

    # Shared by link: a visitor (or a chat app fetching the preview) gets the card.
    visitor = new_page()
    visitor.goto(link)
    og = {
        prop: visitor.locator(f"meta[property='og:{prop}']").get_attribute("content")
        for prop in ("title", "type", "url", "image")
    }
    assert og["title"] == "Three days in Istanbul"
    assert og["type"] == "article"
    assert og["url"].endswith(story.slug + "/")
    assert re.match(r"^https?://", og["image"])
    card = visitor.locator("meta[name='twitter:card']").get_attribute("content")
    assert card == "summary_large_image"
    cover = visitor.request.get(re.sub(r"^https?://[^/]+", live_server.url, og["image"]))
    assert cover.ok and cover.headers["content-type"] == "image/jpeg"


@pytest.mark.parametrize("language", ["en", "ar", "bn", "ur"])
def test_the_community_pages_work_in_every_language(new_page, settings, tmp_path, language):
    from b2c.services.reviews import review_create, review_respond
    from b2c.services.social import story_create

    settings.MEDIA_ROOT = tmp_path
    reviewer = CustomerFactory(first_name="Nadia", last_name="Karim")
    booking = completed_booking(reviewer)
    review = review_create(
        customer=reviewer, subject_kind="flight", airline_code="EK", origin="DXB",
        destination="LHR", booking_id=booking.pk, rating=4, title="Early into London",
        text=GOOD_TEXT,
    )  # fmt: skip
    review_respond(staff_user=UserFactory(is_staff=True), review_id=review.pk, text="Thank you.")
    story = story_create(
        customer=reviewer, title="Three days in Istanbul", body="We **loved** it.",
        visibility="public",
    )  # fmt: skip
    page = new_page()
    sign_in(page, CustomerFactory().user.email)
    if language != "en":
        switch_language(page, language)
    paths = [
        "/reviews/airlines/EK/",
        "/reviews/flights/EK/DXB-LHR/",
        "/reviews/write/",
        "/reviews/mine/",
        "/stories/",
        f"/stories/{story.slug}/",
        "/stories/new/",
        f"/stories/by/{reviewer.referral_code}/",
    ]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        html = page.locator("html")
        assert html.get_attribute("lang") == language, path
        assert html.get_attribute("dir") == ("rtl" if language in ("ar", "ur") else "ltr"), path
