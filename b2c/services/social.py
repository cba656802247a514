"""Writes to travel stories: stories with their photos, likes and comments, and staff moderation.

A story's body is Markdown, kept with the sanitised HTML rendered from it (markdown-it-py with
raw HTML off, then nh3 with a short list of tags): pages show only `body_html` as markup.
Photos go through the shared image pipeline (`core.images`): decoded, re-encoded without EXIF
or GPS, with a thumbnail; a refused story stores nothing and leaves no file behind.

Every function takes ids with the customer and answers `StoryNotFound` / `CommentNotFound` when
the story or comment is not one the customer may see or change (the same answer as for an id
that does not exist), which pages and the API turn into a 404.

Counters (`like_count`, `comment_count`) change with `F()` in the transaction that adds or
removes the row, under a lock of the story row, so they equal the rows under concurrency.
"""

import secrets
import string
from collections.abc import Sequence
from typing import Any

import nh3
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from b2c.models import Customer, StoryComment, StoryLike, TravelPhoto, TravelStory
from bookings.models import Booking
from core.exceptions import ApplicationError
from core.images import files_cleanup_on_error, files_delete_on_commit, image_process
from flights.models import Airport

TITLE_MIN, TITLE_MAX = 3, 150
BODY_MAX = 20_000
CAPTION_MAX = 200
COMMENT_MAX = 2_000
MAX_PHOTOS = 12
HIDE_REASON_MAX = 300

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h2", "h3", "a", "code", "pre", "hr",
}  # fmt: skip
LINK_REL = "nofollow ugc noopener"
RESERVED_SLUGS = {"new", "by"}

_markdown = MarkdownIt("commonmark", {"html": False})


class StoryNotFound(ApplicationError):
    """Not a story this customer may see (or change): a 404 in pages and the API."""


class CommentNotFound(ApplicationError):
    """Not a comment this customer may see (or change): a 404 in pages and the API."""


def _refused(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, {field: [message]})


def _not_found() -> StoryNotFound:
    return StoryNotFound(_("This story was not found."))


# Rendering ---------------------------------------------------------------------------------------


def markdown_render(text: str) -> str:
    """Markdown to HTML that is safe to show: raw HTML is escaped by the renderer, then anything
    outside the short list (tags, attributes, link schemes other than http, https and mailto)
    is removed by nh3, and links get rel="nofollow ugc noopener"."""
    return nh3.clean(
        _markdown.render(text),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


RANDOM_SLUG_CHARS = string.ascii_lowercase + string.digits
RANDOM_SLUG_LENGTH = 10  # about 51 bits: not guessable, short enough to share


def _secret_suffix() -> str:
    return "".join(secrets.choice(RANDOM_SLUG_CHARS) for _ in range(RANDOM_SLUG_LENGTH))


def _slug_base(title: str) -> str:
    return slugify(title, allow_unicode=True)[:160].strip("-") or "story"


def _slug_for(title: str, visibility: str) -> str:
    """A readable address for a public story (a short suffix only on a clash); for an unlisted
    or private one, the title with a random suffix, so that its address cannot be guessed from
    the title and no clash check tells anyone that such a story exists."""
    base = _slug_base(title)
    if visibility != TravelStory.Visibility.PUBLIC:
        slug = f"{base}-{_secret_suffix()}"
    # "new" is the address of the page that writes a story.
    elif base in RESERVED_SLUGS:
        slug = f"{base}-{secrets.token_hex(3)}"
    else:
        slug = base
    while TravelStory.objects.filter(slug=slug).exists():
        suffix = secrets.token_hex(3) if visibility == TravelStory.Visibility.PUBLIC else None
        slug = f"{base}-{suffix or _secret_suffix()}"
    return slug


# Validation --------------------------------------------------------------------------------------


def _clean_story_fields(
    *,
    customer: Customer,
    title: str,
    body: str,
    visibility: str,
    destination_code: str,
    booking_id: int | None,
    language: str,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    body = (body or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = [
            _("The title must be %(min)d to %(max)d characters long.")
            % {"min": TITLE_MIN, "max": TITLE_MAX}
        ]
    if not 1 <= len(body) <= BODY_MAX:
        errors["body"] = [_("The story must be 1 to %(max)d characters long.") % {"max": BODY_MAX}]
    if visibility not in TravelStory.Visibility.values:
        errors["visibility"] = [_("Choose who can see the story.")]
    destination = None
    code = (destination_code or "").strip().upper()
    if code:
        destination = Airport.objects.filter(iata_code=code).first()
        if destination is None:
            errors["destination"] = [_("“%(code)s” is not an airport we know.") % {"code": code}]
    booking = None
    if booking_id is not None:
        # Someone else's booking reads the same as one that does not exist.
        booking = Booking.objects.filter(pk=booking_id, customer=customer).first()
        if booking is None:
            errors["booking"] = [_("This trip is not one of your bookings.")]
    language = (language or "en").strip()[:8] or "en"
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors)
    return {
        "title": title,
        "body": body,
        "body_html": markdown_render(body),
        "visibility": visibility,
        "destination": destination,
        "booking": booking,
        "language": language,
    }


def _clean_caption(caption: str | None, field: str = "captions") -> str:
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX:
        raise _refused(
            field, _("A caption can be at most %(max)d characters long.") % {"max": CAPTION_MAX}
        )
    return caption


def _as_file(content: Any, name: str) -> File:
    return content if isinstance(content, File) else ContentFile(content, name=name)


def _photo_store(
    *, story: TravelStory, processed: Any, caption: str, position: int, stored: list[str]
) -> TravelPhoto:
    """Store one processed image and its thumbnail, noting the names for clean-up on failure."""
    photo = TravelPhoto(story=story, caption=caption, position=position)
    photo.image.save(processed.name, _as_file(processed.content, processed.name), save=False)
    stored.append(photo.image.name)
    photo.thumbnail.save(
        processed.thumbnail_name,
        _as_file(processed.thumbnail, processed.thumbnail_name),
        save=False,
    )
    stored.append(photo.thumbnail.name)
    photo.width, photo.height = processed.width, processed.height
    photo.save()
    return photo


def _own_story_locked(*, customer: Customer, story_id: int) -> TravelStory:
    story = TravelStory.objects.select_for_update().filter(pk=story_id, author=customer).first()
    if story is None:
        raise _not_found()
    return story


def _visible_to(customer: Customer | None) -> Q:
    """Stories a viewer may open: public and unlisted ones not hidden, and all of their own."""
    q = Q(visibility__in=[TravelStory.Visibility.PUBLIC, TravelStory.Visibility.UNLISTED],
          hidden_at__isnull=True)  # fmt: skip
    if customer is not None:
        q |= Q(author=customer)
    return q


# Stories -----------------------------------------------------------------------------------------


def story_create(
    *,
    customer: Customer,
    title: str,
    body: str,
    visibility: str,
    destination_code: str = "",
    booking_id: int | None = None,
    language: str = "en",
    photos: Sequence[Any] = (),
    captions: Sequence[str] = (),
) -> TravelStory:
    """Publish a story with up to 12 photos (the first is the cover). Refused as a whole, with
    nothing stored and no file left, when any field or any photo is refused."""
    fields = _clean_story_fields(
        customer=customer, title=title, body=body, visibility=visibility,
        destination_code=destination_code, booking_id=booking_id, language=language,
    )  # fmt: skip
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise _refused(
            "photos", _("A story can have at most %(max)d photos.") % {"max": MAX_PHOTOS}
        )
    captions = list(captions) + [""] * (len(photos) - len(captions))
    clean_captions = [_clean_caption(c) for c in captions[: len(photos)]]
    # Decoded and re-encoded before anything is written: a refused image refuses the story.
    processed = [image_process(upload, field="photos") for upload in photos]
    with files_cleanup_on_error() as stored, transaction.atomic():
        story = _story_insert(customer=customer, fields=fields)
        cover = None
        for position, (image, caption) in enumerate(zip(processed, clean_captions, strict=True)):
            photo = _photo_store(
                story=story, processed=image, caption=caption, position=position, stored=stored
            )
            cover = cover or photo
        if cover is not None:
            story.cover = cover
            story.save(update_fields=["cover", "updated_at"])
    return story


def _story_insert(*, customer: Customer, fields: dict[str, Any]) -> TravelStory:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return TravelStory.objects.create(
                    author=customer,
                    slug=_slug_for(fields["title"], fields["visibility"]),
                    published_at=timezone.now(),
                    **fields,
                )
        except IntegrityError:
            # Two stories with the same title at once took the same slug: draw another.
            continue
    raise ApplicationError(_("The story could not be saved; please try again."))


def story_update(
    *,
    customer: Customer,
    story_id: int,
    title: str,
    body: str,
    visibility: str,
    destination_code: str = "",
    booking_id: int | None = None,
    language: str | None = None,
) -> TravelStory:
    """The author changes the story's text and settings; its address (slug) stays, except
    when the story is made unlisted or private: then it gets a new random address and the old
    one stops working (whoever had the link, or guessed it from the title, loses it). Callers
    must use the returned story's slug."""
    with transaction.atomic():
        story = _own_story_locked(customer=customer, story_id=story_id)
        fields = _clean_story_fields(
            customer=customer, title=title, body=body, visibility=visibility,
            destination_code=destination_code, booking_id=booking_id,
            language=language or story.language,
        )  # fmt: skip
        if (
            fields["visibility"] != story.visibility
            and fields["visibility"] != TravelStory.Visibility.PUBLIC
        ):
            story.slug = _slug_for(fields["title"], fields["visibility"])
        for name, value in fields.items():
            setattr(story, name, value)
        story.save()
    return story


def story_delete(*, customer: Customer, story_id: int) -> None:
    """The author deletes the story with its photos, likes and comments; the files go once
    the deletion is committed."""
    with transaction.atomic():
        story = _own_story_locked(customer=customer, story_id=story_id)
        names = [
            name
            for image, thumbnail in story.photos.values_list("image", "thumbnail")
            for name in (image, thumbnail)
            if name
        ]
        story.delete()
        files_delete_on_commit(names)


# Photos ------------------------------------------------------------------------------------------


def story_photo_add(
    *, customer: Customer, story_id: int, photo: Any, caption: str = ""
) -> TravelPhoto:
    """Add a photo at the end; it becomes the cover of a story without one."""
    caption = _clean_caption(caption, field="caption")
    if not TravelStory.objects.filter(pk=story_id, author=customer).exists():
        raise _not_found()
    processed = image_process(photo, field="photo")
    with files_cleanup_on_error() as stored, transaction.atomic():
        story = _own_story_locked(customer=customer, story_id=story_id)
        photos = story.photos.aggregate(count=Count("id"), last=Max("position"))
        if photos["count"] >= MAX_PHOTOS:
            raise _refused(
                "photo", _("A story can have at most %(max)d photos.") % {"max": MAX_PHOTOS}
            )
        position = 0 if photos["last"] is None else photos["last"] + 1
        added = _photo_store(
            story=story, processed=processed, caption=caption, position=position, stored=stored
        )
        if story.cover_id is None:
            story.cover = added
            story.save(update_fields=["cover", "updated_at"])
    return added


def _own_photo(*, story: TravelStory, photo_id: int) -> TravelPhoto:
    photo = story.photos.filter(pk=photo_id).first()
    if photo is None:
        raise _refused("photo", _("This photo is not in the story."))
    return photo


def story_photo_remove(*, customer: Customer, story_id: int, photo_id: int) -> None:
    """Remove a photo (its files go once committed); a removed cover passes to the first
    photo left."""
    with transaction.atomic():
        story = _own_story_locked(customer=customer, story_id=story_id)
        photo = _own_photo(story=story, photo_id=photo_id)
        names = [n for n in (photo.image.name, photo.thumbnail.name) if n]
        was_cover = story.cover_id == photo.pk
        photo.delete()
        if was_cover:
            story.cover = story.photos.order_by("position", "id").first()
            story.save(update_fields=["cover", "updated_at"])
        files_delete_on_commit(names)


def story_photo_reorder(*, customer: Customer, story_id: int, photo_ids: Sequence[int]) -> None:
    """Put the story's photos in this order: every photo of the story, each once."""
    with transaction.atomic():
        story = _own_story_locked(customer=customer, story_id=story_id)
        current = set(story.photos.values_list("pk", flat=True))
        if len(photo_ids) != len(current) or set(photo_ids) != current:
            raise _refused("photos", _("List every photo of the story once, in the new order."))
        for position, photo_id in enumerate(photo_ids):
            TravelPhoto.objects.filter(pk=photo_id).update(position=position)


def story_photo_move(*, customer: Customer, story_id: int, photo_id: int, offset: int) -> None:
    """Move one photo `offset` places in the story's order (-1: one earlier, 1: one later);
    at either end it stays where it is."""
    with transaction.atomic():
        story = _own_story_locked(customer=customer, story_id=story_id)
        photo = _own_photo(story=story, photo_id=photo_id)
        order = list(story.photos.order_by("position", "pk").values_list("pk", flat=True))
        index = order.index(photo.pk)
        target = min(max(index + offset, 0), len(order) - 1)
        order.insert(target, order.pop(index))
        for position, pk in enumerate(order):
            TravelPhoto.objects.filter(pk=pk).exclude(position=position).update(position=position)


def story_photo_caption(
    *, customer: Customer, story_id: int, photo_id: int, caption: str
) -> TravelPhoto:
    caption = _clean_caption(caption, field="caption")
    with transaction.atomic():
        story = _own_story_locked(customer=customer, story_id=story_id)
        photo = _own_photo(story=story, photo_id=photo_id)
        photo.caption = caption
        photo.save(update_fields=["caption"])
    return photo


def story_cover_set(*, customer: Customer, story_id: int, photo_id: int) -> TravelStory:
    with transaction.atomic():
        story = _own_story_locked(customer=customer, story_id=story_id)
        story.cover = _own_photo(story=story, photo_id=photo_id)
        story.save(update_fields=["cover", "updated_at"])
    return story


# Likes -------------------------------------------------------------------------------------------


def _like_write(*, customer: Customer, story_id: int, liked: bool | None) -> tuple[bool, int]:
    """Set the like to `liked` (None: the opposite of what it is) under the story row's lock,
    which orders concurrent likes of one story: the count equals the rows."""
    with transaction.atomic():
        story = (
            TravelStory.objects.select_for_update()
            .filter(_visible_to(customer), pk=story_id)
            .first()
        )
        if story is None:
            raise _not_found()
        likes = StoryLike.objects.filter(story=story, customer=customer)
        had = likes.exists()
        wanted = (not had) if liked is None else liked
        change = 0
        if wanted and not had:
            StoryLike.objects.create(story=story, customer=customer)
            change = 1
        elif had and not wanted:
            likes.delete()
            change = -1
        if change:
            TravelStory.objects.filter(pk=story.pk).update(like_count=F("like_count") + change)
        count = TravelStory.objects.values_list("like_count", flat=True).get(pk=story.pk)
    return wanted, count


def story_like_set(*, customer: Customer, story_id: int, liked: bool) -> tuple[bool, int]:
    """Like (or unlike) a story the customer can see; answers (liked, like_count). Setting what
    is already set changes nothing."""
    return _like_write(customer=customer, story_id=story_id, liked=liked)


def story_like_toggle(*, customer: Customer, story_id: int) -> tuple[bool, int]:
    """Like a story not liked yet, unlike one liked; answers (liked, like_count)."""
    return _like_write(customer=customer, story_id=story_id, liked=None)


# Comments ----------------------------------------------------------------------------------------


def _clean_comment(text: str) -> str:
    text = (text or "").strip()
    if not 1 <= len(text) <= COMMENT_MAX:
        raise _refused(
            "text", _("A comment must be 1 to %(max)d characters long.") % {"max": COMMENT_MAX}
        )
    return text


def _comment_not_found() -> CommentNotFound:
    return CommentNotFound(_("This comment was not found."))


def comment_add(
    *, customer: Customer, story_id: int, text: str, parent_id: int | None = None
) -> StoryComment:
    """Comment on a story the customer can see, or reply to a comment (one level: a reply to a
    reply joins its parent's thread). Text is plain: pages escape it."""
    text = _clean_comment(text)
    with transaction.atomic():
        story = (
            TravelStory.objects.select_for_update()
            .filter(_visible_to(customer), pk=story_id, hidden_at__isnull=True)
            .first()
        )
        if story is None:
            raise _not_found()
        parent = None
        if parent_id is not None:
            parent = story.comments.filter(pk=parent_id, status=StoryComment.Status.VISIBLE).first()
            if parent is None:
                raise _refused("parent", _("This comment can no longer be answered."))
            if parent.parent_id is not None:
                parent = parent.parent
        comment = StoryComment.objects.create(
            story=story, author=customer, parent=parent, text=text
        )
        TravelStory.objects.filter(pk=story.pk).update(comment_count=F("comment_count") + 1)
    return comment


def _own_comment_locked(*, customer: Customer, comment_id: int) -> StoryComment:
    comment = StoryComment.objects.filter(pk=comment_id, author=customer).first()
    if comment is None or comment.status == StoryComment.Status.DELETED:
        raise _comment_not_found()
    # Lock the story first (as comment_add does), then read the comment again under it.
    TravelStory.objects.select_for_update().filter(pk=comment.story_id).first()
    comment = StoryComment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None or comment.status == StoryComment.Status.DELETED:
        raise _comment_not_found()
    return comment


def comment_edit(*, customer: Customer, comment_id: int, text: str) -> StoryComment:
    """The author changes their comment's text (not one hidden by staff)."""
    text = _clean_comment(text)
    with transaction.atomic():
        comment = _own_comment_locked(customer=customer, comment_id=comment_id)
        if comment.status != StoryComment.Status.VISIBLE:
            raise _refused("text", _("A comment hidden by our team cannot be edited."))
        comment.text = text
        comment.edited_at = timezone.now()
        comment.save(update_fields=["text", "edited_at", "updated_at"])
    return comment


def comment_delete(*, customer: Customer, comment_id: int) -> None:
    """The author deletes their comment. One with replies stays as "deleted" (its text
    removed) so the replies keep their place; a reply deleted last takes such a parent away."""
    with transaction.atomic():
        comment = _own_comment_locked(customer=customer, comment_id=comment_id)
        counted = comment.status == StoryComment.Status.VISIBLE
        if comment.replies.exists():
            comment.status = StoryComment.Status.DELETED
            comment.text = ""
            comment.save(update_fields=["status", "text", "updated_at"])
        else:
            parent = comment.parent
            comment.delete()
            if (
                parent is not None
                and parent.status == StoryComment.Status.DELETED
                and not parent.replies.exists()
            ):
                parent.delete()
        if counted:
            TravelStory.objects.filter(pk=comment.story_id).update(
                comment_count=F("comment_count") - 1
            )


# Moderation --------------------------------------------------------------------------------------


def _require_staff(staff_user) -> None:
    if not getattr(staff_user, "is_staff", False):
        raise ApplicationError(_("Only Safar's team can moderate stories."))


def story_hide(*, staff_user, story_id: int, reason: str) -> TravelStory:
    """Staff take a story off every page but its author's, saying why."""
    _require_staff(staff_user)
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= HIDE_REASON_MAX:
        raise _refused(
            "reason",
            _("Say why, in at most %(max)d characters.") % {"max": HIDE_REASON_MAX},
        )
    with transaction.atomic():
        story = TravelStory.objects.select_for_update().filter(pk=story_id).first()
        if story is None:
            raise _not_found()
        story.hidden_at = story.hidden_at or timezone.now()
        story.hidden_reason = reason
        story.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    return story


def story_unhide(*, staff_user, story_id: int) -> TravelStory:
    _require_staff(staff_user)
    with transaction.atomic():
        story = TravelStory.objects.select_for_update().filter(pk=story_id).first()
        if story is None:
            raise _not_found()
        story.hidden_at = None
        story.hidden_reason = ""
        story.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    return story


def comment_hide(*, staff_user, comment_id: int) -> StoryComment:
    """Staff hide a comment (its replies stay); it no longer counts on the story."""
    _require_staff(staff_user)
    with transaction.atomic():
        comment = StoryComment.objects.filter(pk=comment_id).first()
        if comment is None:
            raise _comment_not_found()
        TravelStory.objects.select_for_update().filter(pk=comment.story_id).first()
        comment = StoryComment.objects.select_for_update().get(pk=comment_id)
        if comment.status == StoryComment.Status.VISIBLE:
            TravelStory.objects.filter(pk=comment.story_id).update(
                comment_count=F("comment_count") - 1
            )
        if comment.status != StoryComment.Status.DELETED:
            comment.status = StoryComment.Status.HIDDEN
        comment.moderated_by = staff_user
        comment.save(update_fields=["status", "moderated_by", "updated_at"])
    return comment


def comment_unhide(*, staff_user, comment_id: int) -> StoryComment:
    """Staff show a hidden comment again; it counts on the story again. A visible comment
    stays as it is; one its author deleted is gone (CommentNotFound)."""
    _require_staff(staff_user)
    with transaction.atomic():
        comment = StoryComment.objects.filter(pk=comment_id).first()
        if comment is None:
            raise _comment_not_found()
        TravelStory.objects.select_for_update().filter(pk=comment.story_id).first()
        comment = StoryComment.objects.select_for_update().get(pk=comment_id)
        if comment.status == StoryComment.Status.DELETED:
            raise _comment_not_found()
        if comment.status == StoryComment.Status.HIDDEN:
            TravelStory.objects.filter(pk=comment.story_id).update(
                comment_count=F("comment_count") + 1
            )
            comment.status = StoryComment.Status.VISIBLE
            comment.moderated_by = staff_user
            comment.save(update_fields=["status", "moderated_by", "updated_at"])
    return comment
