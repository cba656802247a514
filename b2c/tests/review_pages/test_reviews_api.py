import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from b2c.models import ContentReport, Review, ReviewResponse, ReviewVote
from b2c.services.reviews import review_reject, review_respond
from b2c.tests.review_pages.helpers import (
    GOOD_TEXT,
    ROUTE_KEY,
    inventory,
    png,
    review,
    snapshot,
    verified_review,
)

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def listed(nadia, staff):
    good = verified_review(nadia, rating=5, title="Best crew", comfort=4)
    review_respond(staff_user=staff, review_id=good.pk, text="Thank you.")
    fair = review(rating=4, title="Fine")
    return good, fair


def test_list_a_subject_with_its_summary(listed):
    good, fair = listed

    response = api().get("/api/v1/reviews/", {"subject": ROUTE_KEY})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["aggregate"] == {
        "subject_key": ROUTE_KEY, "review_count": 2, "average": "4.5",
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
    }  # fmt: skip
    assert [r["title"] for r in body["results"]] == ["Fine", "Best crew"]
    first = body["results"][1]
    assert (first["author"], first["verified_purchase"], first["comfort"], first["airline"]) == (
        "Nadia K.", True, 4, "EK",
    )  # fmt: skip
    assert first["response"]["text"] == "Thank you."
    assert body["results"][0]["response"] is None
    assert "customer" not in first and "status" not in first


def test_list_sorted_and_filtered(listed):
    lowest = api().get("/api/v1/reviews/", {"subject": ROUTE_KEY, "sort": "lowest"}).json()
    fives = api().get("/api/v1/reviews/", {"subject": ROUTE_KEY, "rating": 5}).json()

    assert [r["rating"] for r in lowest["results"]] == [4, 5]
    assert [r["title"] for r in fives["results"]] == ["Best crew"]


def test_list_bad_parameters_are_400(db):
    response = api().get("/api/v1/reviews/", {"sort": "random", "rating": "9"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "subject": ["Give a subject, such as flight:EK:DXB-LHR."],
        "sort": ["One of newest, helpful, highest, lowest."],
        "rating": ["A whole number from 1 to 5."],
    }


def test_airline_summary(listed):
    response = api().get("/api/v1/reviews/airlines/ek/summary/")

    assert response.json() == {
        "subject_key": "airline:EK", "review_count": 2, "average": "4.5",
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
    }  # fmt: skip
    assert api().get("/api/v1/reviews/airlines/ZZ/summary/").status_code == 404


def test_create_multipart_with_an_image(nadia):
    inventory()

    response = api(nadia.user).post(
        "/api/v1/reviews/",
        {"subject_kind": "flight", "airline": "ek", "origin": "DXB", "destination": "LHR",
         "travel_date": "2026-05-02", "rating": "4", "comfort": "", "title": "Good",
         "text": GOOD_TEXT, "images": [png()]},
        format="multipart",
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["verified_purchase"], body["comfort"], len(body["images"])) == (
        "published", False, None, 1,
    )  # fmt: skip
    assert Review.objects.get().images.count() == 1


def test_create_json(nadia):
    inventory()

    response = api(nadia.user).post(
        "/api/v1/reviews/",
        {"subject_kind": "hotel", "subject_name": "Atlantis", "travel_date": "2026-05-02",
         "rating": 5, "title": "Pool", "text": GOOD_TEXT},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201
    assert response.json()["subject_key"] == "hotel:atlantis"


def test_create_refusals_change_nothing(nadia):
    inventory()
    before = snapshot()
    fake = SimpleUploadedFile("x.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")

    bad_rating = api(nadia.user).post(
        "/api/v1/reviews/",
        {"subject_kind": "flight", "airline": "EK", "origin": "DXB", "destination": "LHR",
         "travel_date": "2026-05-02", "rating": 9, "title": "Tiny", "text": GOOD_TEXT},
        format="json",
    )  # fmt: skip
    bad_image = api(nadia.user).post(
        "/api/v1/reviews/",
        {"subject_kind": "flight", "airline": "EK", "origin": "DXB", "destination": "LHR",
         "travel_date": "2026-05-02", "rating": 4, "title": "Tiny", "text": GOOD_TEXT,
         "images": [fake]},
        format="multipart",
    )  # fmt: skip

    assert bad_rating.status_code == 400
    assert list(bad_rating.json()["error"]["fields"]) == ["rating"]
    assert bad_image.status_code == 400
    assert list(bad_image.json()["error"]["fields"]) == ["images"]
    assert snapshot() == before


def test_create_needs_authentication(db):
    assert api().post("/api/v1/reviews/", {}, format="json").status_code == 401


def test_detail_patch_and_delete_own_only(nadia, omar):
    mine = review(nadia, rating=4, title="Mine")
    before = snapshot()

    assert api().get(f"/api/v1/reviews/{mine.pk}/").json()["title"] == "Mine"
    assert api(omar.user).patch(f"/api/v1/reviews/{mine.pk}/", {"rating": 1}).status_code == 404
    assert api(omar.user).delete(f"/api/v1/reviews/{mine.pk}/").status_code == 404
    assert snapshot() == before

    patched = api(nadia.user).patch(
        f"/api/v1/reviews/{mine.pk}/", {"rating": 2, "comfort": 3}, format="json"
    )
    assert patched.status_code == 200
    assert (patched.json()["rating"], patched.json()["comfort"]) == (2, 3)
    assert api(nadia.user).delete(f"/api/v1/reviews/{mine.pk}/").status_code == 204
    assert Review.objects.count() == 0


def test_a_held_review_is_404_to_the_public(nadia):
    held = review(nadia, rating=4, title="Short", text="Too short.")

    assert api().get(f"/api/v1/reviews/{held.pk}/").status_code == 404
    mine = api(nadia.user).get("/api/v1/reviews/mine/").json()
    assert [(r["title"], r["status"], r["held_reason"]) for r in mine["results"]] == [
        ("Short", "pending", "Shorter than 30 characters.")
    ]


def test_the_author_gets_their_own_held_or_rejected_review(nadia, omar, staff):
    held = review(nadia, rating=4, title="Short", text="Too short.")
    rejected = review(nadia, rating=2, title="Rejected one", day=dt.date(2026, 5, 2))
    review_reject(staff_user=staff, review_id=rejected.pk, reason="Off topic.")

    mine = api(nadia.user).get(f"/api/v1/reviews/{held.pk}/")
    theirs = api(nadia.user).get(f"/api/v1/reviews/{rejected.pk}/")

    assert mine.status_code == 200
    assert (mine.json()["title"], mine.json()["status"], mine.json()["held_reason"]) == (
        "Short", "pending", "Shorter than 30 characters.",
    )  # fmt: skip
    assert theirs.status_code == 200
    assert (theirs.json()["status"], theirs.json()["rejection_reason"]) == (
        "rejected", "Off topic.",
    )  # fmt: skip
    for pk in (held.pk, rejected.pk):
        assert api(omar.user).get(f"/api/v1/reviews/{pk}/").status_code == 404
        assert api(staff).get(f"/api/v1/reviews/{pk}/").status_code == 404
        assert api().get(f"/api/v1/reviews/{pk}/").status_code == 404


def test_vote_post_and_delete(listed, omar):
    good, _fair = listed
    url = f"/api/v1/reviews/{good.pk}/helpful/"

    assert api(omar.user).post(url).json() == {"voted": True, "helpful_count": 1}
    assert api(omar.user).post(url).json() == {"voted": True, "helpful_count": 1}
    assert ReviewVote.objects.count() == 1
    assert api(omar.user).delete(url).json() == {"voted": False, "helpful_count": 0}
    assert api(omar.user).delete(url).json() == {"voted": False, "helpful_count": 0}
    good.refresh_from_db()
    assert (good.helpful_count, ReviewVote.objects.count()) == (0, 0)


def test_vote_on_own_review_is_400(listed, nadia):
    good, _fair = listed

    response = api(nadia.user).post(f"/api/v1/reviews/{good.pk}/helpful/")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["You cannot vote on your own review."]
    }
    assert ReviewVote.objects.count() == 0


def test_report(listed, omar):
    good, _fair = listed

    response = api(omar.user).post(
        f"/api/v1/reviews/{good.pk}/report/", {"reason": "false", "note": "Never flew."}
    )

    assert response.status_code == 201
    report = ContentReport.objects.get()
    assert (report.reporter, report.review, report.reason, report.note) == (
        omar, good, "false", "Never flew.",
    )  # fmt: skip
    bad = api(omar.user).post(f"/api/v1/reviews/{good.pk}/report/", {"reason": "boring"})
    assert bad.status_code == 400
    assert ContentReport.objects.count() == 1


def test_response_is_staff_only(listed, omar, staff):
    _good, fair = listed
    url = f"/api/v1/reviews/{fair.pk}/response/"

    refused = api(omar.user).post(url, {"text": "We are sorry."})
    answered = api(staff).post(url, {"text": "We are sorry."})
    again = api(staff).post(url, {"text": "Again."})

    assert refused.status_code == 403
    assert answered.status_code == 201
    assert answered.json()["text"] == "We are sorry."
    assert again.status_code == 400
    assert list(ReviewResponse.objects.filter(review=fair).values_list("text", flat=True)) == [
        "We are sorry."
    ]
    assert api(staff).post("/api/v1/reviews/999/response/", {"text": "x"}).status_code == 404


def test_reviews_are_in_the_schema(client, db):
    response = client.get("/api/schema/")

    if response.status_code == 404:
        pytest.skip("no schema URL")
    text = response.content.decode()
    for path in ("/api/v1/reviews/", "/api/v1/reviews/{review_id}/helpful/",
                 "/api/v1/reviews/{review_id}/response/"):  # fmt: skip
        assert path in text


def test_an_unknown_airline_is_a_field_error(nadia):
    inventory()

    response = api(nadia.user).post(
        "/api/v1/reviews/",
        {"subject_kind": "flight", "airline": "ZZ", "origin": "DXB", "destination": "LHR",
         "travel_date": "2026-05-02", "rating": 4, "title": "Good", "text": GOOD_TEXT},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"airline": ["Choose the airline you flew with."]}
    assert Review.objects.count() == 0
