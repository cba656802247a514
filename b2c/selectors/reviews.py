"""Reading reviews: published lists per subject or airline, rating aggregates, a customer's own
reviews and the completed trips they may review. Lists load their relations here, so a page's
query count does not grow with the number of reviews."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from b2c.models import Customer, Review, ReviewAggregate, ReviewVote, SubjectKind
from b2c.services.reviews import ReviewNotFound
from bookings.models import Booking, BookingSegment
from flights.models import Flight

SORTS = {
    "newest": ("-published_at", "-id"),
    "helpful": ("-helpful_count", "-published_at", "-id"),
    "highest": ("-rating", "-published_at", "-id"),
    "lowest": ("rating", "-published_at", "-id"),
}


def _with_relations(queryset: QuerySet[Review]) -> QuerySet[Review]:
    return queryset.select_related(
        "customer__user", "airline", "origin", "destination", "response"
    ).prefetch_related("images")


def reviews_published(
    *,
    subject_key: str | None = None,
    airline_code: str | None = None,
    sort: str = "newest",
    rating: int | str | None = None,
) -> QuerySet[Review]:
    """Published reviews of a subject ("flight:EK:DXB-LHR") or of an airline's flights, sorted
    (newest, helpful, highest, lowest; anything else: newest) and optionally of one rating."""
    queryset = Review.objects.filter(status=Review.Status.PUBLISHED)
    if subject_key:
        queryset = queryset.filter(subject_key=subject_key)
    if airline_code:
        queryset = queryset.filter(
            subject_kind=SubjectKind.FLIGHT, airline__iata_code=str(airline_code).upper()
        )
    if rating not in (None, ""):
        try:
            stars = int(rating)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            stars = 0
        queryset = queryset.filter(rating=stars) if 1 <= stars <= 5 else queryset.none()
    return _with_relations(queryset).order_by(*SORTS.get(sort, SORTS["newest"]))


def review_subject_name(*, subject_key: str) -> str | None:
    """The name a hotel or package ("hotel:atlantis the palm") is shown by: as its newest
    published review spells it. None when no published review has the key, or for a flight
    (its route names it)."""
    kind, _colon, name = str(subject_key or "").partition(":")
    if kind not in (SubjectKind.HOTEL, SubjectKind.PACKAGE) or not name.strip():
        return None
    return (
        Review.objects.filter(status=Review.Status.PUBLISHED, subject_key=subject_key)
        .order_by("-published_at", "-id")
        .values_list("subject_name", flat=True)
        .first()
    )


def review_aggregate(*, subject_key: str) -> ReviewAggregate | None:
    return ReviewAggregate.objects.filter(subject_key=subject_key).first()


def review_aggregates_for(*, subject_keys: Iterable[str]) -> dict[str, ReviewAggregate]:
    """The aggregates of many subjects in one query (search results); absent keys have none."""
    keys = {key for key in subject_keys if key}
    if not keys:
        return {}
    return {
        aggregate.subject_key: aggregate
        for aggregate in ReviewAggregate.objects.filter(subject_key__in=keys)
    }


def review_average(*, aggregate: ReviewAggregate | None) -> Decimal | None:
    """The average rating to one decimal (4.3), None without reviews."""
    if aggregate is None or not aggregate.review_count:
        return None
    return (Decimal(aggregate.rating_total) / aggregate.review_count).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def review_distribution(*, aggregate: ReviewAggregate | None) -> dict[int, int]:
    """How many reviews gave each rating, 5 to 1."""
    if aggregate is None:
        return dict.fromkeys((5, 4, 3, 2, 1), 0)
    return {stars: getattr(aggregate, f"count_{stars}") for stars in (5, 4, 3, 2, 1)}


def reviews_of_customer(*, customer: Customer) -> QuerySet[Review]:
    """All of a customer's reviews, whatever their status, newest first."""
    return _with_relations(Review.objects.filter(customer=customer)).order_by("-created_at", "-id")


def review_get_own(*, customer: Customer, review_id: Any) -> Review:
    """One of the customer's reviews; ReviewNotFound for anyone else's (404)."""
    try:
        pk = int(review_id)
    except (TypeError, ValueError):
        raise ReviewNotFound("Review not found.") from None
    review = _with_relations(Review.objects.filter(pk=pk, customer=customer)).first()
    if review is None:
        from django.utils.translation import gettext as _

        raise ReviewNotFound(_("Review not found."))
    return review


def reviewable_bookings(*, customer: Customer) -> list[tuple[Booking, list[Flight]]]:
    """The customer's completed bookings, latest trip first, each with its flights in order:
    what a verified review can be about."""
    bookings = (
        Booking.objects.filter(
            customer=customer, status=Booking.Status.CONFIRMED, completed_at__isnull=False
        )
        .prefetch_related(
            Prefetch(
                "segments",
                queryset=BookingSegment.objects.select_related(
                    "flight__airline", "flight__origin", "flight__destination"
                ).order_by("position"),
            )
        )
        .order_by("-completed_at", "-id")
    )
    return [
        (booking, [segment.flight for segment in booking.segments.all()]) for booking in bookings
    ]


def review_voted_ids(*, customer: Customer, review_ids: Iterable[int]) -> set[int]:
    """Which of these reviews the customer voted helpful (one query; none for no ids)."""
    ids = {int(pk) for pk in review_ids}
    if not ids:
        return set()
    return set(
        ReviewVote.objects.filter(customer=customer, review_id__in=ids).values_list(
            "review_id", flat=True
        )
    )
