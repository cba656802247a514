"""The stories API: feed, create with photos, detail, update, delete, photos, likes, comments,
reports, and its place in the OpenAPI schema."""

import re

import pytest

from b2c.models import ContentReport, StoryComment, TravelPhoto, TravelStory
from b2c.services.social import comment_add
from b2c.tests.social.helpers import fake_image, jpeg, no_files, snapshot, story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_feed_is_public_and_paginated(api_client, customer):
    made = story(customer)
    answer = api_client.get("/api/v1/stories/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert (item["slug"], item["title"], item["author_handle"], item["liked"]) == (
        made.slug, made.title, customer.referral_code, False,
    )  # fmt: skip
    assert "body" not in item
    assert customer.user.email not in answer.content.decode()


def test_create_with_photos_multipart(customer_api, customer, _media):
    answer = customer_api.post(
        "/api/v1/stories/",
        {"title": "Salalah in the rain", "body": "Green *hills*.", "visibility": "unlisted",
         "photos": [jpeg("a.jpg"), jpeg("b.jpg")], "captions": ["Hills", "Falls"]},
        format="multipart",
    )  # fmt: skip
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["body_html"], body["visibility"]) == ("<p>Green <em>hills</em>.</p>", "unlisted")
    assert re.fullmatch(r"salalah-in-the-rain-[a-z0-9]{10}", body["slug"])
    assert [p["caption"] for p in body["photos"]] == ["Hills", "Falls"]
    assert body["cover"]["id"] == body["photos"][0]["id"]


@pytest.mark.parametrize("empty", ["booking", "destination"])
def test_create_multipart_with_an_empty_optional_field(customer_api, customer, empty):
    # An HTML form (or a form-data client) sends "no trip" as an empty field.
    fields = {"title": "Salalah in the rain", "body": "Green hills.", "booking": "",
              "destination": "", "photos": [jpeg()]}  # fmt: skip
    fields = {k: v for k, v in fields.items() if k == empty or v != ""}
    answer = customer_api.post("/api/v1/stories/", fields, format="multipart")
    assert answer.status_code == 201, answer.json()
    made = TravelStory.objects.get()
    assert (made.booking_id, made.destination_id, made.slug) == (None, None, "salalah-in-the-rain")


def test_update_to_private_answers_the_new_address(customer_api, customer):
    made = story(customer)
    answer = customer_api.patch(
        f"/api/v1/stories/{made.slug}/", {"visibility": "private"}, format="json"
    )
    assert answer.status_code == 200
    new_slug = answer.json()["slug"]
    assert re.fullmatch(r"three-days-in-dubai-[a-z0-9]{10}", new_slug)
    assert TravelStory.objects.get().slug == new_slug
    assert customer_api.get(f"/api/v1/stories/{made.slug}/").status_code == 404


def test_create_refused_photo_stores_nothing(customer_api, _media):
    before = snapshot()
    answer = customer_api.post(
        "/api/v1/stories/",
        {"title": "Bad file", "body": "x", "photos": [jpeg(), fake_image()]},
        format="multipart",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {
        "photos": ["This file is not a JPEG, PNG or WebP image."]
    }
    assert snapshot() == before
    assert no_files(_media)


def test_create_json_field_errors(customer_api):
    answer = customer_api.post(
        "/api/v1/stories/", {"title": "ab", "body": "x", "destination": "ZZZ"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {
        "title": ["The title must be 3 to 150 characters long."],
        "destination": ["“ZZZ” is not an airport we know."],
    }
    assert TravelStory.objects.count() == 0


def test_create_needs_authentication(api_client):
    assert api_client.post("/api/v1/stories/", {"title": "abc", "body": "x"}).status_code == 401


def test_update_and_delete_own(customer_api, customer):
    made = story(customer)
    answer = customer_api.patch(f"/api/v1/stories/{made.slug}/", {"body": "**New**"}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["body_html"], answer.json()["title"]) == (
        "<p><strong>New</strong></p>", "Three days in Dubai",
    )  # fmt: skip
    assert customer_api.delete(f"/api/v1/stories/{made.slug}/").status_code == 204
    assert TravelStory.objects.count() == 0


def test_others_cannot_update_or_delete(api_client, customer, other_customer):
    made = story(customer)
    api_client.force_authenticate(other_customer.user)
    before = snapshot()
    assert api_client.patch(f"/api/v1/stories/{made.slug}/", {"title": "Mine"}).status_code == 404
    assert api_client.delete(f"/api/v1/stories/{made.slug}/").status_code == 404
    assert snapshot() == before


def test_photo_add_and_remove(customer_api, customer, _media):
    made = story(customer)
    answer = customer_api.post(
        f"/api/v1/stories/{made.slug}/photos/",
        {"photo": jpeg(), "caption": "Dunes"},
        format="multipart",
    )
    assert answer.status_code == 201
    photo_id = answer.json()["id"]
    assert answer.json()["caption"] == "Dunes"
    made.refresh_from_db()
    assert made.cover_id == photo_id
    answer = customer_api.delete(f"/api/v1/stories/{made.slug}/photos/{photo_id}/")
    assert answer.status_code == 204
    assert TravelPhoto.objects.count() == 0


def test_photo_refused_leaves_nothing(customer_api, customer, _media):
    made = story(customer)
    answer = customer_api.post(
        f"/api/v1/stories/{made.slug}/photos/", {"photo": fake_image()}, format="multipart"
    )
    assert answer.status_code == 400
    assert TravelPhoto.objects.count() == 0
    assert no_files(_media)


def test_like_and_unlike(api_client, customer, other_customer):
    made = story(customer)
    api_client.force_authenticate(other_customer.user)
    url = f"/api/v1/stories/{made.slug}/like/"
    assert api_client.post(url).json() == {"liked": True, "like_count": 1}
    assert api_client.post(url).json() == {"liked": True, "like_count": 1}
    assert api_client.get(f"/api/v1/stories/{made.slug}/").json()["liked"] is True
    assert api_client.delete(url).json() == {"liked": False, "like_count": 0}


def test_comments_list_create_edit_delete(api_client, customer, other_customer):
    made = story(customer)
    api_client.force_authenticate(other_customer.user)
    url = f"/api/v1/stories/{made.slug}/comments/"
    top = api_client.post(url, {"text": "Great"}, format="json").json()
    reply = api_client.post(url, {"text": "Agreed", "parent": top["id"]}, format="json").json()
    assert reply["parent"] == top["id"]
    threads = api_client.get(url).json()
    assert [(t["id"], [r["id"] for r in t["replies"]]) for t in threads] == [
        (top["id"], [reply["id"]])
    ]
    answer = api_client.patch(f"{url}{top['id']}/", {"text": "Great!"}, format="json")
    assert answer.json()["text"] == "Great!"
    assert api_client.delete(f"{url}{top['id']}/").status_code == 204
    threads = api_client.get(url).json()
    assert (threads[0]["status"], threads[0]["text"], threads[0]["author"]) == ("deleted", "", None)

    api_client.force_authenticate(customer.user)
    before = snapshot()
    assert api_client.patch(f"{url}{reply['id']}/", {"text": "x"}, format="json").status_code == 404
    assert api_client.delete(f"{url}{reply['id']}/").status_code == 404
    assert snapshot() == before


def test_report_story_and_comment(api_client, customer, other_customer):
    made = story(customer)
    comment = comment_add(customer=customer, story_id=made.pk, text="Spam link")
    api_client.force_authenticate(other_customer.user)
    answer = api_client.post(f"/api/v1/stories/{made.slug}/report/", {"reason": "spam"})
    assert answer.status_code == 201
    answer = api_client.post(
        f"/api/v1/stories/{made.slug}/comments/{comment.pk}/report/",
        {"reason": "offensive", "note": "Rude"},
    )
    assert answer.status_code == 201
    assert list(
        ContentReport.objects.order_by("id").values_list("story_id", "comment_id", "reason", "note")
    ) == [(made.pk, None, "spam", ""), (None, comment.pk, "offensive", "Rude")]
    made.refresh_from_db()
    comment.refresh_from_db()
    assert (made.report_count, comment.report_count) == (1, 1)


def test_comment_of_another_story_is_404(api_client, customer, other_customer):
    first, second = story(customer), story(customer)
    comment = comment_add(customer=other_customer, story_id=first.pk, text="Hi")
    api_client.force_authenticate(other_customer.user)
    url = f"/api/v1/stories/{second.slug}/comments/{comment.pk}/"
    assert api_client.patch(url, {"text": "x"}, format="json").status_code == 404
    assert StoryComment.objects.get().text == "Hi"


def test_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/stories/:", "/api/v1/stories/{slug}/:", "/api/v1/stories/{slug}/like/:",
                 "/api/v1/stories/{slug}/comments/:", "/api/v1/stories/{slug}/photos/:",
                 "/api/v1/stories/{slug}/report/:"):  # fmt: skip
        assert path in schema


def test_photo_order_puts_every_photo_in_place(customer_api, customer, _media):
    made = story(customer, photos=[jpeg("a.jpg"), jpeg("b.jpg")])
    first, second = made.photos.order_by("position")

    answer = customer_api.put(
        f"/api/v1/stories/{made.slug}/photos/order/",
        {"photos": [second.pk, first.pk]},
        format="json",
    )

    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()] == [second.pk, first.pk]
    refused = customer_api.put(
        f"/api/v1/stories/{made.slug}/photos/order/", {"photos": [second.pk]}, format="json"
    )
    assert refused.status_code == 400
    assert list(made.photos.order_by("position").values_list("pk", flat=True)) == [
        second.pk, first.pk,
    ]  # fmt: skip
