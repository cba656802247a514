"""Likes (one per customer, exact counts) and comments (one level, own edits, deletion that
keeps threads), and staff moderation."""

import pytest

from b2c.models import StoryComment, StoryLike, TravelStory
from b2c.selectors.social import story_comments, story_liked
from b2c.services.social import (
    CommentNotFound,
    StoryNotFound,
    comment_add,
    comment_delete,
    comment_edit,
    comment_hide,
    story_hide,
    story_like_set,
    story_like_toggle,
    story_unhide,
)
from b2c.tests.social.helpers import snapshot, story
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _count(made) -> tuple[int, int]:
    made.refresh_from_db()
    return made.like_count, made.comment_count


def test_like_toggle_and_set(customer, other_customer):
    made = story(customer)
    assert story_like_toggle(customer=other_customer, story_id=made.pk) == (True, 1)
    assert story_like_toggle(customer=customer, story_id=made.pk) == (True, 2)
    assert story_like_set(customer=customer, story_id=made.pk, liked=True) == (True, 2)
    assert story_like_toggle(customer=other_customer, story_id=made.pk) == (False, 1)
    assert story_like_set(customer=other_customer, story_id=made.pk, liked=False) == (False, 1)
    assert StoryLike.objects.filter(story=made).count() == 1
    assert story_liked(customer=customer, story_ids=[made.pk]) == {made.pk}
    assert story_liked(customer=other_customer, story_ids=[made.pk]) == set()
    assert story_liked(customer=None, story_ids=[made.pk]) == set()


@pytest.mark.parametrize("visibility", ["private"])
def test_no_like_on_a_story_one_cannot_see(customer, other_customer, visibility):
    made = story(customer, visibility=visibility)
    before = snapshot()
    with pytest.raises(StoryNotFound):
        story_like_toggle(customer=other_customer, story_id=made.pk)
    assert snapshot() == before


def test_no_like_on_a_hidden_story(customer, other_customer):
    made = story(customer)
    story_hide(staff_user=UserFactory(is_staff=True), story_id=made.pk, reason="Spam")
    before = snapshot()
    with pytest.raises(StoryNotFound):
        story_like_toggle(customer=other_customer, story_id=made.pk)
    assert snapshot() == before


def test_comment_and_reply_one_level(customer, other_customer):
    made = story(customer)
    top = comment_add(customer=other_customer, story_id=made.pk, text="  Lovely!  ")
    reply = comment_add(customer=customer, story_id=made.pk, text="Thanks", parent_id=top.pk)
    deeper = comment_add(customer=other_customer, story_id=made.pk, text="Yw", parent_id=reply.pk)
    assert (top.text, top.parent_id) == ("Lovely!", None)
    assert reply.parent_id == top.pk
    assert deeper.parent_id == top.pk  # a reply to a reply joins the thread
    assert _count(made) == (0, 3)
    threads = story_comments(story=made)
    assert [(c.pk, [r.pk for r in c.replies.all()]) for c in threads] == [
        (top.pk, [reply.pk, deeper.pk])
    ]


def test_comment_text_limits_and_nothing_stored(customer):
    made = story(customer)
    before = snapshot()
    for text in ("", "   ", "x" * 2001):
        with pytest.raises(ApplicationError) as refused:
            comment_add(customer=customer, story_id=made.pk, text=text)
        assert list(refused.value.extra) == ["text"]
    assert snapshot() == before


def test_no_comment_on_private_story_of_someone_else(customer, other_customer):
    made = story(customer, visibility="private")
    before = snapshot()
    with pytest.raises(StoryNotFound):
        comment_add(customer=other_customer, story_id=made.pk, text="Hi")
    assert snapshot() == before


def test_reply_to_another_storys_comment_refused(customer):
    first, second = story(customer), story(customer)
    top = comment_add(customer=customer, story_id=first.pk, text="Here")
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        comment_add(customer=customer, story_id=second.pk, text="There", parent_id=top.pk)
    assert list(refused.value.extra) == ["parent"]
    assert snapshot() == before


def test_edit_own_only(customer, other_customer):
    made = story(customer)
    comment = comment_add(customer=other_customer, story_id=made.pk, text="Nice")
    edited = comment_edit(customer=other_customer, comment_id=comment.pk, text="Very nice")
    assert (edited.text, edited.edited_at is not None) == ("Very nice", True)
    before = snapshot()
    with pytest.raises(CommentNotFound):
        comment_edit(customer=customer, comment_id=comment.pk, text="Rude")
    with pytest.raises(CommentNotFound):
        comment_delete(customer=customer, comment_id=comment.pk)
    assert snapshot() == before


def test_delete_without_replies_removes_the_row(customer, other_customer):
    made = story(customer)
    comment = comment_add(customer=other_customer, story_id=made.pk, text="Nice")
    comment_delete(customer=other_customer, comment_id=comment.pk)
    assert StoryComment.objects.count() == 0
    assert _count(made) == (0, 0)


def test_delete_with_replies_keeps_a_marked_row(customer, other_customer):
    made = story(customer)
    top = comment_add(customer=other_customer, story_id=made.pk, text="Secret tip")
    reply = comment_add(customer=customer, story_id=made.pk, text="Thanks", parent_id=top.pk)
    comment_delete(customer=other_customer, comment_id=top.pk)
    top.refresh_from_db()
    assert (top.status, top.text) == (StoryComment.Status.DELETED, "")
    assert _count(made) == (0, 1)
    assert [c.pk for c in story_comments(story=made)] == [top.pk]
    with pytest.raises(CommentNotFound):
        comment_delete(customer=other_customer, comment_id=top.pk)
    # The last reply gone, the deleted comment goes too.
    comment_delete(customer=customer, comment_id=reply.pk)
    assert StoryComment.objects.count() == 0
    assert _count(made) == (0, 0)


def test_staff_hide_comment_and_story():
    author, reader = CustomerFactory(), CustomerFactory()
    staff = UserFactory(is_staff=True)
    made = story(author)
    comment = comment_add(customer=reader, story_id=made.pk, text="Buy pills")
    hidden = comment_hide(staff_user=staff, comment_id=comment.pk)
    assert (hidden.status, hidden.moderated_by_id) == (StoryComment.Status.HIDDEN, staff.pk)
    assert _count(made) == (0, 0)
    assert story_comments(story=made) == []
    comment_hide(staff_user=staff, comment_id=comment.pk)  # twice counts once
    assert _count(made) == (0, 0)

    story_hide(staff_user=staff, story_id=made.pk, reason="Reported as spam")
    made.refresh_from_db()
    assert (made.hidden_at is not None, made.hidden_reason) == (True, "Reported as spam")
    story_unhide(staff_user=staff, story_id=made.pk)
    made.refresh_from_db()
    assert (made.hidden_at, made.hidden_reason) == (None, "")


def test_non_staff_cannot_moderate(customer):
    made = story(customer)
    before = snapshot()
    with pytest.raises(ApplicationError):
        story_hide(staff_user=customer.user, story_id=made.pk, reason="Mine")
    assert snapshot() == before


def test_hide_needs_a_reason(customer):
    made = story(customer)
    with pytest.raises(ApplicationError):
        story_hide(staff_user=UserFactory(is_staff=True), story_id=made.pk, reason=" ")
    assert TravelStory.objects.get().hidden_at is None
