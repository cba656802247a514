"""Reads of bookings, shaped for pages, emails and the API; owner-only lookups answer 404."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bookings.models import Booking, BookingSegment


def _with_itinerary(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.select_related("customer__user", "voucher").prefetch_related(
        Prefetch(
            "segments",
            queryset=BookingSegment.objects.select_related(
                "flight__airline", "flight__origin", "flight__destination"
            ),
        ),
        "passengers",
        "payments",
    )


def booking_queryset_for_customer(*, customer, status: str | None = None) -> QuerySet[Booking]:
    """The customer's bookings with their itinerary, newest first, for paged lists."""
    bookings = Booking.objects.filter(customer=customer)
    if status:
        bookings = bookings.filter(status=status)
    return _with_itinerary(bookings).order_by("-created_at", "-pk")


def booking_detail(*, booking_id: int) -> Booking:
    return _with_itinerary(Booking.objects.all()).get(pk=booking_id)


def booking_get_for_customer(*, customer, booking_id: int) -> Booking:
    """Another customer's booking is simply not found."""
    return get_object_or_404(
        _with_itinerary(Booking.objects.filter(customer=customer)), pk=booking_id
    )


def booking_list_for_customer(*, customer) -> dict[str, list[Booking]]:
    """Upcoming (soonest first), past (latest first) and cancelled bookings."""
    now = timezone.now()
    bookings = list(
        _with_itinerary(
            Booking.objects.filter(customer=customer).exclude(status=Booking.Status.EXPIRED)
        ).order_by("departure_at")
    )
    cancelled = [b for b in bookings if b.status == Booking.Status.CANCELLED]
    active = [b for b in bookings if b.status != Booking.Status.CANCELLED]
    return {
        "upcoming": [b for b in active if b.departure_at >= now],
        "past": sorted(
            (b for b in active if b.departure_at < now), key=lambda b: b.departure_at, reverse=True
        ),
        "cancelled": cancelled,
    }


def passenger_prefill(*, customer, counts, first_day) -> list[dict]:
    """Initial passenger forms: the customer first, then companions of the right age, in order."""
    from bookings.models import Passenger
    from bookings.services import passenger_type_on

    def document(person, **names) -> dict:
        return {
            **names,
            "date_of_birth": person.date_of_birth,
            "gender": person.gender if person.gender in ("female", "male") else "",
            "nationality": person.nationality.code or "",
            "passport_number": person.passport_number,
            "passport_country": person.passport_country.code or "",
            "passport_expiry": person.passport_expiry,
        }

    people = []
    profile = customer.profile
    if profile.date_of_birth:
        people.append(
            document(profile, given_names=customer.user.first_name, surname=customer.user.last_name)
        )
    for companion in customer.companions.order_by("pk"):
        people.append(
            document(companion, given_names=companion.given_names, surname=companion.surname)
        )
    wanted = (
        [Passenger.Type.ADULT] * counts.adults
        + [Passenger.Type.CHILD] * counts.children
        + [Passenger.Type.INFANT] * counts.infants
    )
    initial = []
    for kind in wanted:
        match = next(
            (p for p in people if passenger_type_on(p["date_of_birth"], first_day) == kind), None
        )
        if match is not None:
            people.remove(match)
            initial.append({"type": kind, **match})
        else:
            initial.append({"type": kind})
    return initial
