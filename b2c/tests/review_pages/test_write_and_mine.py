import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from b2c.models import ContentReport, Review
from b2c.services.reviews import review_reject
from b2c.tests.review_pages.helpers import (
    GOOD_TEXT,
    completed_booking,
    inventory,
    png,
    review,
    snapshot,
)

pytestmark = pytest.mark.django_db

NEW = reverse("b2c:review-new")
MINE = reverse("b2c:reviews-mine")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def booking(nadia):
    inventory()
    return completed_booking(nadia)


@pytest.fixture
def nadia_client(client, nadia):
    client.force_login(nadia.user)
    return client


def trip_value(booking) -> str:
    return f"{booking.pk}-{booking.segments.get().flight_id}"


def test_the_form_lists_completed_flights(nadia_client, booking):
    html = nadia_client.get(NEW).content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert f'value="{trip_value(booking)}"' in html
    assert "EK1 DXB → LHR, Mar 2, 2026" in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert "multiple" in html
    assert "<legend>Overall rating (1 = poor, 5 = excellent):</legend>" in html


def test_a_verified_review_is_published(nadia_client, nadia, booking):
    response = nadia_client.post(
        NEW,
        {
            "trip": trip_value(booking), "rating": "5", "comfort": "4", "service": "",
            "value": "", "punctuality": "3", "title": "Lovely crew", "text": GOOD_TEXT,
            "images": [png()],
        },
    )  # fmt: skip

    assert response.status_code == 302
    assert response.url == MINE
    written = Review.objects.get()
    assert (
        written.customer, written.subject_key, written.verified_purchase, written.status,
        written.rating, written.comfort, written.service, written.punctuality, written.title,
        written.booking, written.travel_date, written.images.count(),
    ) == (
        nadia, "flight:EK:DXB-LHR", True, "published", 5, 4, None, 3, "Lovely crew", booking,
        dt.date(2026, 3, 2), 1,
    )  # fmt: skip
    assert messages_of(response) == ["Thank you: your review is published."]


def test_another_trip_by_hand_is_not_verified(nadia_client, booking):
    response = nadia_client.post(
        NEW,
        {"trip": "other", "subject_kind": "flight", "airline": "ek", "origin": "dxb",
         "destination": "shj", "travel_date": "2026-04-02", "rating": "3",
         "title": "Short hop", "text": GOOD_TEXT},
    )  # fmt: skip

    assert response.status_code == 302
    written = Review.objects.get()
    assert (written.subject_key, written.verified_purchase, written.travel_date) == (
        "flight:EK:DXB-SHJ", False, dt.date(2026, 4, 2),
    )  # fmt: skip


def test_a_hotel_review(nadia_client, booking):
    nadia_client.post(
        NEW,
        {"trip": "other", "subject_kind": "hotel", "subject_name": "Atlantis The Palm",
         "travel_date": "2026-04-02", "rating": "4", "title": "Great pool", "text": GOOD_TEXT},
    )  # fmt: skip

    written = Review.objects.get()
    assert (written.subject_kind, written.subject_name, written.verified_purchase) == (
        "hotel", "Atlantis The Palm", False,
    )  # fmt: skip


def test_a_held_review_says_so(nadia_client, booking):
    response = nadia_client.post(
        NEW,
        {"trip": trip_value(booking), "rating": "2", "title": "Meh",
         "text": "Book at http://cheap.example.com instead, much better."},
    )  # fmt: skip

    assert Review.objects.get().status == "pending"
    assert messages_of(response) == [
        "Thank you: your review is held for a quick check before it appears."
    ]
    html = nadia_client.get(MINE).content.decode()
    assert "Waiting for a quick check" in html
    assert "Held because: Contains a link." in html


@pytest.mark.parametrize("rating", ["", "0", "6", "five"])
def test_a_bad_rating_is_refused(nadia_client, booking, rating):
    before = snapshot()

    response = nadia_client.post(
        NEW, {"trip": trip_value(booking), "rating": rating, "title": "T", "text": GOOD_TEXT}
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["rating"]
    assert snapshot() == before


def test_a_lying_image_is_refused_and_the_text_kept(nadia_client, booking):
    before = snapshot()
    fake = SimpleUploadedFile("beach.jpg", b"just some text, not a photo", "image/jpeg")

    response = nadia_client.post(
        NEW,
        {"trip": trip_value(booking), "rating": "5", "title": "Lovely crew",
         "text": GOOD_TEXT, "images": [png(), fake]},
    )  # fmt: skip

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["images"]
    html = response.content.decode()
    assert errors["images"][0] in html
    assert 'value="Lovely crew"' in html
    assert GOOD_TEXT in html
    assert snapshot() == before
    assert snapshot()["files"] == []


def test_seven_images_are_refused(nadia_client, booking):
    response = nadia_client.post(
        NEW,
        {"trip": trip_value(booking), "rating": "5", "title": "Lovely crew", "text": GOOD_TEXT,
         "images": [png(name=f"p{n}.png") for n in range(7)]},
    )  # fmt: skip

    assert response.status_code == 400
    assert response.context["form"].errors == {"images": ["A review can have at most 6 images."]}
    assert Review.objects.count() == 0


def test_a_second_review_of_the_same_trip_is_refused(nadia_client, booking):
    data = {"trip": trip_value(booking), "rating": "5", "title": "Lovely", "text": GOOD_TEXT}
    nadia_client.post(NEW, data)

    response = nadia_client.post(NEW, data | {"title": "Again"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["You have already reviewed this trip."]
    assert list(Review.objects.values_list("title", flat=True)) == ["Lovely"]


def test_another_trip_without_a_date_is_refused(nadia_client, booking):
    response = nadia_client.post(
        NEW,
        {"trip": "other", "subject_kind": "flight", "airline": "EK", "origin": "DXB",
         "destination": "LHR", "rating": "4", "title": "Fine", "text": GOOD_TEXT},
    )  # fmt: skip

    assert response.context["form"].errors == {"travel_date": ["Tell us when you travelled."]}
    assert Review.objects.count() == 0


def test_write_needs_signing_in(client, db):
    response = client.get(NEW)

    assert response.status_code == 302
    assert "/login/" in response.url


def test_my_reviews_show_their_status(nadia_client, nadia, staff):
    review(nadia, rating=4, title="Published one")
    rejected = review(nadia, rating=1, title="Rejected one", day=dt.date(2026, 6, 1))
    review_reject(staff_user=staff, review_id=rejected.pk, reason="It names a crew member.")
    review(rating=2, title="Someone else's")

    html = nadia_client.get(MINE).content.decode()

    assert "Published one" in html and "Rejected one" in html
    assert "Someone else" not in html
    assert "Not published" in html
    assert "Reason: It names a crew member." in html
    assert reverse("b2c:review-edit", args=[rejected.pk]) in html
    assert reverse("b2c:review-delete", args=[rejected.pk]) in html


def test_edit_own_review(nadia_client, nadia):
    mine = review(nadia, rating=4, title="Good flight", comfort=3)

    page = nadia_client.get(reverse("b2c:review-edit", args=[mine.pk]))
    response = nadia_client.post(
        reverse("b2c:review-edit", args=[mine.pk]),
        {"rating": "2", "comfort": "", "title": "Changed my mind", "text": GOOD_TEXT},
    )

    assert 'value="Good flight"' in page.content.decode()
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.rating, mine.comfort, mine.title) == (2, None, "Changed my mind")


def test_edit_after_the_window_is_refused(nadia_client, nadia):
    mine = review(nadia, rating=4, title="Good flight")
    Review.objects.filter(pk=mine.pk).update(created_at=mine.created_at - dt.timedelta(days=31))
    before = snapshot()

    response = nadia_client.post(
        reverse("b2c:review-edit", args=[mine.pk]),
        {"rating": "1", "title": "Changed", "text": GOOD_TEXT},
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "A review can be changed for 30 days after it is written."
    ]
    assert snapshot() == before
    mine_page = nadia_client.get(MINE).content.decode()
    assert reverse("b2c:review-edit", args=[mine.pk]) not in mine_page
    assert "It could be changed until" in mine_page


def test_delete_own_review_after_confirming(nadia_client, nadia):
    mine = review(nadia, rating=4, title="Good flight")
    url = reverse("b2c:review-delete", args=[mine.pk])

    page = nadia_client.get(url)
    response = nadia_client.post(url)

    assert "Delete your review “Good flight”?" in page.content.decode()
    assert response.status_code == 302
    assert Review.objects.count() == 0
    assert messages_of(response) == ["Your review “Good flight” is deleted."]


@pytest.mark.parametrize("action", ["review-edit", "review-delete"])
def test_others_reviews_are_404(nadia_client, omar, action):
    theirs = review(omar, rating=4, title="Omar's")
    before = snapshot()
    url = reverse(f"b2c:{action}", args=[theirs.pk])

    assert nadia_client.get(url).status_code == 404
    data = {"rating": "1", "title": "Changed", "text": GOOD_TEXT}
    assert nadia_client.post(url, data).status_code == 404
    assert snapshot() == before


def test_report_a_review(nadia_client, omar):
    theirs = review(omar, rating=1, title="Rude")

    page = nadia_client.get(reverse("b2c:review-report", args=[theirs.pk]))
    response = nadia_client.post(
        reverse("b2c:review-report", args=[theirs.pk]), {"reason": "spam", "note": "An ad."}
    )

    assert "Spam or advertising" in page.content.decode()
    assert response.status_code == 302
    assert response.url == reverse("b2c:reviews-route", args=["EK", "DXB", "LHR"])
    report = ContentReport.objects.get()
    assert (report.review, report.reason, report.note) == (theirs, "spam", "An ad.")
    theirs.refresh_from_db()
    assert theirs.report_count == 1


def test_report_without_a_reason_is_refused(nadia_client, omar):
    theirs = review(omar, rating=1, title="Rude")

    response = nadia_client.post(reverse("b2c:review-report", args=[theirs.pk]), {"note": "x"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"reason": ["Choose a reason."]}
    assert ContentReport.objects.count() == 0


def test_report_ones_own_review_is_refused(nadia_client, nadia):
    mine = review(nadia, rating=5, title="Mine")

    response = nadia_client.post(reverse("b2c:review-report", args=[mine.pk]), {"reason": "spam"})

    assert response.status_code == 400
    assert "You cannot report your own content." in response.content.decode()
    assert ContentReport.objects.count() == 0


def test_report_a_review_not_published_is_404(nadia_client, omar):
    held = review(omar, rating=1, title="Short", text="Too short.")

    assert held.status == "pending"
    assert nadia_client.get(reverse("b2c:review-report", args=[held.pk])).status_code == 404
