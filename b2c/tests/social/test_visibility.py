"""Who sees which story where: public, unlisted, private and hidden stories, for their author,
another customer and a visitor, in the feed, on the author's page, by address and in the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from b2c.services.social import story_hide
from b2c.tests.social.helpers import story
from core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

# visibility -> (in feed, on author page for others, by address for others)
RULES = {
    "public": (True, True, True),
    "unlisted": (False, False, True),
    "private": (False, False, False),
    "hidden": (False, False, False),
}


def _made(customer, kind):
    made = story(
        customer, title=f"A {kind} story", visibility="public" if kind == "hidden" else kind
    )
    if kind == "hidden":
        story_hide(staff_user=UserFactory(is_staff=True), story_id=made.pk, reason="Spam")
    return made


def _clients(customer, other_customer):
    owner, other, visitor = APIClient(), APIClient(), APIClient()
    owner.force_login(customer.user)
    other.force_login(other_customer.user)
    return {"owner": owner, "other": other, "visitor": visitor}


@pytest.mark.parametrize("kind", list(RULES))
@pytest.mark.parametrize("who", ["owner", "other", "visitor"])
def test_visibility_matrix(customer, other_customer, kind, who):
    made = _made(customer, kind)
    client = _clients(customer, other_customer)[who]
    in_feed, on_author_page, by_address = RULES[kind]
    is_owner = who == "owner"

    feed = client.get(reverse("b2c:stories")).content.decode()
    assert (made.title in feed) is in_feed

    author_page = client.get(reverse("b2c:stories-author", args=[customer.referral_code]))
    assert (made.title in author_page.content.decode()) is (on_author_page or is_owner)

    page = client.get(reverse("b2c:story", args=[made.slug]))
    assert page.status_code == (200 if by_address or is_owner else 404)

    api = client.get(f"/api/v1/stories/{made.slug}/")
    assert api.status_code == (200 if by_address or is_owner else 404)
    if api.status_code == 404:
        assert api.json()["error"]["code"] == "not_found"
        assert made.title not in api.content.decode()
    else:
        assert api.json()["title"] == made.title

    api_feed = [s["slug"] for s in client.get("/api/v1/stories/").json()["results"]]
    assert (made.slug in api_feed) is in_feed


@pytest.mark.parametrize("kind", ["private", "hidden"])
def test_others_cannot_act_on_a_story_they_cannot_see(customer, other_customer, kind):
    made = _made(customer, kind)
    other = _clients(customer, other_customer)["other"]
    base = f"/api/v1/stories/{made.slug}/"
    assert other.post(base + "like/").status_code == 404
    assert other.post(base + "comments/", {"text": "Hi"}).status_code == 404
    assert other.get(base + "comments/").status_code == 404
    assert other.post(base + "report/", {"reason": "spam"}).status_code == 404
    assert other.patch(base, {"title": "Mine now"}).status_code == 404
    assert other.delete(base).status_code == 404
    made.refresh_from_db()
    assert (made.title, made.like_count, made.comment_count, made.report_count) == (
        f"A {kind} story", 0, 0, 0,
    )  # fmt: skip
