"""story_create / story_update / story_delete and photos: rendering, slugs, refusals that change
nothing and leave no file."""

import re

import pytest

from b2c.models import TravelPhoto, TravelStory
from b2c.services.social import (
    StoryNotFound,
    markdown_render,
    story_cover_set,
    story_delete,
    story_photo_add,
    story_photo_caption,
    story_photo_remove,
    story_photo_reorder,
    story_update,
)
from b2c.tests.referrals.helpers import booking_for
from b2c.tests.social.helpers import fake_image, files_under, jpeg, no_files, snapshot, story
from core.exceptions import ApplicationError
from core.testing.inventory import airport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_markdown_rendered_to_the_allowed_tags():
    html = markdown_render(
        "## Day one\n\n**Bold** and *soft*, a [link](https://example.com/a).\n\n"
        "- one\n- two\n\n> quoted\n\n`code`\n\n---\n"
    )
    assert html == (
        "<h2>Day one</h2>\n"
        '<p><strong>Bold</strong> and <em>soft</em>, a <a href="https://example.com/a" '
        'rel="nofollow ugc noopener">link</a>.</p>\n'
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
        "<p><code>code</code></p>\n<hr>"
    )


def test_h1_and_images_are_not_kept():
    assert markdown_render("# Big\n\n![x](https://example.com/x.png)") == "Big\n<p></p>"


def test_create_stores_text_html_slug_and_links(customer):
    airport("DXB")
    booking = booking_for(customer)
    made = story(customer, destination_code="dxb", booking_id=booking.pk, language="ar")
    made.refresh_from_db()
    assert made.title == "Three days in Dubai"
    assert made.slug == "three-days-in-dubai"
    assert made.body == "We *loved* the souks."
    assert made.body_html == "<p>We <em>loved</em> the souks.</p>"
    assert made.destination.iata_code == "DXB"
    assert made.booking_id == booking.pk
    assert made.language == "ar"
    assert made.published_at is not None
    assert (made.like_count, made.comment_count, made.cover_id) == (0, 0, None)


def test_same_title_gets_a_suffix(customer):
    first = story(customer)
    second = story(customer)
    assert first.slug == "three-days-in-dubai"
    assert second.slug.startswith("three-days-in-dubai-")
    assert len(second.slug) == len("three-days-in-dubai-") + 6


def test_arabic_title_gives_a_readable_slug(customer):
    made = story(customer, title="رحلتي إلى دبي")
    assert made.slug == "رحلتي-إلى-دبي"


def test_title_of_symbols_only_still_has_an_address(customer):
    assert story(customer, title="!!! ???").slug == "story"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "ab"}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"visibility": "friends"}, "visibility"),
        ({"destination_code": "ZZZ"}, "destination"),
        ({"captions": ["x" * 201], "photos": ["placeholder"]}, "captions"),
    ],
)
def test_refused_fields_store_nothing(customer, overrides, field, _media):
    if overrides.get("photos"):
        overrides["photos"] = [jpeg()]
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        story(customer, **overrides)
    assert list(refused.value.extra) == [field]
    assert snapshot() == before
    assert no_files(_media)


def test_someone_elses_booking_is_refused(customer, other_customer):
    booking = booking_for(other_customer)
    with pytest.raises(ApplicationError) as refused:
        story(customer, booking_id=booking.pk)
    assert refused.value.extra == {"booking": ["This trip is not one of your bookings."]}
    assert TravelStory.objects.count() == 0


def test_photos_stored_with_captions_first_is_cover(customer, _media):
    made = story(customer, photos=[jpeg("a.jpg"), jpeg("b.jpg")], captions=["Sunset"])
    photos = list(made.photos.order_by("position"))
    assert [(p.position, p.caption) for p in photos] == [(0, "Sunset"), (1, "")]
    assert made.cover_id == photos[0].pk
    assert (photos[0].width, photos[0].height) == (64, 48)
    assert len(files_under(_media)) == 4  # two photos, two thumbnails
    # Stored under the pipeline's random names, never the upload's.
    assert all(re.fullmatch(r"stories/[0-9a-f]{32}(-thumb)?\.jpg", n) for n in files_under(_media))


def test_a_refused_photo_leaves_nothing(customer, _media):
    before = snapshot()
    with pytest.raises(ApplicationError):
        story(customer, photos=[jpeg("good.jpg"), fake_image("evil.jpg")])
    assert snapshot() == before
    assert no_files(_media)


def test_failure_after_files_were_stored_removes_them(customer, _media, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    # The photo's files are stored, then its row fails.
    monkeypatch.setattr(TravelPhoto, "save", broken_save)
    before = snapshot()
    with pytest.raises(RuntimeError):
        story(customer, photos=[jpeg("one.jpg")])
    assert snapshot() == before
    assert no_files(_media)


def test_more_than_twelve_photos_refused(customer, _media):
    with pytest.raises(ApplicationError) as refused:
        story(customer, photos=[jpeg(f"{i}.jpg") for i in range(13)])
    assert list(refused.value.extra) == ["photos"]
    assert TravelStory.objects.count() == 0
    assert no_files(_media)


def test_update_rerenders_and_keeps_slug(customer):
    made = story(customer)
    updated = story_update(
        customer=customer, story_id=made.pk, title="Four days in Dubai", body="**More**",
        visibility=TravelStory.Visibility.PUBLIC,
    )  # fmt: skip
    updated.refresh_from_db()
    assert (updated.title, updated.slug, updated.body_html, updated.visibility) == (
        "Four days in Dubai", "three-days-in-dubai", "<p><strong>More</strong></p>", "public",
    )  # fmt: skip


SECRET_SLUG = r"three-days-in-dubai-[a-z0-9]{10}"


@pytest.mark.parametrize("visibility", ["unlisted", "private"])
def test_unlisted_and_private_stories_get_an_unguessable_slug(customer, visibility):
    first = story(customer, visibility=visibility)
    second = story(customer, visibility=visibility)
    assert re.fullmatch(SECRET_SLUG, first.slug)
    assert re.fullmatch(SECRET_SLUG, second.slug)
    assert first.slug != second.slug


def test_a_private_story_does_not_take_or_reveal_the_readable_slug(customer, other_customer):
    hidden = story(customer, visibility="private")
    # Had the private story taken "three-days-in-dubai", this one would get a suffix: that
    # difference would tell anyone that a private story with this title exists.
    public = story(other_customer)
    assert public.slug == "three-days-in-dubai"
    assert hidden.slug != public.slug


@pytest.mark.parametrize(
    ("before", "after"), [("public", "unlisted"), ("public", "private"), ("unlisted", "private")]
)
def test_made_unlisted_or_private_gets_a_new_random_slug(customer, before, after):
    made = story(customer, visibility=before)
    old_slug = made.slug
    updated = story_update(
        customer=customer, story_id=made.pk, title=made.title, body=made.body, visibility=after
    )
    assert re.fullmatch(SECRET_SLUG, updated.slug)
    assert updated.slug != old_slug
    assert TravelStory.objects.get().slug == updated.slug
    assert not TravelStory.objects.filter(slug=old_slug).exists()


def test_unchanged_or_public_again_keeps_the_slug(customer):
    made = story(customer, visibility="private")
    slug = made.slug
    for visibility in ("private", "public"):
        updated = story_update(
            customer=customer, story_id=made.pk, title="Other title", body="x",
            visibility=visibility,
        )  # fmt: skip
        assert updated.slug == slug


def test_only_the_author_updates_or_deletes(customer, other_customer):
    made = story(customer)
    before = snapshot()
    with pytest.raises(StoryNotFound):
        story_update(customer=other_customer, story_id=made.pk, title="Mine now", body="x",
                     visibility="public")  # fmt: skip
    with pytest.raises(StoryNotFound):
        story_delete(customer=other_customer, story_id=made.pk)
    assert snapshot() == before


def test_delete_removes_story_and_files(customer, _media, django_capture_on_commit_callbacks):
    made = story(customer, photos=[jpeg()])
    assert len(files_under(_media)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        story_delete(customer=customer, story_id=made.pk)
    assert TravelStory.objects.count() == 0
    assert TravelPhoto.objects.count() == 0
    assert files_under(_media) == []


def test_photo_add_remove_reorder_caption_cover(
    customer, _media, django_capture_on_commit_callbacks
):
    made = story(customer)
    first = story_photo_add(customer=customer, story_id=made.pk, photo=jpeg(), caption="One")
    second = story_photo_add(customer=customer, story_id=made.pk, photo=jpeg(), caption="Two")
    made.refresh_from_db()
    assert made.cover_id == first.pk
    assert (first.position, second.position) == (0, 1)

    story_photo_reorder(customer=customer, story_id=made.pk, photo_ids=[second.pk, first.pk])
    assert list(made.photos.order_by("position").values_list("pk", flat=True)) == [
        second.pk, first.pk,
    ]  # fmt: skip
    story_photo_caption(customer=customer, story_id=made.pk, photo_id=first.pk, caption="Uno")
    story_cover_set(customer=customer, story_id=made.pk, photo_id=second.pk)
    first.refresh_from_db()
    made.refresh_from_db()
    assert (first.caption, made.cover_id) == ("Uno", second.pk)

    with django_capture_on_commit_callbacks(execute=True):
        story_photo_remove(customer=customer, story_id=made.pk, photo_id=second.pk)
    made.refresh_from_db()
    assert made.cover_id == first.pk
    assert len(files_under(_media)) == 2


def test_photo_reorder_must_list_every_photo(customer, _media):
    made = story(customer, photos=[jpeg(), jpeg()])
    ids = list(made.photos.values_list("pk", flat=True))
    before = snapshot()
    with pytest.raises(ApplicationError):
        story_photo_reorder(customer=customer, story_id=made.pk, photo_ids=ids[:1])
    assert snapshot() == before


def test_photo_add_refused_on_someone_elses_story(customer, other_customer, _media):
    made = story(customer)
    with pytest.raises(StoryNotFound):
        story_photo_add(customer=other_customer, story_id=made.pk, photo=jpeg())
    assert TravelPhoto.objects.count() == 0
    assert no_files(_media)


def test_thirteenth_photo_refused(customer, _media):
    made = story(customer, photos=[jpeg() for _ in range(12)])
    files = files_under(_media)
    with pytest.raises(ApplicationError):
        story_photo_add(customer=customer, story_id=made.pk, photo=jpeg())
    assert made.photos.count() == 12
    assert files_under(_media) == files
