"""The stories admin: lists with reported content first, and the moderation actions."""

import pytest
from django.urls import reverse

from b2c.models import StoryComment
from b2c.services.social import comment_add
from b2c.tests.social.helpers import story
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
