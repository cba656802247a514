"""Reads of travel stories, shaped for pages and the API, with who may see what.

- public: in the feed, on the author's page, and by its address (slug);
- unlisted: by its address only;
- private: only its author;
- hidden by staff: only its author.
Everyone else gets `StoryNotFound` (a 404), the same answer as for a story that does not exist.
"""

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from b2c.models import Customer, StoryComment, StoryLike, TravelStory
from b2c.services.social import CommentNotFound, StoryNotFound

_RELATED = ("author__user", "destination", "cover")


def story_visible_q(*, viewer: Customer | None) -> Q:
    """Stories `viewer` may open by their address (or id)."""
    q = Q(
        visibility__in=[TravelStory.Visibility.PUBLIC, TravelStory.Visibility.UNLISTED],
        hidden_at__isnull=True,
    )
    if viewer is not None:
        q |= Q(author=viewer)
    return q


def stories_feed() -> QuerySet[TravelStory]:
    """Public stories not hidden, newest first, with author, destination and cover: the same
    number of queries however many there are."""
    return (
        TravelStory.objects.filter(visibility=TravelStory.Visibility.PUBLIC, hidden_at__isnull=True)
        .select_related(*_RELATED)
        .order_by("-published_at", "-id")
    )


def story_author_get(*, handle: str) -> Customer:
    """An author by their public handle (their referral code, already public in share links)."""
    author = (
        Customer.objects.select_related("user")
        .filter(referral_code=handle.upper(), deleted_at__isnull=True)
        .first()
    )
    if author is None:
        raise StoryNotFound("No author here.")
    return author


def stories_of_author(*, handle: str, viewer: Customer | None) -> tuple[Customer, QuerySet]:
    """The author and the stories `viewer` sees on their page: the public ones, or all of them
    for the author."""
    author = story_author_get(handle=handle)
    stories = TravelStory.objects.filter(author=author)
    if viewer is None or viewer.pk != author.pk:
        stories = stories.filter(visibility=TravelStory.Visibility.PUBLIC, hidden_at__isnull=True)
    return author, stories.select_related(*_RELATED).order_by("-published_at", "-id")


def story_for_viewer(*, slug: str, viewer: Customer | None) -> TravelStory:
    """One story by its address, with its photos in order, if `viewer` may see it."""
    story = (
        TravelStory.objects.filter(story_visible_q(viewer=viewer), slug=slug)
        .select_related(*_RELATED, "booking")
        .prefetch_related("photos")
        .first()
    )
    if story is None:
        raise StoryNotFound("This story was not found.")
    return story


def story_comments(*, story: TravelStory) -> list[StoryComment]:
    """The story's threads, oldest first: comments with their visible replies (one level), in
    three queries. A deleted or hidden comment stays only while it has replies."""
    replies = StoryComment.objects.filter(status=StoryComment.Status.VISIBLE).select_related(
        "author__user"
    )
    threads = (
        StoryComment.objects.filter(story=story, parent__isnull=True)
        .select_related("author__user")
        .prefetch_related(Prefetch("replies", queryset=replies.order_by("created_at", "id")))
        .order_by("created_at", "id")
    )
    return [
        comment
        for comment in threads
        if comment.status == StoryComment.Status.VISIBLE or comment.replies.all()
    ]


def story_comment_get(*, story: TravelStory, comment_id: int) -> StoryComment:
    comment = (
        StoryComment.objects.filter(story=story, pk=comment_id)
        .exclude(status=StoryComment.Status.DELETED)
        .select_related("author__user")
        .first()
    )
    if comment is None:
        raise CommentNotFound("This comment was not found.")
    return comment


def story_liked(*, customer: Customer | None, story_ids: Iterable[int]) -> set[int]:
    """Which of these stories the customer likes (one query; none for a visitor)."""
    ids = list(story_ids)
    if customer is None or not ids:
        return set()
    return set(
        StoryLike.objects.filter(customer=customer, story_id__in=ids).values_list(
            "story_id", flat=True
        )
    )


def story_booking_choices(*, customer: Customer) -> list:
    """The customer's bookings a story can tell (newest trips first), for the form's list."""
    from bookings.models import Booking

    return list(
        Booking.objects.filter(customer=customer)
        .exclude(status=Booking.Status.EXPIRED)
        .order_by("-departure_at")
        .only("pk", "reference")[:50]
    )


def story_plain_summary(*, story: TravelStory, length: int = 200) -> str:
    """The start of the story as plain text (no markup), for previews and share cards."""
    import html

    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    text = " ".join(html.unescape(strip_tags(story.body_html)).split())
    return Truncator(text).chars(length)
