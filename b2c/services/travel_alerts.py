"""Travel alerts: reminders before each booked flight, changes to booked flights (answered by
accepting them or by cancelling for a full refund), and travel advisories staff post per country.

Reminders (`travel_reminders_send`, every five minutes): for each scheduled flight of a confirmed
booking, when check-in opens (CHECK_IN_OPENS_HOURS before departure), 24 hours and 3 hours
before. A pass tells only the latest moment that is due: after the job was down, a flight 2 hours
away gets its 3-hour reminder, not all three. Each reminder is one TravelAlert row keyed by
booking, flight, departure time and moment, so a re-run adds nothing and a re-timed flight gets
fresh reminders for its new time.

Flight changes (`travel_alerts_flight_changed`, from the Flight save signal in flights.signals):
each confirmed booking on the flight gets one alert awaiting an answer; an earlier unanswered one
for the same booking and flight is superseded by it.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from b2c.models import Customer, TravelAlert
from bookings.models import Booking, BookingSegment
from core.exceptions import ApplicationError
from core.formatting import isolate
from flights.models import Flight

logger = logging.getLogger(__name__)

Kind = TravelAlert.Kind
Reminder = TravelAlert.Reminder
Change = TravelAlert.Change
State = TravelAlert.State

DAY_BEFORE = dt.timedelta(hours=24)
HOURS_BEFORE = dt.timedelta(hours=3)
TITLE_MAX_LENGTH = 200  # TravelAlert.title


class TravelAlertNotFound(ApplicationError):
    """Not one of this customer's travel alerts, or no such alert (the API answers 404)."""


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _local(moment: dt.datetime | None, time_zone: str) -> str:
    """`moment` at an airport, in the active language (e.g. "Mar 10, 2030, 10:00 AM")."""
    from core.formatting import format_moment

    return format_moment(moment, tz=time_zone) if moment else ""


def _route(flight: Flight) -> str:
    return f"{flight.origin.iata_code} → {flight.destination.iata_code}"


def _with_language(email, language: str):
    from dataclasses import replace

    return replace(email, headers={**(email.headers or {}), "Content-Language": language})


# Reminders -------------------------------------------------------------------------------------


def reminder_moments() -> list[tuple[str, dt.timedelta]]:
    """Each reminder and how long before departure it is due, earliest first."""
    moments = [
        (Reminder.CHECK_IN.value, dt.timedelta(hours=settings.CHECK_IN_OPENS_HOURS)),
        (Reminder.DAY.value, DAY_BEFORE),
        (Reminder.HOURS.value, HOURS_BEFORE),
    ]
    return sorted(moments, key=lambda moment: -moment[1])


def reminder_due(*, departure_at: dt.datetime, now: dt.datetime) -> str | None:
    """The latest reminder due at `now` for a flight departing at `departure_at` (None when it
    is too early, or the flight has left)."""
    if departure_at <= now:
        return None
    due = None
    for reminder, before in reminder_moments():
        if departure_at - before <= now:
            due = reminder
    return due


def reminder_key(*, booking_id: int, flight_id: int, departure_at: dt.datetime, reminder: str):
    return f"reminder:{booking_id}:{flight_id}:{_epoch(departure_at)}:{reminder}"


def travel_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Create and tell every reminder due now; returns how many were told.

    Two queries find what is due whatever the number of bookings (the segments of confirmed
    bookings on scheduled flights departing within the earliest reminder's reach, and which of
    their reminders exist); each new reminder then costs a handful (its row and its outbox
    messages, in one transaction). Safe beside another pass: a reminder is one row by its key.
    """
    now = now or timezone.now()
    reach = max(before for _reminder, before in reminder_moments())
    rows = (
        BookingSegment.objects.filter(
            booking__status=Booking.Status.CONFIRMED,
            flight__status=Flight.Status.SCHEDULED,
            flight__departure_at__gt=now,
            flight__departure_at__lte=now + reach,
        )
        .values_list("booking_id", "flight_id", "flight__departure_at")
        .order_by("flight__departure_at", "booking_id", "flight_id")
        .distinct()
    )
    due: dict[str, tuple[int, int, str]] = {}
    for booking_id, flight_id, departure_at in rows:
        reminder = reminder_due(departure_at=departure_at, now=now)
        if reminder is not None:
            key = reminder_key(
                booking_id=booking_id,
                flight_id=flight_id,
                departure_at=departure_at,
                reminder=reminder,
            )
            due[key] = (booking_id, flight_id, reminder)
    if not due:
        return 0
    for key in TravelAlert.objects.filter(dedupe_key__in=list(due)).values_list(
        "dedupe_key", flat=True
    ):
        del due[key]
    if not due:
        return 0
    bookings = Booking.objects.select_related("customer__user").in_bulk(
        {booking_id for booking_id, _flight, _reminder in due.values()}
    )
    flights = Flight.objects.select_related("airline", "origin", "destination").in_bulk(
        {flight_id for _booking, flight_id, _reminder in due.values()}
    )
    told = 0
    for key, (booking_id, flight_id, reminder) in due.items():
        with transaction.atomic():
            alert, created = TravelAlert.objects.get_or_create(
                dedupe_key=key,
                defaults={
                    "kind": Kind.REMINDER,
                    "customer_id": bookings[booking_id].customer_id,
                    "booking_id": booking_id,
                    "flight_id": flight_id,
                    "reminder": reminder,
                    "state": State.INFO,
                },
            )
            if created:  # else another pass told it meanwhile
                _tell_reminder(alert, bookings[booking_id], flights[flight_id])
                told += 1
    return told


def _reminder_texts(reminder: str, flight: Flight, departure: str) -> tuple[str, str]:
    """Title and body of a reminder, in the active language."""
    values = {
        "flight": isolate(flight.designator),
        "route": isolate(_route(flight)),
        "time": departure,
    }
    if reminder == Reminder.CHECK_IN:
        title = _("Check-in is open for %(flight)s %(route)s") % values
    elif reminder == Reminder.DAY:
        title = _("%(flight)s %(route)s departs in 24 hours") % values
    else:
        title = _("%(flight)s %(route)s departs in 3 hours") % values
    body = _("%(flight)s leaves %(route)s at %(time)s local time.") % values
    return title, body


def _tell_reminder(alert: TravelAlert, booking: Booking, flight: Flight) -> None:
    from notifications.models import Kind as NotificationKind
    from notifications.services import email_render, notify

    customer = booking.customer
    language = customer.preferred_language
    url = reverse("bookings:confirmation", args=[booking.pk])
    with translation.override(language):
        departure = _local(flight.departure_at, flight.origin.time_zone)
        title, body = _reminder_texts(alert.reminder, flight, departure)
    context = {
        "title": title,
        "body": body,
        "reminder": alert.reminder,
        "flight": flight,
        "designator": flight.designator,
        "route": _route(flight),
        "origin": flight.origin,
        "destination": flight.destination,
        "departure": departure,
        "reference": booking.reference,
        "booking_url": _site_url() + url,
        "language": language,
    }
    email = email_render(
        template="b2c/alerts/email/travel_reminder",
        context=context,
        language=language,
        subject=title,
    )
    notify(
        user=customer.user,
        kind=NotificationKind.TRAVEL_REMINDER,
        title=title,
        body=body,
        url=url,
        dedupe_key=alert.dedupe_key,
        email=_with_language(email, language),
    )


# Flight changes --------------------------------------------------------------------------------


def flight_change_kind(
    *,
    flight: Flight,
    previous_departure_at: dt.datetime,
    previous_arrival_at: dt.datetime,
    previous_status: str,
) -> str | None:
    """What changed for the passengers: the flight was cancelled, or re-timed (None: nothing
    they need to answer, e.g. a cancelled flight put back on sale)."""
    if flight.status == Flight.Status.CANCELLED:
        return Change.CANCELLED if previous_status != Flight.Status.CANCELLED else None
    if flight.departure_at != previous_departure_at or flight.arrival_at != previous_arrival_at:
        return Change.RETIMED
    return None


def travel_alerts_flight_changed(
    *,
    flight: Flight,
    previous_departure_at: dt.datetime,
    previous_arrival_at: dt.datetime,
    previous_status: str,
) -> list[TravelAlert]:
    """In the caller's transaction (the flight's save): tell every confirmed booking on `flight`
    that it was re-timed or cancelled. Each gets one alert awaiting an answer (accept, or cancel
    for a full refund), which supersedes an earlier unanswered one for that flight, and one
    notification and email in the customer's language. Returns the alerts created.

    Called from flights.signals on every Flight save; a bulk `.update()` of flights sends no
    signal and so tells nobody (change flights one by one, as the admin does)."""
    change = flight_change_kind(
        flight=flight,
        previous_departure_at=previous_departure_at,
        previous_arrival_at=previous_arrival_at,
        previous_status=previous_status,
    )
    if change is None:
        return []
    bookings = list(
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            completed_at__isnull=True,
            segments__flight=flight,
        )
        .select_related("customer__user")
        .distinct()
        .order_by("pk")
    )
    if not bookings:
        return []
    flight = Flight.objects.select_related("airline", "origin", "destination").get(pk=flight.pk)
    cancelled = change == Change.CANCELLED
    now = timezone.now()
    created_alerts = []
    new_times = (None, None) if cancelled else (flight.departure_at, flight.arrival_at)
    ids = [booking.pk for booking in bookings]
    with transaction.atomic():
        # Each booking's change alerts for this flight so far, oldest first: the newest tells
        # whether this change was already recorded (the service called again for one save); the
        # count numbers the next one, so a flight moved back and forth is told each time.
        earlier: dict[int, list[TravelAlert]] = {pk: [] for pk in ids}
        for alert in TravelAlert.objects.filter(
            kind=Kind.FLIGHT_CHANGE, flight=flight, booking__in=ids
        ).order_by("created_at", "pk"):
            earlier[alert.booking_id or 0].append(alert)
        for booking in bookings:
            latest = earlier[booking.pk][-1] if earlier[booking.pk] else None
            if latest is not None and (
                latest.change,
                latest.new_departure_at,
                latest.new_arrival_at,
            ) == (change, *new_times):
                continue
            if latest is not None and latest.state == State.AWAITING:
                latest.state = State.SUPERSEDED
                latest.save(update_fields=["state", "updated_at"])
            alert = TravelAlert.objects.create(
                dedupe_key=f"change:{booking.pk}:{flight.pk}:{len(earlier[booking.pk]) + 1}",
                kind=Kind.FLIGHT_CHANGE,
                customer_id=booking.customer_id,
                booking=booking,
                flight=flight,
                change=change,
                state=State.AWAITING,
                previous_departure_at=previous_departure_at,
                previous_arrival_at=previous_arrival_at,
                new_departure_at=new_times[0],
                new_arrival_at=new_times[1],
            )
            _tell_change(alert, booking, flight)
            created_alerts.append(alert)
        if not cancelled:
            # A booking's first departure follows its flights: the trip's start (cancelling
            # online, reminders, completion) is read from it.
            first = (
                BookingSegment.objects.filter(booking=OuterRef("pk"))
                .order_by("flight__departure_at")
                .values("flight__departure_at")[:1]
            )
            Booking.objects.filter(pk__in=ids).update(departure_at=Subquery(first), updated_at=now)
    return created_alerts


def _change_texts(alert: TravelAlert, flight: Flight, values: dict[str, str]) -> tuple[str, str]:
    """Title and body of a flight change, in the active language."""
    if alert.change == Change.CANCELLED:
        title = _("%(flight)s %(route)s has been cancelled") % values
        body = (
            _(
                "Your flight on %(previous)s was cancelled by the airline. Cancel your booking "
                "%(reference)s for a full refund."
            )
            % values
        )
    else:
        title = _("New times for %(flight)s %(route)s") % values
        body = (
            _(
                "Your flight now leaves at %(new)s instead of %(previous)s (local times). "
                "Accept the change or cancel booking %(reference)s for a full refund."
            )
            % values
        )
    return title, body


def _tell_change(alert: TravelAlert, booking: Booking, flight: Flight) -> None:
    from notifications.models import Kind as NotificationKind
    from notifications.services import email_render, notify

    customer = booking.customer
    language = customer.preferred_language
    url = reverse("b2c:travel-alert", args=[alert.pk])
    origin_tz, destination_tz = flight.origin.time_zone, flight.destination.time_zone
    with translation.override(language):
        values = {
            "flight": isolate(flight.designator),
            "route": isolate(_route(flight)),
            "reference": booking.reference,
            "previous": _local(alert.previous_departure_at, origin_tz),
            "new": _local(alert.new_departure_at, origin_tz),
            "previous_arrival": _local(alert.previous_arrival_at, destination_tz),
            "new_arrival": _local(alert.new_arrival_at, destination_tz),
        }
        title, body = _change_texts(alert, flight, values)
    context = values | {
        "title": title,
        "body": body,
        "cancelled": alert.change == Change.CANCELLED,
        "origin": flight.origin,
        "destination": flight.destination,
        "alert_url": _site_url() + url,
        "language": language,
    }
    email = email_render(
        template="b2c/alerts/email/travel_change", context=context, language=language, subject=title
    )
    notify(
        user=customer.user,
        kind=NotificationKind.FLIGHT_CHANGE,
        title=title,
        body=body,
        url=url,
        dedupe_key=alert.dedupe_key,
        email=_with_language(email, language),
    )


def _own_change(*, customer: Customer, alert_id: int) -> TravelAlert:
    """The customer's flight-change alert, locked (TravelAlertNotFound for anyone else's)."""
    alert = (
        TravelAlert.objects.select_for_update()
        .filter(pk=alert_id, customer=customer, kind=Kind.FLIGHT_CHANGE)
        .first()
    )
    if alert is None:
        raise TravelAlertNotFound(_("No such travel alert."))
    return alert


def _not_awaiting(alert: TravelAlert) -> ApplicationError:
    messages: dict[str, str] = {
        State.ACCEPTED: _("You have already accepted this change."),
        State.REFUNDED: _("This booking was already cancelled with a full refund."),
        State.SUPERSEDED: _("A later change replaced this one: answer the latest alert."),
    }
    return ApplicationError(messages.get(alert.state, _("This alert needs no answer.")))


def travel_alert_accept(*, customer: Customer, alert_id: int) -> TravelAlert:
    """Accept the new times of a re-timed flight: the booking stays as it is. Accepting again
    answers the same accepted alert; a cancelled flight cannot be accepted (cancel for a full
    refund instead), nor a superseded or refunded alert."""
    with transaction.atomic():
        alert = _own_change(customer=customer, alert_id=alert_id)
        if alert.state == State.ACCEPTED:
            return alert
        if alert.state != State.AWAITING:
            raise _not_awaiting(alert)
        if alert.change == Change.CANCELLED:
            raise ApplicationError(
                _("This flight was cancelled: cancel your booking for a full refund.")
            )
        if not Booking.objects.filter(
            travel_alerts=alert, status=Booking.Status.CONFIRMED
        ).exists():
            raise ApplicationError(_("This booking is no longer confirmed."))
        alert.state = State.ACCEPTED
        alert.answered_at = timezone.now()
        alert.save(update_fields=["state", "answered_at", "updated_at"])
    return alert


def travel_alert_refund(
    *, customer: Customer, alert_id: int, refund_to: str = "card"
) -> TravelAlert:
    """Cancel the booking of a flight-change alert for a full refund of everything paid
    (bookings.services.booking_cancel_full_refund), whatever its fares' rules; the alert becomes
    refunded in the same transaction. Asking again answers the same refunded alert. Refused,
    changing nothing, when the alert is not awaiting an answer (accepted, superseded), the
    booking is no longer confirmed or its trip has started."""
    from bookings.services import booking_cancel_full_refund

    with transaction.atomic():
        alert = _own_change(customer=customer, alert_id=alert_id)
        if alert.state == State.REFUNDED:
            return alert
        if alert.state != State.AWAITING:
            raise _not_awaiting(alert)
        booking = Booking.objects.get(travel_alerts=alert)
        if booking.status != Booking.Status.CONFIRMED:
            raise ApplicationError(_("Only a confirmed booking can be cancelled."))

    def mark_refunded(locked_booking: Booking) -> None:
        # Locks the booking, then the alert: the order every writer of both follows.
        locked = TravelAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.state != State.AWAITING:
            raise _not_awaiting(locked)  # answered meanwhile: the cancellation rolls back
        locked.state = State.REFUNDED
        locked.answered_at = timezone.now()
        locked.save(update_fields=["state", "answered_at", "updated_at"])

    booking_cancel_full_refund(
        booking=booking, refund_to=refund_to, reason="flight_change", then=mark_refunded
    )
    alert.refresh_from_db()
    if alert.state != State.REFUNDED:
        # The booking was cancelled another way just before (by its quote): not a full refund.
        raise ApplicationError(_("This booking is already cancelled."))
    return alert


# Advisories ------------------------------------------------------------------------------------


def _field_errors(errors: dict[str, list[str]]) -> ApplicationError:
    first = next(iter(errors.values()))[0]
    return ApplicationError(first, extra=errors)


def advisory_publish(
    *,
    staff_user,
    country: str,
    severity: str,
    title: str,
    body: str,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
) -> TravelAlert:
    """Post a travel advisory for a country (staff only); in force from `valid_from` (now when
    empty) until `valid_until` (open-ended when empty). Every customer with an upcoming confirmed
    trip into the country is told once, by a task queued when the advisory commits."""
    from b2c.tasks.travel_alerts import notify_advisory

    if staff_user is None or not getattr(staff_user, "is_staff", False):
        raise ApplicationError(_("Only staff can post travel advisories."))
    now = timezone.now()
    country = str(getattr(country, "code", country) or "").strip().upper()  # a code or Country
    title, body = (title or "").strip(), (body or "").strip()
    valid_from = valid_from or now
    errors: dict[str, list[str]] = {}
    if country not in dict(countries):
        errors["country"] = [_("Choose a country.")]
    if severity not in TravelAlert.Severity.values:
        errors["severity"] = [_("Choose how serious the advisory is.")]
    if not title:
        errors["title"] = [_("Give the advisory a title.")]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [_("The title is too long.")]
    if not body:
        errors["body"] = [_("Write what travellers should know.")]
    if valid_until is not None:
        if valid_until <= valid_from:
            errors["valid_until"] = [_("The end must be after the start.")]
        elif valid_until <= now:
            errors["valid_until"] = [_("The end must be in the future.")]
    if errors:
        raise _field_errors(errors)
    with transaction.atomic():
        advisory = TravelAlert.objects.create(
            kind=Kind.ADVISORY,
            state=State.INFO,
            country=country,
            severity=severity,
            title=title,
            body=body,
            valid_from=valid_from,
            valid_until=valid_until,
            posted_by=staff_user,
        )
        advisory_id = advisory.pk
        transaction.on_commit(lambda: notify_advisory.delay(advisory_id=advisory_id))
    return advisory


def advisory_recipients(*, advisory: TravelAlert, now: dt.datetime) -> Iterable[Customer]:
    """Customers with a confirmed booking that flies into the advisory's country later."""
    return (
        Customer.objects.filter(
            bookings__status=Booking.Status.CONFIRMED,
            bookings__segments__flight__status=Flight.Status.SCHEDULED,
            bookings__segments__flight__departure_at__gt=now,
            bookings__segments__flight__destination__country=advisory.country,
            # Only trips that reach the country while the advisory holds.
            **(
                {"bookings__segments__flight__arrival_at__lt": advisory.valid_until}
                if advisory.valid_until
                else {}
            ),
        )
        .select_related("user")
        .distinct()
        .order_by("pk")
    )


def advisories_notify(*, advisory_id: int, now: dt.datetime | None = None) -> int:
    """Tell each customer flying into the advisory's country, once (a re-run tells nobody
    again); returns how many were told now. An advisory no longer in force tells nobody."""
    from notifications.models import Kind as NotificationKind
    from notifications.models import OutboxMessage
    from notifications.services import email_render, notify

    now = now or timezone.now()
    advisory = TravelAlert.objects.filter(pk=advisory_id, kind=Kind.ADVISORY).first()
    if advisory is None or (advisory.valid_until is not None and advisory.valid_until <= now):
        return 0
    customers = list(advisory_recipients(advisory=advisory, now=now))
    key = f"advisory:{advisory.pk}"
    keys = [f"{channel}:{c.user_id}:{key}" for c in customers for channel in ("in_app", "email")]
    told_before = {
        int(value.split(":")[1])
        for value in OutboxMessage.objects.filter(dedupe_key__in=keys).values_list(
            "dedupe_key", flat=True
        )
    }
    url = reverse("b2c:travel-alert", args=[advisory.pk])
    told = 0
    for customer in customers:
        if customer.user_id in told_before:
            continue
        language = customer.preferred_language
        context: dict[str, Any] = {
            "advisory": advisory,
            "title": advisory.title,
            "body": advisory.body,
            "alert_url": _site_url() + url,
            "language": language,
        }
        with translation.override(language):
            context["country_name"] = str(countries.name(advisory.country))
            context["severity"] = str(advisory.get_severity_display())
        email = email_render(
            template="b2c/alerts/email/travel_advisory",
            context=context,
            language=language,
            subject=advisory.title.replace("%(", "%%("),  # staff text, not a format
        )
        with transaction.atomic():
            notify(
                user=customer.user,
                kind=NotificationKind.ADVISORY,
                title=advisory.title,
                body=advisory.body,
                url=url,
                dedupe_key=key,
                email=_with_language(email, language),
            )
        told += 1
    return told
