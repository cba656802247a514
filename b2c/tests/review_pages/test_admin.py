from unittest import mock

import pytest
from django.urls import reverse

import b2c.admin.reviews
from b2c.models import ContentReport, Review, ReviewResponse, ReviewVote
from b2c.services.reports import content_report
from b2c.services.reviews import review_vote_toggle
from b2c.tests.review_pages.helpers import png, review

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:b2c_review_changelist")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def queue(nadia, omar):
    """A published review reported twice, one reported once, and two held."""
    most = review(rating=2, title="Most reported")
    some = review(rating=3, title="Reported once")
    for reporter in (nadia, omar):
        content_report(customer=reporter, reason="spam", review_id=most.pk)
    content_report(customer=nadia, reason="offensive", review_id=some.pk)
    held_old = review(rating=4, title="Held first", text="Short.")
    held_new = review(rating=4, title="Held second", text="Shorter.")
    return most, some, held_old, held_new


def spy(name):
    return mock.patch.object(b2c.admin.reviews, name, wraps=getattr(b2c.admin.reviews, name))


def test_the_queue_puts_held_reviews_first_then_the_most_reported(staff_client, queue):
    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    listed = [r.title for r in response.context["cl"].result_list]
    assert listed == ["Held second", "Held first", "Most reported", "Reported once"]


def test_filters(staff_client, queue):
    response = staff_client.get(CHANGELIST, {"status__exact": "pending"})

    assert [r.title for r in response.context["cl"].result_list] == ["Held second", "Held first"]


def test_publish_through_the_service(staff_client, staff, queue):
    held = queue[2]
    with spy("review_publish") as publish:
        response = staff_client.post(
            CHANGELIST, {"action": "publish_reviews", "_selected_action": [held.pk]}
        )

    assert response.status_code == 302
    publish.assert_called_once_with(staff_user=staff, review_id=held.pk)
    held.refresh_from_db()
    assert (held.status, held.moderated_by) == ("published", staff)


def test_reject_asks_for_a_reason_first(staff_client, queue):
    held = queue[2]

    page = staff_client.post(
        CHANGELIST, {"action": "reject_reviews", "_selected_action": [held.pk]}
    )
    empty = staff_client.post(
        CHANGELIST,
        {"action": "reject_reviews", "_selected_action": [held.pk], "apply": "1", "reason": ""},
    )

    assert page.status_code == 200
    assert "Each author is told the reason." in page.content.decode()
    assert empty.status_code == 200
    assert empty.context["form"].errors == {"reason": ["This field is required."]}
    held.refresh_from_db()
    assert held.status == "pending"


def test_reject_with_a_reason_through_the_service(staff_client, staff, queue):
    held_old, held_new = queue[2], queue[3]
    with spy("review_reject") as reject:
        response = staff_client.post(
            CHANGELIST,
            {"action": "reject_reviews", "_selected_action": [held_old.pk, held_new.pk],
             "apply": "1", "reason": "Says nothing about the flight."},
        )  # fmt: skip

    assert response.status_code == 302
    assert reject.call_count == 2
    assert (
        list(Review.objects.filter(status="rejected").values_list("rejection_reason", flat=True))
        == ["Says nothing about the flight."] * 2
    )


def test_respond_once_through_the_service(staff_client, staff, queue):
    most = queue[0]
    url = reverse("admin:b2c_review_respond", args=[most.pk])
    change = staff_client.get(reverse("admin:b2c_review_change", args=[most.pk]))
    with spy("review_respond") as respond:
        first = staff_client.post(url, {"text": "We are looking into it."})
        second = staff_client.post(url, {"text": "Again."})

    assert url in change.content.decode()
    assert first.status_code == 302
    assert respond.call_count == 2
    assert second.status_code == 200
    assert "This review already has a response." in second.content.decode()
    assert list(ReviewResponse.objects.values_list("review", "text", "author")) == [
        (most.pk, "We are looking into it.", staff.pk)
    ]


def test_responding_to_a_held_review_is_refused(staff_client, queue):
    held = queue[2]

    response = staff_client.post(
        reverse("admin:b2c_review_respond", args=[held.pk]), {"text": "Hello"}
    )

    assert "Only a published review can be answered." in response.content.decode()
    assert ReviewResponse.objects.count() == 0


def test_change_page_shows_image_thumbnails(staff_client, nadia):
    with_image = review(nadia, rating=5, title="Photo", images=[png()])
    image = with_image.images.get()

    html = staff_client.get(reverse("admin:b2c_review_change", args=[with_image.pk])).content
    html = html.decode()

    assert f'<img src="{image.thumbnail.url}"' in html
    assert 'name="_save"' not in html


def test_reports_open_first_and_resolved_through_the_service(staff_client, staff, queue):
    url = reverse("admin:b2c_contentreport_changelist")
    first = ContentReport.objects.order_by("id").first()
    with spy("content_report_resolve") as resolve:
        staff_client.post(url, {"action": "mark_resolved", "_selected_action": [first.pk]})

    resolve.assert_called_once_with(staff_user=staff, report_id=first.pk)
    first.refresh_from_db()
    assert first.resolved_by == staff
    listed = staff_client.get(url).context["cl"].result_list
    assert [r.pk for r in listed][-1] == first.pk
    open_only = staff_client.get(url, {"resolved": "no"}).context["cl"].result_list
    assert first.pk not in [r.pk for r in open_only]
    assert len(open_only) == 2


def test_aggregates_are_read_only(staff_client, queue):
    response = staff_client.get(reverse("admin:b2c_reviewaggregate_changelist"))

    assert response.status_code == 200
    assert "flight:EK:DXB-LHR" in response.content.decode()
    assert staff_client.get(reverse("admin:b2c_reviewaggregate_add")).status_code == 403


def test_helpful_votes_are_listed_read_only(staff_client, nadia, omar):
    voted = review(rating=5, title="Worth a vote")
    review_vote_toggle(customer=omar, review_id=voted.pk)
    vote = ReviewVote.objects.get()

    response = staff_client.get(reverse("admin:b2c_reviewvote_changelist"))

    assert response.status_code == 200
    assert [r.pk for r in response.context["cl"].result_list] == [vote.pk]
    assert tuple(response.context["cl"].list_display) == ("review", "customer", "created_at")
    html = response.content.decode()
    assert "Worth a vote" in html and omar.user.email in html
    assert "delete_selected" not in html
    assert staff_client.get(reverse("admin:b2c_reviewvote_add")).status_code == 403
    change = staff_client.get(reverse("admin:b2c_reviewvote_change", args=[vote.pk]))
    assert change.status_code == 200
    assert change.context["has_change_permission"] is False
    change_url = reverse("admin:b2c_reviewvote_change", args=[vote.pk])
    delete_url = reverse("admin:b2c_reviewvote_delete", args=[vote.pk])
    assert staff_client.post(change_url, {}).status_code == 403
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert ReviewVote.objects.count() == 1
