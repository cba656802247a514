"""Reports of content (a review, a travel story or a comment) by customers, for staff.

A customer reports a piece of content once: reporting it again returns the first report and
counts nothing twice (the partial unique constraints `content_report_*_once` decide between
concurrent attempts; the target's row is locked while its `report_count` moves).
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from b2c.models import ContentReport, Customer, Review, StoryComment, TravelStory
from b2c.services.reviews import ReviewNotFound, _clean_line
from core.exceptions import ApplicationError

NOTE_MAX_LENGTH = 500  # ContentReport.note
VISIBLE_STORY = (TravelStory.Visibility.PUBLIC, TravelStory.Visibility.UNLISTED)


class ContentNotFound(ApplicationError):
    """No such content, or none the customer can see (the API answers 404)."""


class ReportNotFound(ApplicationError):
    """No such report (the admin and API answer 404)."""


def _refused(field: str | None, message: str) -> ApplicationError:
    return ApplicationError(message, extra={field: [message]} if field else {})


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ContentNotFound(_("Not found.")) from None


def _target(*, review_id: Any, story_id: Any, comment_id: Any) -> tuple[str, Model, int]:
    """The locked target (field name, row, its author's customer id); only content the public
    can see may be reported."""
    if review_id is not None:
        review = (
            Review.objects.select_for_update()
            .filter(pk=_pk(review_id), status=Review.Status.PUBLISHED)
            .first()
        )
        if review is None:
            raise ReviewNotFound(_("Review not found."))
        return "review", review, review.customer_id
    if story_id is not None:
        story = (
            TravelStory.objects.select_for_update()
            .filter(pk=_pk(story_id), visibility__in=VISIBLE_STORY, hidden_at__isnull=True)
            .first()
        )
        if story is None:
            raise ContentNotFound(_("Story not found."))
        return "story", story, story.author_id
    comment = (
        StoryComment.objects.select_for_update(of=("self",))
        .filter(
            pk=_pk(comment_id),
            status=StoryComment.Status.VISIBLE,
            story__visibility__in=VISIBLE_STORY,
            story__hidden_at__isnull=True,
        )
        .first()
    )
    if comment is None:
        raise ContentNotFound(_("Comment not found."))
    return "comment", comment, comment.author_id


def content_report(
    *,
    customer: Customer,
    reason: str,
    note: str = "",
    review_id: int | None = None,
    story_id: int | None = None,
    comment_id: int | None = None,
) -> ContentReport:
    """Report a published review, a visible story or a visible comment (not one's own).
    Reporting the same content again returns the first report."""
    given = [value for value in (review_id, story_id, comment_id) if value is not None]
    if len(given) != 1:
        raise _refused(None, _("Report one review, story or comment at a time."))
    if reason not in ContentReport.Reason.values:
        raise _refused("reason", _("Choose why you are reporting this."))
    clean_note = _clean_line(note)
    if len(clean_note) > NOTE_MAX_LENGTH:
        raise _refused(
            "note", _("The details can be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
        )
    with transaction.atomic():
        field, target, author_id = _target(
            review_id=review_id, story_id=story_id, comment_id=comment_id
        )
        if author_id == customer.pk:
            raise _refused(None, _("You cannot report your own content."))
        existing = ContentReport.objects.filter(reporter=customer, **{field: target}).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                report = ContentReport.objects.create(
                    reporter=customer, reason=reason, note=clean_note, **{field: target}
                )
        except IntegrityError:
            # A concurrent report by the same customer won (it counted the report).
            return ContentReport.objects.get(reporter=customer, **{field: target})
        type(target)._default_manager.filter(pk=target.pk).update(
            report_count=F("report_count") + 1
        )
    return report


def content_report_resolve(*, staff_user: Any, report_id: int) -> ContentReport:
    """Staff mark a report dealt with (resolving it again changes nothing). The target's
    `report_count` counts open reports (the moderation queue puts reported content first), so
    it goes down by one when the report goes from open to resolved."""
    if not (staff_user is not None and staff_user.is_active and staff_user.is_staff):
        raise ApplicationError(_("Only staff can resolve reports."))
    with transaction.atomic():
        report = (
            ContentReport.objects.select_for_update(of=("self",)).filter(pk=_pk(report_id)).first()
        )
        if report is None:
            raise ReportNotFound(_("Report not found."))
        if report.resolved_at is None:
            report.resolved_at = timezone.now()
            report.resolved_by = staff_user
            report.save(update_fields=["resolved_at", "resolved_by"])
            _report_count_down(report)
    return report


def _report_count_down(report: ContentReport) -> None:
    """One open report fewer on the report's target, with the target's row locked (as
    content_report locks it to count one more); never below zero."""
    for model, target_id in (
        (Review, report.review_id),
        (TravelStory, report.story_id),
        (StoryComment, report.comment_id),
    ):
        if target_id is None:
            continue
        manager = model._default_manager
        count = (
            manager.select_for_update()
            .filter(pk=target_id)
            .values_list("report_count", flat=True)
            .first()
        )
        if count:
            manager.filter(pk=target_id).update(report_count=F("report_count") - 1)
        return
