"""Reviews of flights (an airline on a route), hotels and packages: ratings, images, the
company's response, helpful votes, reports, and each subject's rating aggregate."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel


class SubjectKind(models.TextChoices):
    FLIGHT = "flight", _("Flight")
    HOTEL = "hotel", _("Hotel")
    PACKAGE = "package", _("Package")


RATING_RANGE = Q(rating__gte=1) & Q(rating__lte=5)


def _sub_rating(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | (Q(**{f"{field}__gte": 1}) & Q(**{f"{field}__lte": 5}))


def review_image_path(instance, filename: str) -> str:
    # The name is the pipeline's (a random hex and the re-encoded format), never the upload's.
    return f"reviews/{filename}"


class Review(TimeStampedModel):
    """One customer's review of one subject for one trip.

    The subject is a flight (an airline on a route: `airline`, `origin`, `destination`), a hotel
    or a package (`subject_name`); `subject_key` names it in one string for aggregates and the
    one-review rule ("flight:EK:DXB-LHR"). `trip_key` names the trip by its travel date
    ("date:2026-05-01", the flight's local date for a booked trip), so a verified and an
    unverified review of the same trip cannot both exist; `booking` is the completed booking
    that verified it.
    `verified_purchase` is set by the service from the reviewer's completed bookings, never by
    the reviewer.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    customer = models.ForeignKey("b2c.Customer", on_delete=models.CASCADE, related_name="reviews")
    subject_kind = models.CharField(_("about"), max_length=10, choices=SubjectKind.choices)
    airline = models.ForeignKey(
        "flights.Airline",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("airline"),
    )
    origin = models.ForeignKey(
        "flights.Airport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("route", "from"),
    )
    destination = models.ForeignKey(
        "flights.Airport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("route", "to"),
    )
    subject_name = models.CharField(_("hotel or package"), max_length=200, blank=True)
    subject_key = models.CharField(max_length=120, db_index=True)
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("booking"),
    )
    trip_key = models.CharField(max_length=40)
    travel_date = models.DateField(_("travel date"))
    rating = models.PositiveSmallIntegerField(_("overall rating"))
    comfort = models.PositiveSmallIntegerField(_("comfort"), null=True, blank=True)
    service = models.PositiveSmallIntegerField(_("service"), null=True, blank=True)
    value = models.PositiveSmallIntegerField(_("value for money"), null=True, blank=True)
    punctuality = models.PositiveSmallIntegerField(_("punctuality"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("review"))
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Why the automatic check held it (a link, a listed word, too short), or staff's reason for
    # rejecting it (shown to the author).
    held_reason = models.CharField(_("held because"), max_length=200, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    verified_purchase = models.BooleanField(_("verified purchase"), default=False)
    # Kept by the services in the transaction that adds or removes a vote or a report.
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        db_table = "b2c_review"
        ordering = ["-published_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "subject_key", "trip_key"], name="review_one_per_trip"
            ),
            models.CheckConstraint(condition=RATING_RANGE, name="review_rating_1_to_5"),
            models.CheckConstraint(
                condition=_sub_rating("comfort")
                & _sub_rating("service")
                & _sub_rating("value")
                & _sub_rating("punctuality"),
                name="review_sub_ratings_1_to_5",
            ),
            models.CheckConstraint(
                condition=(
                    Q(subject_kind="flight")
                    & Q(airline__isnull=False, origin__isnull=False, destination__isnull=False)
                )
                | (~Q(subject_kind="flight") & ~Q(subject_name="")),
                name="review_subject_named",
            ),
            models.CheckConstraint(
                condition=Q(verified_purchase=False) | Q(booking__isnull=False),
                name="review_verified_has_booking",
            ),
        ]
        indexes = [
            models.Index(
                fields=["subject_key", "-published_at"],
                condition=Q(status="published"),
                name="review_published_subject",
            ),
            models.Index(
                fields=["airline", "-published_at"],
                condition=Q(status="published"),
                name="review_published_airline",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewImage(models.Model):
    """A photo with a review: re-encoded (no EXIF or GPS), with a thumbnail."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        _("image"), upload_to=review_image_path, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to=review_image_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "b2c_review_image"
        ordering = ["review", "position", "id"]
        verbose_name = _("review image")
        verbose_name_plural = _("review images")

    def __str__(self) -> str:
        return self.image.name


class ReviewResponse(TimeStampedModel):
    """The company's answer to a review (one per review), shown under it."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="response")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    text = models.TextField(_("response"))

    class Meta:
        db_table = "b2c_review_response"
        verbose_name = _("company response")
        verbose_name_plural = _("company responses")

    def __str__(self) -> str:
        return f"{self.review_id}"


class ReviewVote(models.Model):
    """One customer found a review helpful (one vote per customer, never on their own)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="votes")
    customer = models.ForeignKey(
        "b2c.Customer", on_delete=models.CASCADE, related_name="review_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "b2c_review_vote"
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [
            models.UniqueConstraint(fields=["review", "customer"], name="review_vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.review_id}"


class ReviewAggregate(models.Model):
    """The published reviews of one subject, counted: an airline on a route
    ("flight:EK:DXB-LHR"), an airline overall ("airline:EK"), a hotel or a package. Kept by the
    services in the transaction that publishes, edits or removes a review."""

    subject_key = models.CharField(max_length=120, unique=True)
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    airline = models.ForeignKey(
        "flights.Airline", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    origin = models.ForeignKey(
        "flights.Airport", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    destination = models.ForeignKey(
        "flights.Airport", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    review_count = models.PositiveIntegerField(_("reviews"), default=0)
    rating_total = models.PositiveIntegerField(default=0)
    count_1 = models.PositiveIntegerField(default=0)
    count_2 = models.PositiveIntegerField(default=0)
    count_3 = models.PositiveIntegerField(default=0)
    count_4 = models.PositiveIntegerField(default=0)
    count_5 = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "b2c_review_aggregate"
        verbose_name = _("rating summary")
        verbose_name_plural = _("rating summaries")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    review_count=models.F("count_1")
                    + models.F("count_2")
                    + models.F("count_3")
                    + models.F("count_4")
                    + models.F("count_5")
                ),
                name="review_aggregate_counts_add_up",
            ),
        ]

    def __str__(self) -> str:
        return self.subject_key


class ContentReport(models.Model):
    """A customer's report of a review, a story or a comment, for staff to look at."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive or abusive")
        FALSE = "false", _("False or misleading")
        PRIVATE = "private", _("Shares private information")
        OTHER = "other", _("Something else")

    reporter = models.ForeignKey(
        "b2c.Customer", on_delete=models.CASCADE, related_name="content_reports"
    )
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    story = models.ForeignKey(
        "b2c.TravelStory", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        "b2c.StoryComment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        db_table = "b2c_content_report"
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(review__isnull=False, story__isnull=True, comment__isnull=True)
                    | Q(review__isnull=True, story__isnull=False, comment__isnull=True)
                    | Q(review__isnull=True, story__isnull=True, comment__isnull=False)
                ),
                name="content_report_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "review"],
                condition=Q(review__isnull=False),
                name="content_report_review_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "story"],
                condition=Q(story__isnull=False),
                name="content_report_story_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False),
                name="content_report_comment_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(resolved_at__isnull=True), name="report_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.reporter_id})"
