"""Reviews: writing, editing and deleting them with their images, the automatic check and
staff moderation, company responses, helpful votes, and the rating aggregates.

Trust: "verified purchase" comes only from the reviewer's own completed booking of the subject
(a flight of that airline on that route); a booking that does not qualify is refused, never
quietly stored as unverified. One review per customer, subject and trip is the unique
constraint `review_one_per_trip`.

Aggregates: a published review counts in the ReviewAggregate of its subject and, for a flight,
of its airline ("airline:EK"). Every change of status or rating happens with the review's row
locked and updates the aggregates with F() expressions in the same transaction, so counts stay
exact whatever runs beside it.
"""

import datetime as dt
import logging
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Sequence
from types import EllipsisType
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from b2c.models import (
    Customer,
    Review,
    ReviewAggregate,
    ReviewImage,
    ReviewResponse,
    ReviewVote,
    SubjectKind,
)
from b2c.models.reviews import review_image_path
from bookings.models import Booking
from core.exceptions import ApplicationError
from flights.models import Airline, Airport, Flight

logger = logging.getLogger(__name__)

Status = Review.Status

REVIEW_IMAGES_MAX = 6
RATING_FIELDS = ("comfort", "service", "value", "punctuality")
TITLE_MIN_LENGTH = 3
TITLE_MAX_LENGTH = 120  # Review.title
TEXT_MAX_LENGTH = 5000
SUBJECT_NAME_MAX_LENGTH = 200  # Review.subject_name
SUBJECT_KEY_MAX_LENGTH = 120  # Review.subject_key
REJECTION_MAX_LENGTH = 300  # Review.rejection_reason
HELD_MAX_LENGTH = 200  # Review.held_reason
# The earliest time zone: a date that is today anywhere on Earth is not in the future.
EARLIEST_ZONE = zoneinfo.ZoneInfo("Pacific/Kiritimati")

# Common top-level domains: "a bare domain.tld" (spam-shop.com) counts as a link, while a
# sentence run together after a full stop ("great.The crew") does not.
_TLDS = (
    "com|net|org|info|biz|io|co|me|xyz|top|online|site|shop|store|app|link|club|live|ru|cn|uk"
    "|de|fr|ae|sa|pk|bd|in|us|tk|ml|ga|cf|gq|ly|to|cc|tv|ws|su|pw|win|bid|vip|loan|click"
)
_LINK = re.compile(
    rf"(?:https?://|www\.|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b"
    r"(?![a-z0-9]))",
    re.IGNORECASE,
)
# Control characters go (they hide text or break layouts); line breaks and tabs stay in texts.
_KEEP_IN_TEXT = {"\n", "\t"}


class ReviewNotFound(ApplicationError):
    """Not one of this customer's reviews, or no such review (the API answers 404)."""


def _refused(field: str | None, message: str) -> ApplicationError:
    return ApplicationError(message, extra={field: [message]} if field else {})


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# Cleaning and validation -----------------------------------------------------------------------


def _strip_controls(value: str, *, multiline: bool) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    keep = _KEEP_IN_TEXT if multiline else set()
    return "".join(
        char
        if char in keep or unicodedata.category(char) not in ("Cc", "Cs", "Co")
        # A tab or a line break in one line is a space, not glue between two words.
        else (" " if char.isspace() else "")
        for char in value
    )


def _clean_line(value: Any) -> str:
    """One line of plain text: control characters removed, whitespace collapsed."""
    return " ".join(_strip_controls(str(value or ""), multiline=False).split())


def _clean_text(value: Any) -> str:
    """Plain text kept with its line breaks (templates escape it)."""
    lines = _strip_controls(str(value or ""), multiline=True).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _rating(value: Any, field: str, *, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            raise _refused(field, _("Choose a rating from 1 to 5."))
        return None
    if isinstance(value, bool):
        raise _refused(field, _("A rating is a whole number from 1 to 5."))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _refused(field, _("A rating is a whole number from 1 to 5.")) from None
    if number != value and str(number) != str(value).strip():
        raise _refused(field, _("A rating is a whole number from 1 to 5."))
    if not 1 <= number <= 5:
        raise _refused(field, _("A rating is a whole number from 1 to 5."))
    return number


def _title(value: Any) -> str:
    title = _clean_line(value)
    if len(title) < TITLE_MIN_LENGTH:
        raise _refused(
            "title", _("Give your review a title of at least %(min)d characters.") % {"min": 3}
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise _refused(
            "title",
            _("The title can be at most %(max)d characters.") % {"max": TITLE_MAX_LENGTH},
        )
    return title


def _text(value: Any) -> str:
    text = _clean_text(value)
    if not text:
        raise _refused("text", _("Write your review."))
    if len(text) > TEXT_MAX_LENGTH:
        raise _refused(
            "text", _("A review can be at most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}
        )
    return text


def _language(value: Any) -> str:
    code = str(value or "en").strip().lower()
    if code not in {language for language, _name in settings.LANGUAGES}:
        raise _refused("language", _("Choose one of the site's languages."))
    return code


def _travel_date(value: Any) -> dt.date:
    if value in (None, ""):
        raise _refused("travel_date", _("Tell us when you travelled."))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _refused("travel_date", _("Enter a valid date.")) from None
    if not isinstance(value, dt.date):
        raise _refused("travel_date", _("Enter a valid date."))
    if value > timezone.now().astimezone(EARLIEST_ZONE).date():
        raise _refused("travel_date", _("You can review a trip only after you have travelled."))
    return value


def _subject_kind(value: Any) -> str:
    kind = str(value or "")
    if kind not in SubjectKind.values:
        raise _refused("subject_kind", _("Choose what you are reviewing."))
    return kind


def review_subject_key(
    *,
    subject_kind: str,
    airline_code: str = "",
    origin: str = "",
    destination: str = "",
    subject_name: str = "",
) -> str:
    """The one-string name of a subject: "flight:EK:DXB-LHR", "hotel:atlantis the palm" (a
    hotel's or package's name casefolded, its whitespace collapsed)."""
    if subject_kind == SubjectKind.FLIGHT:
        return (
            f"flight:{str(airline_code).strip().upper()}:"
            f"{str(origin).strip().upper()}-{str(destination).strip().upper()}"
        )
    name = " ".join(_clean_line(subject_name).casefold().split())
    return f"{subject_kind}:{name}"[:SUBJECT_KEY_MAX_LENGTH]


def airline_subject_key(code: str) -> str:
    return f"airline:{code.upper()}"


def _flight_subject(
    airline_code: str, origin: str, destination: str
) -> tuple[Airline, Airport, Airport]:
    code = str(airline_code or "").strip().upper()
    airline = Airline.objects.filter(iata_code=code).first() if code else None
    if airline is None:
        raise _refused("airline_code", _("Choose the airline you flew with."))
    airports = {}
    for field, value in (("origin", origin), ("destination", destination)):
        iata = str(value or "").strip().upper()
        airport = Airport.objects.filter(iata_code=iata).first() if iata else None
        if airport is None:
            raise _refused(field, _("Unknown airport %(code)s.") % {"code": iata or "—"})
        airports[field] = airport
    if airports["origin"].pk == airports["destination"].pk:
        raise _refused("destination", _("The destination must differ from the origin."))
    return airline, airports["origin"], airports["destination"]


def _verified_flight(
    *, customer: Customer, booking_id: Any, airline: Airline, origin: Airport, destination: Airport
) -> tuple[Booking, Flight]:
    """The customer's completed booking `booking_id` and its flight of this subject, or refused:
    a booking that does not qualify is never kept as an unverified review."""
    try:
        booking_pk = int(booking_id)
    except (TypeError, ValueError):
        raise _refused(
            "booking_id", _("We could not find that booking among your trips.")
        ) from None
    booking = Booking.objects.filter(pk=booking_pk, customer=customer).first()
    if booking is None:
        raise _refused("booking_id", _("We could not find that booking among your trips."))
    if booking.status != Booking.Status.CONFIRMED or booking.completed_at is None:
        raise _refused(
            "booking_id", _("You can review a booking once its trip has been completed.")
        )
    flight = (
        Flight.objects.filter(
            booking_segments__booking=booking,
            airline=airline,
            origin=origin,
            destination=destination,
        )
        .select_related("origin")
        .order_by("departure_at")
        .first()
    )
    if flight is None:
        raise _refused(
            "booking_id",
            _("This booking has no %(airline)s flight from %(origin)s to %(destination)s.")
            % {
                "airline": airline.iata_code,
                "origin": origin.iata_code,
                "destination": destination.iata_code,
            },
        )
    return booking, flight


# The automatic check ---------------------------------------------------------------------------


def _blocked_word(value: str) -> str | None:
    for word in getattr(settings, "REVIEW_BLOCKED_WORDS", ()):
        word = " ".join(str(word).split())
        if not word:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(part) for part in word.split()) + r"(?!\w)"
        if re.search(pattern, value, re.IGNORECASE):
            return word
    return None


def review_auto_check(*, title: str, text: str, subject_name: str = "") -> str:
    """ "" when a review may be published at once; otherwise why it is held for staff (too
    short, a link, a listed word). A hotel's or package's name is shown publicly with the
    review, so it is checked like the title."""
    minimum = getattr(settings, "REVIEW_MIN_LENGTH", 30)
    if len((text or "").strip()) < minimum:
        return _("Shorter than %(min)d characters.") % {"min": minimum}
    both = f"{subject_name or ''}\n{title or ''}\n{text or ''}"
    if _LINK.search(both):
        return _("Contains a link.")
    word = _blocked_word(both)
    if word is not None:
        return (_("Contains a listed word (%(word)s).") % {"word": word})[:HELD_MAX_LENGTH]
    return ""


# Aggregates ------------------------------------------------------------------------------------


def _aggregate_keys(review: Review) -> list[tuple[str, dict[str, Any]]]:
    keys: list[tuple[str, dict[str, Any]]] = [
        (
            review.subject_key,
            {
                "subject_kind": review.subject_kind,
                "airline_id": review.airline_id,
                "origin_id": review.origin_id,
                "destination_id": review.destination_id,
            },
        )
    ]
    if review.subject_kind == SubjectKind.FLIGHT and review.airline_id:
        code = Airline.objects.values_list("iata_code", flat=True).get(pk=review.airline_id)
        keys.append(
            (
                airline_subject_key(code),
                {"subject_kind": SubjectKind.FLIGHT, "airline_id": review.airline_id},
            )
        )
    return keys


def _aggregate_change(review: Review, *, remove: int | None = None, add: int | None = None):
    """Take rating `remove` out of the review's aggregates and put rating `add` in, with F()
    updates (exact beside concurrent writers). Inside the caller's transaction."""
    if remove == add:
        return
    changes: dict[str, Any] = {}
    count = (1 if add is not None else 0) - (1 if remove is not None else 0)
    if count:
        changes["review_count"] = F("review_count") + count
    changes["rating_total"] = F("rating_total") + (add or 0) - (remove or 0)
    if remove is not None:
        changes[f"count_{remove}"] = F(f"count_{remove}") - 1
    if add is not None:
        changes[f"count_{add}"] = F(f"count_{add}") + 1
    for key, defaults in _aggregate_keys(review):
        if add is not None:
            # get_or_create settles a race between two first reviews with the unique key.
            ReviewAggregate.objects.get_or_create(subject_key=key, defaults=defaults)
        ReviewAggregate.objects.filter(subject_key=key).update(**changes)


def _counted(review: Review) -> int | None:
    """The rating this review adds to its aggregates (None: it is not published)."""
    return review.rating if review.status == Status.PUBLISHED else None


# Telling the author ----------------------------------------------------------------------------


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _tell_author(review: Review, *, event: str, title_msg: Any, body_msg: Any, values: dict):
    from notifications.models import Kind as NotificationKind
    from notifications.services import email_render, notify

    customer = review.customer
    language = customer.preferred_language
    url = _url("b2c:reviews-mine")
    preferences = _url("notifications:preferences")
    with translation.override(language):
        title = str(title_msg) % values
        body = str(body_msg) % values
    email = email_render(
        template="notifications/email/notification",
        context={
            "title": title,
            "body": body,
            "link": _site_url() + url if url else "",
            "preferences_link": _site_url() + preferences if preferences else "",
        },
        language=language,
        subject=title,
    )
    from dataclasses import replace

    email = replace(email, headers={**(email.headers or {}), "Content-Language": language})
    notify(
        user=customer.user,
        kind=NotificationKind.ACCOUNT,
        title=title,
        body=body,
        url=url,
        dedupe_key=f"review:{review.pk}:{event}",
        email=email,
    )


# Writing ---------------------------------------------------------------------------------------


def _processed_images(images: Sequence[Any]) -> list[Any]:
    from core.images import image_process

    return [image_process(upload, field="images") for upload in images]


def _store_image(review: Review, processed: Any, position: int, stored: list[str]) -> ReviewImage:
    storage = ReviewImage._meta.get_field("image").storage

    def save(name: str, content: Any) -> str:
        file = ContentFile(content) if isinstance(content, bytes) else content
        stored_name = storage.save(review_image_path(None, name), file)
        stored.append(stored_name)
        return stored_name

    image_name = save(processed.name, processed.content)
    thumbnail_name = save(processed.thumbnail_name, processed.thumbnail)
    return ReviewImage.objects.create(
        review=review,
        image=image_name,
        thumbnail=thumbnail_name,
        width=processed.width,
        height=processed.height,
        position=position,
    )


def review_create(
    *,
    customer: Customer,
    subject_kind: str,
    airline_code: str = "",
    origin: str = "",
    destination: str = "",
    subject_name: str = "",
    booking_id: int | None = None,
    travel_date: dt.date | None = None,
    rating: int,
    comfort: int | None = None,
    service: int | None = None,
    value: int | None = None,
    punctuality: int | None = None,
    title: str,
    text: str,
    language: str = "en",
    images: Iterable[Any] = (),
) -> Review:
    """Write a review: published at once when the automatic check passes, else held for staff.

    Everything is checked, and every image processed, before anything is written; the images
    are stored inside a block that deletes them again if the review cannot be saved."""
    kind = _subject_kind(subject_kind)
    ratings = {
        "rating": _rating(rating, "rating", required=True),
        "comfort": _rating(comfort, "comfort", required=False),
        "service": _rating(service, "service", required=False),
        "value": _rating(value, "value", required=False),
        "punctuality": _rating(punctuality, "punctuality", required=False),
    }
    clean_title, clean_text = _title(title), _text(text)
    review_language = _language(language)
    uploads = list(images or ())
    if len(uploads) > REVIEW_IMAGES_MAX:
        raise _refused(
            "images",
            _("A review can have at most %(max)d images.") % {"max": REVIEW_IMAGES_MAX},
        )

    subject: dict[str, Any] = {"subject_kind": kind}
    booking: Booking | None = None
    name = ""
    if kind == SubjectKind.FLIGHT:
        airline, origin_airport, destination_airport = _flight_subject(
            airline_code, origin, destination
        )
        subject.update(airline=airline, origin=origin_airport, destination=destination_airport)
        key = review_subject_key(
            subject_kind=kind,
            airline_code=airline.iata_code,
            origin=origin_airport.iata_code,
            destination=destination_airport.iata_code,
        )
        if booking_id not in (None, ""):
            booking, flight = _verified_flight(
                customer=customer,
                booking_id=booking_id,
                airline=airline,
                origin=origin_airport,
                destination=destination_airport,
            )
            zone = zoneinfo.ZoneInfo(flight.origin.time_zone)
            when = flight.departure_at.astimezone(zone).date()
    else:
        name = _clean_line(subject_name)
        if not name:
            raise _refused("subject_name", _("Name the hotel or package you are reviewing."))
        if len(name) > SUBJECT_NAME_MAX_LENGTH:
            raise _refused(
                "subject_name",
                _("The name can be at most %(max)d characters.") % {"max": SUBJECT_NAME_MAX_LENGTH},
            )
        subject["subject_name"] = name
        key = review_subject_key(subject_kind=kind, subject_name=name)
        if booking_id not in (None, ""):
            # Safar sells flights: no booking can prove a stay at a hotel or a package.
            raise _refused("booking_id", _("Only a flight review can be verified by a booking."))
    if booking is None:
        when = _travel_date(travel_date)
    # One voice per trip: a trip is keyed by its (local) travel date whether or not a booking
    # verifies it, so a verified review and an unverified one of the same flight and day
    # collide on `review_one_per_trip`. The booking itself stays in `booking`.
    trip_key = f"date:{when.isoformat()}"

    held = review_auto_check(title=clean_title, text=clean_text, subject_name=name)
    processed = _processed_images(uploads)

    from core.images import files_cleanup_on_error

    now = timezone.now()
    with files_cleanup_on_error() as stored, transaction.atomic():
        review = Review(
            customer=customer,
            subject_key=key,
            booking=booking,
            trip_key=trip_key,
            travel_date=when,
            title=clean_title,
            text=clean_text,
            language=review_language,
            verified_purchase=booking is not None,
            status=Status.PENDING if held else Status.PUBLISHED,
            held_reason=held,
            published_at=None if held else now,
            **subject,
            **ratings,
        )
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:
            if Review.objects.filter(
                customer=customer, subject_key=key, trip_key=trip_key
            ).exists():
                raise _refused(None, _("You have already reviewed this trip.")) from None
            raise
        for position, image in enumerate(processed):
            _store_image(review, image, position, stored)
        if review.status == Status.PUBLISHED:
            _aggregate_change(review, add=review.rating)
    return review


def _own_locked(customer: Customer, review_id: Any) -> Review:
    try:
        pk = int(review_id)
    except (TypeError, ValueError):
        raise ReviewNotFound(_("Review not found.")) from None
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("airline")
        .filter(pk=pk, customer=customer)
        .first()
    )
    if review is None:
        raise ReviewNotFound(_("Review not found."))
    return review


def _check_edit_window(review: Review) -> None:
    days = getattr(settings, "REVIEW_EDIT_DAYS", 30)
    if timezone.now() > review.created_at + dt.timedelta(days=days):
        raise _refused(
            None,
            _("A review can be changed for %(days)d days after it is written.") % {"days": days},
        )


def review_update(
    *,
    customer: Customer,
    review_id: int,
    rating: int | None = None,
    comfort: int | None | EllipsisType = ...,
    service: int | None | EllipsisType = ...,
    value: int | None | EllipsisType = ...,
    punctuality: int | None | EllipsisType = ...,
    title: str | None = None,
    text: str | None = None,
) -> Review:
    """Change one's own review within REVIEW_EDIT_DAYS. None leaves rating, title and text as
    they are; a sub-rating left out (...) stays, None clears it. The edit goes through the
    automatic check again; a review staff rejected goes back to staff."""
    changes: dict[str, Any] = {}
    if rating is not None:
        changes["rating"] = _rating(rating, "rating", required=True)
    for field, given in (
        ("comfort", comfort),
        ("service", service),
        ("value", value),
        ("punctuality", punctuality),
    ):
        if given is not ...:
            changes[field] = _rating(given, field, required=False)
    if title is not None:
        changes["title"] = _title(title)
    if text is not None:
        changes["text"] = _text(text)

    with transaction.atomic():
        review = _own_locked(customer, review_id)
        _check_edit_window(review)
        before = _counted(review)
        for field, new in changes.items():
            setattr(review, field, new)
        held = review_auto_check(
            title=review.title, text=review.text, subject_name=review.subject_name
        )
        now = timezone.now()
        if review.status == Status.REJECTED:
            review.status = Status.PENDING
            review.held_reason = held or _("Edited after it was rejected.")
        elif held:
            review.status = Status.PENDING
            review.held_reason = held
            review.published_at = None
        else:
            if review.status != Status.PUBLISHED:
                review.published_at = now
            review.status = Status.PUBLISHED
            review.held_reason = ""
        if review.status != Status.PUBLISHED:
            review.published_at = None
        review.edited_at = now
        review.save()
        _aggregate_change(review, remove=before, add=_counted(review))
    return review


def review_delete(*, customer: Customer, review_id: int) -> None:
    """Delete one's own review, its images (their files once committed), votes and response."""
    from core.images import files_delete_on_commit

    with transaction.atomic():
        review = _own_locked(customer, review_id)
        names = [
            name
            for image, thumbnail in review.images.values_list("image", "thumbnail")
            for name in (image, thumbnail)
            if name
        ]
        _aggregate_change(review, remove=_counted(review))
        review.delete()
        files_delete_on_commit(names)


def review_image_add(*, customer: Customer, review_id: int, upload: Any) -> ReviewImage:
    """Add an image to one's own review (at most REVIEW_IMAGES_MAX, within the edit window)."""
    from core.images import files_cleanup_on_error, image_process

    with transaction.atomic():  # refuse early, before the work of processing
        review = _own_locked(customer, review_id)
        _check_edit_window(review)
        if review.images.count() >= REVIEW_IMAGES_MAX:
            raise _refused(
                "images",
                _("A review can have at most %(max)d images.") % {"max": REVIEW_IMAGES_MAX},
            )
    processed = image_process(upload, field="image")
    with files_cleanup_on_error() as stored, transaction.atomic():
        review = _own_locked(customer, review_id)
        positions = list(review.images.values_list("position", flat=True))
        if len(positions) >= REVIEW_IMAGES_MAX:
            raise _refused(
                "images",
                _("A review can have at most %(max)d images.") % {"max": REVIEW_IMAGES_MAX},
            )
        return _store_image(review, processed, max(positions, default=-1) + 1, stored)


def review_image_remove(*, customer: Customer, review_id: int, image_id: int) -> None:
    """Remove an image from one's own review; its files go once committed."""
    from core.images import files_delete_on_commit

    with transaction.atomic():
        review = _own_locked(customer, review_id)
        image = ReviewImage.objects.filter(pk=image_id, review=review).first()
        if image is None:
            raise ReviewNotFound(_("Image not found."))
        names = [name for name in (image.image.name, image.thumbnail.name) if name]
        image.delete()
        files_delete_on_commit(names)


# Moderation ------------------------------------------------------------------------------------


def _staff(user: Any) -> None:
    if not (user is not None and user.is_active and user.is_staff):
        raise ApplicationError(_("Only staff can moderate reviews."))


def _locked(review_id: Any) -> Review:
    try:
        pk = int(review_id)
    except (TypeError, ValueError):
        raise ReviewNotFound(_("Review not found.")) from None
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("customer__user", "airline")
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise ReviewNotFound(_("Review not found."))
    return review


def review_publish(*, staff_user: Any, review_id: int) -> Review:
    """Staff publish a held (or rejected) review; publishing a published one changes nothing."""
    _staff(staff_user)
    with transaction.atomic():
        review = _locked(review_id)
        if review.status == Status.PUBLISHED:
            return review
        review.status = Status.PUBLISHED
        review.published_at = timezone.now()
        review.held_reason = ""
        review.rejection_reason = ""
        review.moderated_by = staff_user
        review.save()
        _aggregate_change(review, add=review.rating)
        _tell_author(
            review,
            event=f"published:{int(review.published_at.timestamp())}",
            title_msg=gettext_lazy("Your review is published"),
            body_msg=gettext_lazy(
                "Your review “%(title)s” is now on Safar for other travellers to read."
            ),
            values={"title": review.title},
        )
    return review


def review_reject(*, staff_user: Any, review_id: int, reason: str) -> Review:
    """Staff reject a review with a reason, which the author is told."""
    _staff(staff_user)
    clean_reason = _clean_line(reason)
    if not clean_reason:
        raise _refused("reason", _("Say why the review is rejected: the author is told."))
    if len(clean_reason) > REJECTION_MAX_LENGTH:
        raise _refused(
            "reason",
            _("The reason can be at most %(max)d characters.") % {"max": REJECTION_MAX_LENGTH},
        )
    with transaction.atomic():
        review = _locked(review_id)
        if review.status == Status.REJECTED and review.rejection_reason == clean_reason:
            return review
        _aggregate_change(review, remove=_counted(review))
        review.status = Status.REJECTED
        review.rejection_reason = clean_reason
        review.published_at = None
        review.moderated_by = staff_user
        review.save()
        _tell_author(
            review,
            event=f"rejected:{int(timezone.now().timestamp())}",
            title_msg=gettext_lazy("Your review was not published"),
            body_msg=gettext_lazy("Your review “%(title)s” was not published: %(reason)s"),
            values={"title": review.title, "reason": clean_reason},
        )
    return review


def review_respond(*, staff_user: Any, review_id: int, text: str) -> ReviewResponse:
    """The company's answer to a published review: once per review; the author is told."""
    _staff(staff_user)
    clean = _clean_text(text)
    if not clean:
        raise _refused("text", _("Write the response."))
    if len(clean) > TEXT_MAX_LENGTH:
        raise _refused(
            "text", _("A response can be at most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}
        )
    with transaction.atomic():
        review = _locked(review_id)
        if review.status != Status.PUBLISHED:
            raise _refused(None, _("Only a published review can be answered."))
        if ReviewResponse.objects.filter(review=review).exists():
            raise _refused(None, _("This review already has a response."))
        try:
            with transaction.atomic():
                response = ReviewResponse.objects.create(
                    review=review, author=staff_user, text=clean
                )
        except IntegrityError:
            raise _refused(None, _("This review already has a response.")) from None
        _tell_author(
            review,
            event="response",
            title_msg=gettext_lazy("Safar answered your review"),
            body_msg=gettext_lazy("We answered your review “%(title)s”."),
            values={"title": review.title},
        )
    return response


# Helpful votes ---------------------------------------------------------------------------------


def _vote_locked(customer: Customer, review_id: Any, *, adding: bool = True) -> Review:
    """The published review, its row locked for the vote (inside the caller's transaction);
    voting on one's own review is refused (taking back a vote it cannot have is not)."""
    try:
        pk = int(review_id)
    except (TypeError, ValueError):
        raise ReviewNotFound(_("Review not found.")) from None
    review = (
        Review.objects.select_for_update()
        .filter(pk=pk, status=Status.PUBLISHED)
        .only("pk", "customer_id", "helpful_count", "status")
        .first()
    )
    if review is None:
        raise ReviewNotFound(_("Review not found."))
    if adding and review.customer_id == customer.pk:
        raise _refused(None, _("You cannot vote on your own review."))
    return review


def review_vote_set(*, customer: Customer, review_id: int, voted: bool) -> tuple[bool, int]:
    """Make the customer's helpful vote on a published review what is asked (True: voted,
    False: not): (voted now?, helpful count). Asking again changes nothing.

    Whether the vote is there is read with the review's row locked, so concurrent requests
    of one customer all end where they asked, never toggled back."""
    with transaction.atomic():
        review = _vote_locked(customer, review_id, adding=voted)
        votes = ReviewVote.objects.filter(review=review, customer=customer)
        if not voted:
            deleted, _rows = votes.delete()
            if not deleted:
                return False, review.helpful_count
            Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") - 1)
            return False, review.helpful_count - 1
        if votes.exists():
            return True, review.helpful_count
        ReviewVote.objects.create(review=review, customer=customer)
        Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
        return True, review.helpful_count + 1


def review_vote_toggle(*, customer: Customer, review_id: int) -> tuple[bool, int]:
    """Vote a published review helpful, or take the vote back: (voted now?, helpful count).

    The review's row is locked, so concurrent votes and toggles are counted one by one."""
    with transaction.atomic():
        review = _vote_locked(customer, review_id)
        deleted, _rows = ReviewVote.objects.filter(review=review, customer=customer).delete()
        if deleted:
            Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") - 1)
            return False, review.helpful_count - 1
        ReviewVote.objects.create(review=review, customer=customer)
        Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
        return True, review.helpful_count + 1
