"""The story pages through the client: feed, author page, story page (photos, likes, comments,
preview card, share links), writing and editing; refusals that keep the typed text."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from b2c.models import StoryComment, TravelStory
from b2c.services.social import comment_add, comment_delete, story_like_toggle
from b2c.tests.social.helpers import fake_image, jpeg, no_files, snapshot, story, unsafe_markup
from core.testing.factories import CustomerFactory
from core.testing.inventory import airport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://safar.example"
    return settings.MEDIA_ROOT


def _url(name, *args):
    return reverse(f"b2c:{name}", args=args)


def test_story_page_shows_body_photos_and_preview_card(client, customer, _media):
    customer.user.first_name, customer.user.last_name = "Nadia", "Karimi"
    customer.user.save()
    airport("DXB")
    made = story(
        customer, destination_code="DXB", body="We **loved** the souks & the sea.\n\n" + "x" * 300,
        photos=[jpeg(), jpeg()], captions=["Gold souk"],
    )  # fmt: skip
    cover, second = made.photos.order_by("position")
    page = client.get(_url("story", made.slug))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<p>We <strong>loved</strong> the souks &amp; the sea.</p>" in html
    assert "Nadia K." in html
    assert customer.user.email not in html
    assert (f'<a href="{cover.image.url}"><img src="{cover.thumbnail.url}" alt="Gold souk"'
            in html)  # fmt: skip
    assert f'<img src="{second.thumbnail.url}" alt="Three days in Dubai"' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Three days in Dubai">' in html
    assert (f'<meta property="og:image" content="https://safar.example{cover.image.url}">'
            in html)  # fmt: skip
    assert (f'<meta property="og:url" content="https://safar.example/stories/{made.slug}/">'
            in html)  # fmt: skip
    description = "We loved the souks &amp; the sea. " + "x" * 169 + "…"
    assert f'<meta property="og:description" content="{description}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert 'name="robots"' not in html
    shared = "https%3A%2F%2Fsafar.example%2Fstories%2Fthree-days-in-dubai%2F"
    assert f"https://www.facebook.com/sharer/sharer.php?u={shared}" in html
    assert f"https://twitter.com/intent/tweet?url={shared}" in html
    assert "https://wa.me/?text=" in html
    assert f"mailto:?subject=Three%20days%20in%20Dubai&amp;body={shared}" in html
    assert unsafe_markup(html, allowed_tags={"img", "form"}) == []


@pytest.mark.parametrize("visibility", ["unlisted", "private"])
def test_unlisted_and_private_pages_are_not_indexed(client, customer, visibility):
    made = story(customer, visibility=visibility)
    client.force_login(customer.user)
    html = client.get(_url("story", made.slug)).content.decode()
    assert '<meta name="robots" content="noindex">' in html


def test_arabic_slug_page_opens(client, customer):
    made = story(customer, title="رحلتي إلى دبي")
    assert made.slug == "رحلتي-إلى-دبي"
    page = client.get(f"/stories/{made.slug}/")
    assert page.status_code == 200
    assert '<h1 dir="auto">رحلتي إلى دبي</h1>' in page.content.decode()


def test_feed_paginates_twelve_newest_first(client, customer):
    made = [story(customer, title=f"Story number {i:02d}") for i in range(14)]
    first = client.get(_url("stories")).content.decode()
    assert first.count('class="story-card"') == 12
    assert "Story number 13" in first and "Story number 01" not in first
    assert 'aria-label="Pages of stories"' in first
    second = client.get(_url("stories") + "?page=2").content.decode()
    assert second.count('class="story-card"') == 2
    assert made[0].title in second


def _feed_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url("stories")).status_code == 200
    return len(queries)


def test_feed_queries_do_not_grow_with_stories(client, customer, other_customer, _media):
    airport("DXB")
    story(customer, destination_code="DXB", photos=[jpeg()])
    few = _feed_queries(client)
    for index in range(10):
        author = CustomerFactory() if index % 2 else other_customer
        story(author, title=f"More {index}", destination_code="DXB", photos=[jpeg()])
    assert _feed_queries(client) == few == 2  # count and page

    client.force_login(customer.user)
    signed_in = _feed_queries(client)
    story(CustomerFactory(), title="One more", photos=[jpeg()])
    assert _feed_queries(client) == signed_in


def test_story_page_queries_do_not_grow_with_comments(client, customer, other_customer):
    made = story(customer)
    top = comment_add(customer=other_customer, story_id=made.pk, text="First")
    comment_add(customer=customer, story_id=made.pk, text="Reply", parent_id=top.pk)
    with CaptureQueriesContext(connection) as few:
        client.get(_url("story", made.slug))
    for index in range(6):
        someone = CustomerFactory()
        parent = comment_add(customer=someone, story_id=made.pk, text=f"Comment {index}")
        comment_add(customer=customer, story_id=made.pk, text="Thanks", parent_id=parent.pk)
    with CaptureQueriesContext(connection) as many:
        client.get(_url("story", made.slug))
    assert len(many) == len(few)


def test_like_with_htmx_returns_the_button(client, customer, other_customer):
    made = story(customer)
    client.force_login(other_customer.user)
    answer = client.post(_url("story-like", made.slug), HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'aria-pressed="true"' in html
    assert "1 like" in html
    answer = client.post(_url("story-like", made.slug), HTTP_HX_REQUEST="true")
    assert 'aria-pressed="false"' in answer.content.decode()
    assert "0 likes" in answer.content.decode()


def test_like_without_javascript_redirects_back(client, customer, other_customer):
    made = story(customer)
    client.force_login(other_customer.user)
    answer = client.post(_url("story-like", made.slug))
    assert answer.status_code == 302
    assert answer["Location"] == f"/stories/{made.slug}/#like"
    made.refresh_from_db()
    assert made.like_count == 1
    page = client.get(_url("story", made.slug)).content.decode()
    assert 'aria-pressed="true"' in page


def test_visitor_cannot_like(client, customer):
    made = story(customer)
    answer = client.post(_url("story-like", made.slug))
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")
    made.refresh_from_db()
    assert made.like_count == 0


def test_comment_reply_edit_delete_through_pages(client, customer, other_customer):
    made = story(customer)
    client.force_login(other_customer.user)
    answer = client.post(_url("story-comment", made.slug), {"text": "Lovely <b>trip</b>"})
    top = StoryComment.objects.get()
    assert answer["Location"] == f"/stories/{made.slug}/#comment-{top.pk}"
    client.force_login(customer.user)
    client.post(_url("story-comment", made.slug), {"text": "Thank you", "parent": top.pk})
    reply = StoryComment.objects.exclude(pk=top.pk).get()
    assert reply.parent_id == top.pk
    html = client.get(_url("story", made.slug)).content.decode()
    assert "Lovely &lt;b&gt;trip&lt;/b&gt;" in html
    assert "2 comments" in html
    assert '<ol class="list-plain story-replies">' in html

    # Someone else's comment cannot be edited or deleted: 404, nothing changed.
    before = snapshot()
    assert (
        client.post(_url("story-comment-edit", made.slug, top.pk), {"text": "x"}).status_code == 404
    )
    assert client.post(_url("story-comment-delete", made.slug, top.pk)).status_code == 404
    assert snapshot() == before

    client.force_login(other_customer.user)
    answer = client.post(_url("story-comment-edit", made.slug, top.pk), {"text": "Lovely trip"})
    assert answer.status_code == 302
    top.refresh_from_db()
    assert (top.text, top.edited_at is not None) == ("Lovely trip", True)
    client.post(_url("story-comment-delete", made.slug, top.pk))
    html = client.get(_url("story", made.slug)).content.decode()
    assert "This comment was deleted by its author." in html
    assert "Thank you" in html
    made.refresh_from_db()
    assert made.comment_count == 1


def test_empty_comment_shows_the_error(client, customer):
    made = story(customer)
    client.force_login(customer.user)
    answer = client.post(_url("story-comment", made.slug), {"text": "  "})
    assert answer.status_code == 400
    assert "This field is required." in answer.content.decode()
    assert StoryComment.objects.count() == 0


def test_write_a_story_with_photos(client, customer, _media):
    client.force_login(customer.user)
    assert client.get(_url("story-new")).status_code == 200
    answer = client.post(
        _url("story-new"),
        {"title": "Muscat by the sea", "body": "Dhows *everywhere*.", "visibility": "public",
         "photos": [jpeg("a.jpg"), jpeg("b.jpg")], "captions": "Harbour\nCorniche"},
    )  # fmt: skip
    made = TravelStory.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == "/stories/muscat-by-the-sea/"
    assert list(made.photos.order_by("position").values_list("caption", flat=True)) == [
        "Harbour", "Corniche",
    ]  # fmt: skip


def test_refused_photo_keeps_the_text_and_stores_nothing(client, customer, _media):
    client.force_login(customer.user)
    answer = client.post(
        _url("story-new"),
        {"title": "Muscat by the sea", "body": "Dhows everywhere.", "visibility": "public",
         "photos": [jpeg("fine.jpg"), fake_image("evil.jpg")]},
    )  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "This file is not a JPEG, PNG or WebP image." in html
    assert 'value="Muscat by the sea"' in html
    assert "\nDhows everywhere.</textarea>" in html
    assert TravelStory.objects.count() == 0
    assert no_files(_media)


def test_new_story_needs_sign_in(client):
    assert client.get(_url("story-new")).status_code == 302


def test_edit_and_delete_only_by_the_author(client, customer, other_customer):
    made = story(customer)
    client.force_login(other_customer.user)
    before = snapshot()
    assert client.get(_url("story-edit", made.slug)).status_code == 404
    assert client.post(_url("story-edit", made.slug), {"title": "Mine"}).status_code == 404
    assert client.post(_url("story-delete", made.slug)).status_code == 404
    assert snapshot() == before

    client.force_login(customer.user)
    assert client.get(_url("story-edit", made.slug)).status_code == 200
    answer = client.post(
        _url("story-edit", made.slug),
        {"title": "Three long days", "body": "Edited", "visibility": "unlisted"},
    )
    old_slug = made.slug
    made.refresh_from_db()
    # Made unlisted, the story moved to a new random address, and the page sends the author there.
    assert made.slug != old_slug
    assert answer["Location"] == f"/stories/{made.slug}/"
    assert client.get(_url("story", old_slug)).status_code == 404
    assert (made.title, made.body_html, made.visibility) == (
        "Three long days", "<p>Edited</p>", "unlisted",
    )  # fmt: skip
    assert client.get(_url("story-delete", made.slug)).status_code == 200
    answer = client.post(_url("story-delete", made.slug))
    assert answer["Location"] == f"/stories/by/{customer.referral_code}/"
    assert TravelStory.objects.count() == 0


def test_author_page_by_referral_code(client, customer, other_customer):
    story(customer, title="Public one")
    story(customer, title="Unlisted one", visibility="unlisted")
    html = client.get(_url("stories-author", customer.referral_code)).content.decode()
    assert "Public one" in html and "Unlisted one" not in html
    assert customer.user.email not in html
    assert client.get(_url("stories-author", "NOSUCH99")).status_code == 404


def test_deleted_comment_without_replies_disappears(client, customer):
    made = story(customer)
    comment = comment_add(customer=customer, story_id=made.pk, text="Oops")
    comment_delete(customer=customer, comment_id=comment.pk)
    html = client.get(_url("story", made.slug)).content.decode()
    assert "Oops" not in html and "0 comments" in html


def test_like_count_on_page_for_visitors(client, customer, other_customer):
    made = story(customer)
    story_like_toggle(customer=other_customer, story_id=made.pk)
    html = client.get(_url("story", made.slug)).content.decode()
    assert "1 like" in html
    assert "Sign in to like" in html


def test_report_a_story_and_a_comment_through_pages(client, customer, other_customer):
    from b2c.models import ContentReport

    made = story(customer)
    comment = comment_add(customer=customer, story_id=made.pk, text="Visit my shop")
    client.force_login(other_customer.user)
    html = client.get(_url("story", made.slug)).content.decode()
    assert f'href="/stories/{made.slug}/report/"' in html
    assert f'href="/stories/{made.slug}/comments/{comment.pk}/report/"' in html
    assert client.get(_url("story-report", made.slug)).status_code == 200
    answer = client.post(_url("story-report", made.slug), {"reason": "spam"})
    assert answer["Location"] == f"/stories/{made.slug}/"
    answer = client.post(
        _url("story-comment-report", made.slug, comment.pk), {"reason": "spam", "note": "Ads"}
    )
    assert answer.status_code == 302
    assert list(ContentReport.objects.order_by("id").values_list("story_id", "comment_id")) == [
        (made.pk, None), (None, comment.pk),
    ]  # fmt: skip
    answer = client.post(_url("story-report", made.slug), {"reason": ""})
    assert answer.status_code == 400
    assert ContentReport.objects.count() == 2


def test_report_of_a_private_story_is_404(client, customer, other_customer):
    from b2c.models import ContentReport

    made = story(customer, visibility="private")
    client.force_login(other_customer.user)
    assert client.post(_url("story-report", made.slug), {"reason": "spam"}).status_code == 404
    assert ContentReport.objects.count() == 0


def test_photos_move_up_and_down_on_the_edit_page(client, customer, _media):
    made = story(customer, photos=[jpeg("a.jpg"), jpeg("b.jpg"), jpeg("c.jpg")])
    first, second, third = made.photos.order_by("position")
    client.force_login(customer.user)

    page = client.get(reverse("b2c:story-edit", args=[made.slug])).content.decode()
    # The first photo cannot move up, the last cannot move down.
    assert reverse("b2c:story-photo-up", args=[made.slug, first.pk]) not in page
    assert reverse("b2c:story-photo-down", args=[made.slug, third.pk]) not in page
    client.post(reverse("b2c:story-photo-down", args=[made.slug, first.pk]))
    client.post(reverse("b2c:story-photo-up", args=[made.slug, third.pk]))

    order = list(made.photos.order_by("position").values_list("pk", flat=True))
    assert order == [second.pk, third.pk, first.pk]


def test_someone_else_cannot_move_a_photo(client, customer, other_customer, _media):
    made = story(customer, photos=[jpeg("a.jpg"), jpeg("b.jpg")])
    first = made.photos.order_by("position").first()
    client.force_login(other_customer.user)

    response = client.post(reverse("b2c:story-photo-down", args=[made.slug, first.pk]))

    assert response.status_code == 404
    assert made.photos.order_by("position").first() == first
