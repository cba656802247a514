"""The stories admin: lists with reported content first, and the moderation actions."""

import pytest
from django.urls import reverse

from b2c.models import StoryComment, StoryLike
from b2c.services.social import (
    CommentNotFound,
    comment_add,
    comment_delete,
    comment_hide,
    comment_unhide,
    story_like_set,
)
from b2c.tests.social.helpers import story
from core.exceptions import ApplicationError
from core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_story_list_and_hide_unhide(staff_client, customer):
    quiet = story(customer, title="Quiet story")
    loud = story(customer, title="Reported story")
    loud.report_count = 3
    loud.save(update_fields=["report_count"])
    url = reverse("admin:b2c_travelstory_changelist")
    html = staff_client.get(url).content.decode()
    assert html.index("Reported story") < html.index("Quiet story")
    assert (
        staff_client.get(reverse("admin:b2c_travelstory_change", args=[quiet.pk])).status_code
        == 200
    )

    staff_client.post(url, {"action": "hide", "_selected_action": [quiet.pk]})
    quiet.refresh_from_db()
    assert (quiet.hidden_at is not None, quiet.hidden_reason) == (
        True, "Hidden by staff after review",
    )  # fmt: skip
    hidden = staff_client.get(url + "?hidden=yes").content.decode()
    assert "Quiet story" in hidden and "Reported story" not in hidden
    staff_client.post(url, {"action": "unhide", "_selected_action": [quiet.pk]})
    quiet.refresh_from_db()
    assert quiet.hidden_at is None


def test_comment_hide_action(staff_client, customer, other_customer):
    made = story(customer)
    comment = comment_add(customer=other_customer, story_id=made.pk, text="Rude words")
    url = reverse("admin:b2c_storycomment_changelist")
    assert staff_client.get(url).status_code == 200
    staff_client.post(url, {"action": "hide", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    made.refresh_from_db()
    assert (comment.status, made.comment_count) == (StoryComment.Status.HIDDEN, 0)
    assert staff_client.get(url + "?status__exact=hidden").status_code == 200


def test_comment_show_again_action_restores_the_count(staff_client, customer, other_customer):
    made = story(customer)
    comment = comment_add(customer=other_customer, story_id=made.pk, text="Fair point after all")
    url = reverse("admin:b2c_storycomment_changelist")
    staff_client.post(url, {"action": "hide", "_selected_action": [comment.pk]})
    made.refresh_from_db()
    assert made.comment_count == 0

    answer = staff_client.post(
        url, {"action": "unhide", "_selected_action": [comment.pk]}, follow=True
    )
    assert "1 comments shown again." in answer.content.decode()
    comment.refresh_from_db()
    made.refresh_from_db()
    assert (comment.status, made.comment_count) == (StoryComment.Status.VISIBLE, 1)
    # Showing a visible comment again changes nothing.
    staff_client.post(url, {"action": "unhide", "_selected_action": [comment.pk]})
    made.refresh_from_db()
    assert made.comment_count == 1


def test_comment_unhide_service(customer, other_customer):
    staff = UserFactory(is_staff=True)
    made = story(customer)
    comment = comment_add(customer=other_customer, story_id=made.pk, text="Hello")
    comment_hide(staff_user=staff, comment_id=comment.pk)
    with pytest.raises(ApplicationError):
        comment_unhide(staff_user=other_customer.user, comment_id=comment.pk)
    made.refresh_from_db()
    assert made.comment_count == 0

    shown = comment_unhide(staff_user=staff, comment_id=comment.pk)
    made.refresh_from_db()
    assert (shown.status, shown.moderated_by, made.comment_count) == (
        StoryComment.Status.VISIBLE, staff, 1,
    )  # fmt: skip

    comment_delete(customer=other_customer, comment_id=comment.pk)
    with pytest.raises(CommentNotFound):
        comment_unhide(staff_user=staff, comment_id=comment.pk)
    made.refresh_from_db()
    assert made.comment_count == 0


def test_likes_are_listed_read_only(staff_client, customer, other_customer):
    made = story(customer, title="Liked story")
    story_like_set(customer=other_customer, story_id=made.pk, liked=True)
    like = StoryLike.objects.get()
    url = reverse("admin:b2c_storylike_changelist")
    html = staff_client.get(url).content.decode()
    assert "Liked story" in html
    assert (
        staff_client.get(reverse("admin:b2c_storylike_change", args=[like.pk])).status_code == 200
    )
    assert staff_client.get(reverse("admin:b2c_storylike_add")).status_code == 403
    staff_client.post(reverse("admin:b2c_storylike_delete", args=[like.pk]), {"post": "yes"})
    staff_client.post(
        url, {"action": "delete_selected", "_selected_action": [like.pk], "post": "yes"}
    )
    assert StoryLike.objects.count() == 1
    made.refresh_from_db()
    assert made.like_count == 1
