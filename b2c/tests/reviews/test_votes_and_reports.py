import datetime as dt

import pytest
from django.utils import timezone

from b2c.models import ContentReport, Review, ReviewVote, StoryComment, TravelStory
from b2c.services.reports import ContentNotFound, content_report, content_report_resolve
from b2c.services.reviews import (
    ReviewNotFound,
    review_create,
    review_vote_set,
    review_vote_toggle,
)
from b2c.tests.reviews.helpers import GOOD_TEXT, snapshot
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory
from core.testing.inventory import airline, airport

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(db):
    airline("EK")
    airport("DXB")
    airport("LHR")
    return review_create(
        customer=CustomerFactory(),
        subject_kind="flight",
        airline_code="EK",
        origin="DXB",
        destination="LHR",
        travel_date=dt.date(2026, 1, 5),
        rating=4,
        title="Smooth night flight",
        text=GOOD_TEXT,
    )


def test_vote_and_toggle_back(review, customer, other_customer):
    assert review_vote_toggle(customer=customer, review_id=review.pk) == (True, 1)
    assert review_vote_toggle(customer=other_customer, review_id=review.pk) == (True, 2)
    assert review_vote_toggle(customer=customer, review_id=review.pk) == (False, 1)

    review.refresh_from_db()
    assert review.helpful_count == 1
    assert list(ReviewVote.objects.values_list("customer_id", flat=True)) == [other_customer.pk]

    assert review_vote_toggle(customer=customer, review_id=review.pk) == (True, 2)
    assert ReviewVote.objects.count() == 2


def test_vote_set_is_idempotent(review, customer, other_customer):
    assert review_vote_set(customer=customer, review_id=review.pk, voted=True) == (True, 1)
    assert review_vote_set(customer=customer, review_id=review.pk, voted=True) == (True, 1)
    assert review_vote_set(customer=other_customer, review_id=review.pk, voted=True) == (True, 2)
    assert review_vote_set(customer=customer, review_id=review.pk, voted=False) == (False, 1)
    assert review_vote_set(customer=customer, review_id=review.pk, voted=False) == (False, 1)

    review.refresh_from_db()
    assert review.helpful_count == 1
    assert list(ReviewVote.objects.values_list("customer_id", flat=True)) == [other_customer.pk]


def test_vote_set_on_own_review(review):
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        review_vote_set(customer=review.customer, review_id=review.pk, voted=True)
    assert refused.value.message == "You cannot vote on your own review."
    # Taking back a vote one cannot have is no vote, as asked.
    assert review_vote_set(customer=review.customer, review_id=review.pk, voted=False) == (
        False,
        0,
    )
    assert snapshot() == before


def test_vote_on_own_review_is_refused(review):
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        review_vote_toggle(customer=review.customer, review_id=review.pk)
    assert refused.value.message == "You cannot vote on your own review."
    assert snapshot() == before


@pytest.mark.parametrize("status", [Review.Status.PENDING, Review.Status.REJECTED])
def test_vote_on_unpublished_review_is_refused(review, customer, status):
    Review.objects.filter(pk=review.pk).update(status=status)
    before = snapshot()
    with pytest.raises(ReviewNotFound):
        review_vote_toggle(customer=customer, review_id=review.pk)
    with pytest.raises(ReviewNotFound):
        review_vote_toggle(customer=customer, review_id=review.pk + 1000)
    assert snapshot() == before


def test_report_once(review, customer):
    report = content_report(
        customer=customer, reason="spam", note="Advert\x00 for a shop", review_id=review.pk
    )
    assert (report.review_id, report.reason, report.note, report.resolved_at) == (
        review.pk,
        "spam",
        "Advert for a shop",
        None,
    )
    again = content_report(customer=customer, reason="offensive", review_id=review.pk)
    assert again.pk == report.pk
    assert again.reason == "spam"
    review.refresh_from_db()
    assert review.report_count == 1
    assert ContentReport.objects.count() == 1

    content_report(customer=CustomerFactory(), reason="false", review_id=review.pk)
    review.refresh_from_db()
    assert review.report_count == 2


def test_refused_reports_change_nothing(review, customer):
    before = snapshot()
    cases = [
        ({"customer": review.customer, "reason": "spam", "review_id": review.pk},
         "You cannot report your own content."),
        ({"customer": customer, "reason": "boring", "review_id": review.pk},
         "Choose why you are reporting this."),
        ({"customer": customer, "reason": "spam"},
         "Report one review, story or comment at a time."),
        ({"customer": customer, "reason": "spam", "review_id": review.pk, "story_id": 1},
         "Report one review, story or comment at a time."),
        ({"customer": customer, "reason": "spam", "review_id": review.pk, "note": "x" * 501},
         "The details can be at most 500 characters."),
    ]  # fmt: skip
    for fields, message in cases:
        with pytest.raises(ApplicationError) as refused:
            content_report(**fields)
        assert refused.value.message == message
    Review.objects.filter(pk=review.pk).update(status=Review.Status.PENDING)
    with pytest.raises(ReviewNotFound):
        content_report(customer=customer, reason="spam", review_id=review.pk)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.PUBLISHED)
    assert snapshot() == before


def story(author, **fields):
    values = {
        "author": author,
        "title": "Dubai in spring",
        "slug": f"dubai-{TravelStory.objects.count()}",
        "body": "Hello",
        "body_html": "<p>Hello</p>",
        "published_at": timezone.now(),
    }
    values.update(fields)
    return TravelStory.objects.create(**values)


def test_report_a_story_and_a_comment(customer):
    author = CustomerFactory()
    unlisted = story(author, visibility="unlisted")
    comment = StoryComment.objects.create(story=unlisted, author=author, text="Nice")

    story_report = content_report(customer=customer, reason="offensive", story_id=unlisted.pk)
    comment_report = content_report(customer=customer, reason="spam", comment_id=comment.pk)

    assert (story_report.story_id, comment_report.comment_id) == (unlisted.pk, comment.pk)
    unlisted.refresh_from_db()
    comment.refresh_from_db()
    assert (unlisted.report_count, comment.report_count) == (1, 1)


def test_hidden_or_private_content_cannot_be_reported(customer):
    author = CustomerFactory()
    private = story(author, visibility="private")
    hidden = story(author, hidden_at=timezone.now())
    public = story(author)
    hidden_comment = StoryComment.objects.create(
        story=public, author=author, text="x", status="hidden"
    )
    on_private = StoryComment.objects.create(story=private, author=author, text="x")
    for fields in (
        {"story_id": private.pk},
        {"story_id": hidden.pk},
        {"comment_id": hidden_comment.pk},
        {"comment_id": on_private.pk},
    ):
        with pytest.raises(ContentNotFound):
            content_report(customer=customer, reason="spam", **fields)
    assert ContentReport.objects.count() == 0
    assert sorted(TravelStory.objects.values_list("report_count", flat=True)) == [0, 0, 0]
    assert list(StoryComment.objects.values_list("report_count", flat=True)) == [0, 0]


def test_resolve(review, customer, staff):
    report = content_report(customer=customer, reason="spam", review_id=review.pk)
    with pytest.raises(ApplicationError):
        content_report_resolve(staff_user=customer.user, report_id=report.pk)
    assert ContentReport.objects.get().resolved_at is None

    resolved = content_report_resolve(staff_user=staff, report_id=report.pk)
    assert resolved.resolved_by == staff
    first = resolved.resolved_at
    assert first is not None
    assert content_report_resolve(staff_user=staff, report_id=report.pk).resolved_at == first


def test_resolving_a_report_lowers_the_report_count_once(review, customer, other_customer, staff):
    first = content_report(customer=customer, reason="spam", review_id=review.pk)
    content_report(customer=other_customer, reason="false", review_id=review.pk)
    review.refresh_from_db()
    assert review.report_count == 2

    content_report_resolve(staff_user=staff, report_id=first.pk)
    content_report_resolve(staff_user=staff, report_id=first.pk)  # again: changes nothing

    review.refresh_from_db()
    assert review.report_count == 1
    assert ContentReport.objects.filter(resolved_at__isnull=True).count() == 1


def test_resolving_story_and_comment_reports_lowers_their_counts(customer, staff):
    author = CustomerFactory()
    public = story(author)
    comment = StoryComment.objects.create(story=public, author=author, text="Nice")
    story_report = content_report(customer=customer, reason="offensive", story_id=public.pk)
    comment_report = content_report(customer=customer, reason="spam", comment_id=comment.pk)

    for report in (story_report, comment_report, story_report):
        content_report_resolve(staff_user=staff, report_id=report.pk)

    public.refresh_from_db()
    comment.refresh_from_db()
    assert (public.report_count, comment.report_count) == (0, 0)
