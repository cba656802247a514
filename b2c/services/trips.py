"""Trips: planning them day by day, sharing them, inviting companions, and flight bookings that
appear in them by themselves.

Who may do what: the owner does everything; an editor changes the name, notes, days and
activities; a viewer only looks. Anyone else is told the trip does not exist (TripNotFound), so
an id does not reveal that a trip is there.

Days follow the dates: when the dates change, days leaving the trip take their activities with
them only as far as "set aside" (`day` empty, `set_aside_date` the date they were on); they are
offered back (`activity_restore`) and never deleted by a change of dates.

Times are wall-clock times in the activity's own time zone (the place's), so a flight leaving
Dubai at 10:00 reads 10:00 Asia/Dubai wherever the trip is viewed from.
"""

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from b2c.models import Customer, TravelCompanion, Trip, TripActivity, TripDay, TripMember
from b2c.models.trips import trip_token_new
from b2c.selectors.trips import TripNotFound, time_zone_names, trip_role
from bookings.models import Booking, BookingSegment
from core.exceptions import ApplicationError
from core.models import lookup_id
from core.money import SUPPORTED_CURRENCIES, quantize
from flights.models import Airport, Flight

MAX_TRIP_DAYS = 60
DEFAULT_TIME_ZONE = "UTC"
OWNER = "owner"
Role = TripMember.Role


def _refused(field: str | None, message: str) -> ApplicationError:
    return ApplicationError(message, extra={field: [message]} if field else {})


def _not_found() -> TripNotFound:
    return TripNotFound(_("This trip does not exist or is not shared with you."))


# Who may do what -------------------------------------------------------------------------------


def _trip_for(customer: Customer, trip_id: Any, *, need: str) -> Trip:
    """The trip locked for writing if `customer` may do what `need` says ("owner" or "editor");
    TripNotFound for someone with no access, a refusal for a member without the right."""
    trip = Trip.objects.select_for_update().filter(pk=lookup_id(trip_id)).first()
    role = trip_role(trip=trip, customer=customer) if trip is not None else None
    if trip is None or role is None:
        raise _not_found()
    if need == OWNER and role != OWNER:
        raise _refused(None, _("Only the trip's owner can do this."))
    if need == Role.EDITOR and role not in (OWNER, Role.EDITOR):
        raise _refused(None, _("You can view this trip but not change it."))
    return trip


def _activity_for(customer: Customer, activity_id: Any) -> TripActivity:
    activity = TripActivity.objects.filter(pk=lookup_id(activity_id)).first()
    if activity is None:
        raise _not_found()
    _trip_for(customer, activity.trip_id, need=Role.EDITOR)
    # Read again under the trip's lock: a move or delete that held it first has changed the row.
    activity = TripActivity.objects.filter(pk=activity.pk).first()
    if activity is None:
        raise _not_found()
    return activity


# Dates and days --------------------------------------------------------------------------------


def _check_dates(
    start_date: dt.date, end_date: dt.date, *, allow_past: bool = False
) -> dict[str, list[str]]:
    if end_date < start_date:
        return {"end_date": [_("The last day must be on or after the first day.")]}
    if (end_date - start_date).days + 1 > MAX_TRIP_DAYS:
        message = _("A trip can be at most %(days)d days long.") % {"days": MAX_TRIP_DAYS}
        return {"end_date": [message]}
    if not allow_past and end_date < timezone.localdate():
        return {"end_date": [_("The trip cannot end in the past.")]}
    return {}


def _dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _days_follow_dates(trip: Trip, start_date: dt.date, end_date: dt.date) -> None:
    """Set `trip`'s dates and make its days match: days leaving set their activities aside."""
    leaving = TripDay.objects.filter(trip=trip).exclude(date__range=(start_date, end_date))
    day_date = TripDay.objects.filter(pk=OuterRef("day_id")).values("date")[:1]
    TripActivity.objects.filter(day__in=leaving).update(
        set_aside_date=Subquery(day_date), day=None, updated_at=timezone.now()
    )
    leaving.delete()
    existing = set(TripDay.objects.filter(trip=trip).values_list("date", flat=True))
    TripDay.objects.bulk_create(
        [TripDay(trip=trip, date=d) for d in _dates(start_date, end_date) if d not in existing]
    )
    trip.start_date, trip.end_date = start_date, end_date


def _airports(codes: Iterable[Any]) -> list[Airport]:
    wanted = [str(code or "").strip().upper() for code in codes]
    found = {a.iata_code: a for a in Airport.objects.filter(iata_code__in=wanted)}
    unknown = [code or "—" for code in wanted if code not in found]
    if unknown:
        raise _refused(
            "destination_codes",
            _("Unknown airport %(code)s.") % {"code": ", ".join(unknown)},
        )
    return list(dict.fromkeys(found[code] for code in wanted))


def _companions(customer: Customer, ids: Iterable[Any]) -> list[TravelCompanion]:
    try:
        wanted = {lookup_id(pk) for pk in ids}
    except TypeError:  # not a list
        wanted = {0}
    if 0 in wanted:
        raise _refused("companion_ids", _("Choose from your own travel companions."))
    companions = list(TravelCompanion.objects.filter(customer=customer, pk__in=wanted))
    if len(companions) != len(wanted):
        raise _refused("companion_ids", _("Choose from your own travel companions."))
    return companions


def _currency(code: Any) -> str:
    """The budget's currency: one the site converts to."""
    value = str(code or "").strip().upper()
    if value not in SUPPORTED_CURRENCIES:
        raise _refused("currency", _("%(code)s is not a supported currency.") % {"code": value})
    return value


def _name(name: Any) -> str:
    value = str(name or "").strip()
    if not value:
        raise _refused("name", _("Give the trip a name."))
    if len(value) > 120:
        raise _refused("name", _("A trip's name is at most 120 characters."))
    return value


@transaction.atomic
def trip_create(
    *,
    customer: Customer,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    destination_codes: Sequence[str] = (),
    companion_ids: Sequence[int] = (),
    currency: str | None = None,
) -> Trip:
    """A trip of the customer's with one day per date from `start_date` to `end_date`."""
    name = _name(name)
    errors = _check_dates(start_date, end_date)
    if errors:
        message = next(iter(errors.values()))[0]
        raise ApplicationError(message, extra=errors)
    currency = _currency(currency or customer.preferred_currency or "USD")
    airports = _airports(destination_codes)
    companions = _companions(customer, companion_ids)
    trip = Trip.objects.create(
        owner=customer, name=name, start_date=start_date, end_date=end_date, currency=currency
    )
    TripDay.objects.bulk_create([TripDay(trip=trip, date=d) for d in _dates(start_date, end_date)])
    _set_destinations(trip, airports)
    trip.companions.set(companions)
    return trip


def _set_destinations(trip: Trip, airports: list[Airport]) -> None:
    # Added one by one so the through rows keep the order given: the first is the default
    # time zone of new activities.
    trip.destinations.clear()
    Through = Trip.destinations.through
    Through.objects.bulk_create([Through(trip_id=trip.pk, airport_id=a.pk) for a in airports])


@transaction.atomic
def trip_update(
    *,
    customer: Customer,
    trip_id: int,
    name: str | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    destination_codes: Sequence[str] | None = None,
    companion_ids: Sequence[int] | None = None,
    notes: str | None = None,
    currency: str | None = None,
) -> Trip:
    """Change what is given (None leaves it). Editors change the name and notes; only the owner
    changes dates, destinations, companions and the budget's currency. New dates add and remove
    days; activities of removed days are set aside, not deleted."""
    owner_only = (start_date, end_date, destination_codes, companion_ids, currency)
    need = OWNER if any(v is not None for v in owner_only) else Role.EDITOR
    trip = _trip_for(customer, trip_id, need=need)
    new_name = _name(name) if name is not None else trip.name
    new_start = start_date or trip.start_date
    new_end = end_date or trip.end_date
    dates_change = (new_start, new_end) != (trip.start_date, trip.end_date)
    if dates_change:
        errors = _check_dates(new_start, new_end)
        if errors:
            raise ApplicationError(next(iter(errors.values()))[0], extra=errors)
    new_currency = _currency(currency) if currency is not None else trip.currency
    airports = _airports(destination_codes) if destination_codes is not None else None
    companions = _companions(customer, companion_ids) if companion_ids is not None else None
    if dates_change:
        _days_follow_dates(trip, new_start, new_end)
    trip.name = new_name
    trip.currency = new_currency
    if notes is not None:
        trip.notes = str(notes).strip()
    trip.save()
    if airports is not None:
        _set_destinations(trip, airports)
    if companions is not None:
        trip.companions.set(companions)
    return trip


@transaction.atomic
def trip_delete(*, customer: Customer, trip_id: int) -> None:
    """Delete the trip with its days, activities and members (owner only)."""
    _trip_for(customer, trip_id, need=OWNER).delete()


def _owner_set(customer: Customer, trip_id: int, **values: Any) -> Trip:
    with transaction.atomic():
        trip = _trip_for(customer, trip_id, need=OWNER)
        for name, value in values.items():
            setattr(trip, name, value)
        trip.save(update_fields=[*values, "updated_at"])
    return trip


def trip_share(*, customer: Customer, trip_id: int) -> Trip:
    """Open the read-only link (`share_token`)."""
    return _owner_set(customer, trip_id, is_shared=True)


def trip_unshare(*, customer: Customer, trip_id: int) -> Trip:
    """Close the read-only link for good: it answers 404, and sharing again makes a new one."""
    return _owner_set(customer, trip_id, is_shared=False, share_token=trip_token_new())


def trip_share_reset(*, customer: Customer, trip_id: int) -> Trip:
    """A new read-only link; the old one answers 404."""
    return _owner_set(customer, trip_id, share_token=trip_token_new())


def trip_calendar_enable(*, customer: Customer, trip_id: int, enabled: bool = True) -> Trip:
    """Turn the calendar subscription feed on, or off with `enabled=False`: an address turned
    off never works again (turning the feed back on gives a new one)."""
    if enabled:
        return _owner_set(customer, trip_id, calendar_enabled=True)
    return _owner_set(customer, trip_id, calendar_enabled=False, calendar_token=trip_token_new())


def trip_calendar_reset(*, customer: Customer, trip_id: int) -> Trip:
    """A new calendar feed address; the old one answers 404."""
    return _owner_set(customer, trip_id, calendar_token=trip_token_new())


# Members ---------------------------------------------------------------------------------------


def _role(role: Any) -> str:
    if role not in Role.values:
        raise _refused("role", _("Choose whether they can view or edit."))
    return str(role)


@transaction.atomic
def member_invite(*, customer: Customer, trip_id: int, email: str, role: str) -> TripMember:
    """Invite a Safar customer by the email of their account, as a viewer or an editor (owner
    only; once per trip)."""
    trip = _trip_for(customer, trip_id, need=OWNER)
    role = _role(role)
    address = str(email or "").strip()
    invitee = (
        Customer.objects.filter(user__email__iexact=address, deleted_at__isnull=True).first()
        if address
        else None
    )
    if invitee is None:
        raise _refused("email", _("No Safar customer has this email address."))
    if invitee.pk == trip.owner_id:
        raise _refused("email", _("This is your own trip."))
    if TripMember.objects.filter(trip=trip, customer=invitee).exists():
        raise _refused("email", _("This person is already invited to the trip."))
    return TripMember.objects.create(trip=trip, customer=invitee, role=role)


def _member(trip: Trip, member_id: Any) -> TripMember:
    member = TripMember.objects.filter(trip=trip, pk=lookup_id(member_id)).first()
    if member is None:
        raise _refused("member_id", _("This person is not a member of the trip."))
    return member


@transaction.atomic
def member_remove(*, customer: Customer, trip_id: int, member_id: int) -> None:
    """The owner removes a member; a member may leave by removing themselves."""
    trip = _trip_for(customer, trip_id, need=Role.VIEWER)
    member = _member(trip, member_id)
    if trip.owner_id != customer.pk and member.customer_id != customer.pk:
        raise _refused(None, _("Only the trip's owner can do this."))
    member.delete()


@transaction.atomic
def member_role_set(*, customer: Customer, trip_id: int, member_id: int, role: str) -> TripMember:
    """Make a member a viewer or an editor (owner only)."""
    trip = _trip_for(customer, trip_id, need=OWNER)
    member = _member(trip, member_id)
    member.role = _role(role)
    member.save(update_fields=["role"])
    return member


# Activities ------------------------------------------------------------------------------------


def _day(trip: Trip, day_date: Any) -> TripDay:
    day = TripDay.objects.filter(trip=trip, date=day_date).first() if day_date else None
    if day is None:
        raise _refused("day_date", _("This date is not part of the trip."))
    return day


def _default_time_zone(trip: Trip) -> str:
    Through = Trip.destinations.through
    first = (
        Through.objects.filter(trip_id=trip.pk)
        .order_by("id")
        .values_list("airport__time_zone", flat=True)
        .first()
    )
    return first or DEFAULT_TIME_ZONE


@functools.cache
def _zone_set() -> frozenset[str]:
    return frozenset(time_zone_names())


def _time_zone(value: str) -> str:
    """An IANA zone name from the list the page offers (a folder of zones, such as "America",
    is not one)."""
    if not isinstance(value, str) or value not in _zone_set():
        raise _refused("time_zone", _("Choose a time zone from the list."))
    return value


def _activity_values(
    trip: Trip,
    *,
    title: Any,
    place: Any,
    time_zone: str | None,
    start_time: dt.time | None,
    end_time: dt.time | None,
    notes: Any,
    cost: Decimal | str | None,
    cost_currency: Any,
    booking_reference: Any,
) -> dict[str, Any]:
    title = str(title or "").strip()
    if not title:
        raise _refused("title", _("Say what the activity is."))
    if len(title) > 150:
        raise _refused("title", _("A title is at most 150 characters."))
    zone = _time_zone(str(time_zone).strip()) if time_zone else _default_time_zone(trip)
    if end_time is not None and start_time is None:
        raise _refused("start_time", _("An activity with an end time needs a start time."))
    currency = str(cost_currency or "").strip().upper()
    amount: Decimal | None = None
    if cost is not None and cost != "":
        try:
            amount = cost if isinstance(cost, Decimal) else Decimal(str(cost))
        except InvalidOperation:
            raise _refused("cost", _("Enter the cost as a number.")) from None
        if not amount.is_finite() or amount < 0:
            raise _refused("cost", _("The cost cannot be negative."))
        if currency not in SUPPORTED_CURRENCIES:
            raise _refused("cost_currency", _("Choose the currency of the cost."))
        amount = quantize(amount, currency)
        if amount >= Decimal("1E9"):
            raise _refused("cost", _("The cost is too large."))
    else:
        currency = ""
    return {
        "title": title,
        "place": str(place or "").strip()[:200],
        "time_zone": zone,
        "start_time": start_time,
        "end_time": end_time,
        "notes": str(notes or "").strip(),
        "cost": amount,
        "cost_currency": currency,
        "booking_reference": str(booking_reference or "").strip()[:40],
    }


def _renumber(activities: Sequence[TripActivity]) -> None:
    changed = []
    for position, activity in enumerate(activities):
        if activity.position != position:
            activity.position = position
            changed.append(activity)
    TripActivity.objects.bulk_update(changed, ["position"])


def _day_activities(day: TripDay, *, without: TripActivity | None = None) -> list[TripActivity]:
    rows = TripActivity.objects.filter(day=day).order_by("position", "id")
    if without is not None:
        rows = rows.exclude(pk=without.pk)
    return list(rows)


@transaction.atomic
def activity_create(
    *,
    customer: Customer,
    trip_id: int,
    day_date: dt.date,
    title: str,
    place: str = "",
    time_zone: str | None = None,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    notes: str = "",
    cost: Decimal | None = None,
    cost_currency: str = "",
    booking_reference: str = "",
) -> TripActivity:
    """An activity at the end of the day `day_date` (owner and editors)."""
    trip = _trip_for(customer, trip_id, need=Role.EDITOR)
    day = _day(trip, day_date)
    values = _activity_values(
        trip,
        title=title,
        place=place,
        time_zone=time_zone,
        start_time=start_time,
        end_time=end_time,
        notes=notes,
        cost=cost,
        cost_currency=cost_currency,
        booking_reference=booking_reference,
    )
    position = TripActivity.objects.filter(day=day).count()
    return TripActivity.objects.create(trip=trip, day=day, position=position, **values)


@transaction.atomic
def activity_update(
    *,
    customer: Customer,
    activity_id: int,
    title: str,
    place: str = "",
    time_zone: str | None = None,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    notes: str = "",
    cost: Decimal | None = None,
    cost_currency: str = "",
    booking_reference: str = "",
) -> TripActivity:
    """Replace an activity's details, as its form does (owner and editors). A flight follows its
    booking: only its notes and cost change here."""
    activity = _activity_for(customer, activity_id)
    trip = activity.trip
    if activity.kind == TripActivity.Kind.FLIGHT:
        values = _activity_values(
            trip,
            title=activity.title,
            place=activity.place,
            time_zone=activity.time_zone,
            start_time=activity.start_time,
            end_time=activity.end_time,
            notes=notes,
            cost=cost,
            cost_currency=cost_currency,
            booking_reference=activity.booking_reference,
        )
    else:
        values = _activity_values(
            trip,
            title=title,
            place=place,
            time_zone=time_zone or activity.time_zone,
            start_time=start_time,
            end_time=end_time,
            notes=notes,
            cost=cost,
            cost_currency=cost_currency,
            booking_reference=booking_reference,
        )
    for name, value in values.items():
        setattr(activity, name, value)
    activity.save()
    return activity


@transaction.atomic
def activity_delete(*, customer: Customer, activity_id: int) -> None:
    """Delete an activity; the others of its day close up (owner and editors)."""
    activity = _activity_for(customer, activity_id)
    day = activity.day
    activity.delete()
    if day is not None:
        _renumber(_day_activities(day))


def _place(activity: TripActivity, day: TripDay, position: int | None) -> TripActivity:
    old_day = activity.day
    others = _day_activities(day, without=activity)
    at = len(others) if position is None else max(0, min(int(position), len(others)))
    activity.day = day
    activity.set_aside_date = None
    activity.save(update_fields=["day", "set_aside_date", "updated_at"])
    others.insert(at, activity)
    _renumber(others)
    if old_day is not None and old_day.pk != day.pk:
        _renumber(_day_activities(old_day))
    return activity


@transaction.atomic
def activity_move(
    *, customer: Customer, activity_id: int, day_date: dt.date, position: int
) -> TripActivity:
    """Move an activity to `position` (from 0) of the day `day_date`, in the same trip."""
    activity = _activity_for(customer, activity_id)
    day = _day(activity.trip, day_date)
    try:
        at = int(position)
    except (TypeError, ValueError):
        raise _refused("position", _("Choose where to put the activity.")) from None
    return _place(activity, day, at)


@transaction.atomic
def activity_restore(*, customer: Customer, activity_id: int, day_date: dt.date) -> TripActivity:
    """Put a set-aside activity back on a day of the trip, at the end of it."""
    activity = _activity_for(customer, activity_id)
    if activity.day_id is not None:
        raise _refused(None, _("This activity is already on a day of the trip."))
    return _place(activity, _day(activity.trip, day_date), None)


@transaction.atomic
def activity_reorder(*, customer: Customer, day_id: int, activity_ids: Sequence[int]) -> TripDay:
    """Put a day's activities in the order given: every activity of the day, once."""
    day = TripDay.objects.filter(pk=lookup_id(day_id)).first()
    if day is None:
        raise _not_found()
    _trip_for(customer, day.trip_id, need=Role.EDITOR)
    activities = {a.pk: a for a in _day_activities(day)}
    try:
        wanted = [lookup_id(pk) for pk in activity_ids]
    except TypeError:  # not a list
        wanted = []
    if sorted(wanted) != sorted(activities):
        raise _refused("activity_ids", _("The day's activities changed; reload and try again."))
    _renumber([activities[pk] for pk in wanted])
    return day


# Flight bookings -------------------------------------------------------------------------------


def _local(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(zone))


def _segments(booking: Booking) -> list[BookingSegment]:
    return list(
        BookingSegment.objects.filter(booking=booking)
        .select_related("flight__airline", "flight__origin", "flight__destination")
        .order_by("position")
    )


def _flight_values(booking: Booking, segment: BookingSegment) -> tuple[dt.date, dict[str, Any]]:
    """The local day of departure and what the flight's activity says."""
    flight = segment.flight
    origin, destination = flight.origin, flight.destination
    departs = _local(flight.departure_at, origin.time_zone)
    arrives = _local(flight.arrival_at, destination.time_zone)
    notes = _("Arrives %(airport)s at %(time)s on %(date)s, local time.") % {
        "airport": str(destination),
        "time": arrives.strftime("%H:%M"),
        "date": arrives.date().isoformat(),
    }
    return departs.date(), {
        "kind": TripActivity.Kind.FLIGHT,
        "title": f"{flight.airline.iata_code}{flight.number} {origin.city} → {destination.city}",
        "place": f"{origin.name} ({origin.iata_code})",
        "time_zone": origin.time_zone,
        "start_time": departs.time().replace(second=0, microsecond=0),
        "end_time": None,
        "notes": notes,
        "booking_reference": booking.reference,
    }


def _booking_dates(segments: Sequence[BookingSegment]) -> tuple[dt.date, dt.date]:
    starts = [_local(s.flight.departure_at, s.flight.origin.time_zone).date() for s in segments]
    ends = [_local(s.flight.arrival_at, s.flight.destination.time_zone).date() for s in segments]
    return min(starts), max(ends + starts)


def _destination(segments: Sequence[BookingSegment]) -> Airport:
    outbound = [s for s in segments if s.direction == BookingSegment.Direction.OUTBOUND]
    return (outbound or list(segments))[-1].flight.destination


@transaction.atomic
def trip_attach_booking(*, customer: Customer, booking_id: int, trip_id: int | None = None) -> Trip:
    """Put a confirmed booking of the customer's in a trip, one flight activity per segment on
    its local day of departure. Without `trip_id`, a new trip covering the booking, named after
    where it goes; with it, the customer's own trip, its dates stretched to the booking's if
    needed. Attaching again adds nothing; without `trip_id`, a booking already in one of the
    customer's trips answers that trip. The booking's row is locked first, so two requests at
    once (a double click) attach it once."""
    booking = (
        Booking.objects.select_for_update()
        .filter(pk=lookup_id(booking_id), customer=customer)
        .first()
    )
    if booking is None:
        raise _refused("booking_id", _("This booking is not one of yours."))
    if booking.status != Booking.Status.CONFIRMED:
        raise _refused("booking_id", _("Only a confirmed booking can be added to a trip."))
    segments = _segments(booking)
    if not segments:
        raise _refused("booking_id", _("This booking has no flights."))
    first, last = _booking_dates(segments)
    if trip_id is None:
        already = Trip.objects.filter(owner=customer, activities__booking=booking).first()
        if already is not None:
            return already
        errors = _check_dates(first, last, allow_past=True)
        if errors:
            raise ApplicationError(next(iter(errors.values()))[0], extra=errors)
        destination = _destination(segments)
        trip = Trip.objects.create(
            owner=customer,
            name=destination.city[:120],
            start_date=first,
            end_date=last,
            currency=customer.preferred_currency or booking.currency,
        )
        TripDay.objects.bulk_create([TripDay(trip=trip, date=d) for d in _dates(first, last)])
        _set_destinations(trip, [destination])
    else:
        trip = _trip_for(customer, trip_id, need=OWNER)
        start, end = min(first, trip.start_date), max(last, trip.end_date)
        if (start, end) != (trip.start_date, trip.end_date):
            errors = _check_dates(start, end, allow_past=True)
            if errors:
                raise ApplicationError(next(iter(errors.values()))[0], extra=errors)
            _days_follow_dates(trip, start, end)
            trip.save(update_fields=["start_date", "end_date", "updated_at"])
    present = set(
        TripActivity.objects.filter(trip=trip, segment__in=segments).values_list(
            "segment_id", flat=True
        )
    )
    days = {d.date: d for d in TripDay.objects.filter(trip=trip)}
    for segment in segments:
        if segment.pk in present:
            continue
        day_date, values = _flight_values(booking, segment)
        day = days[day_date]
        position = TripActivity.objects.filter(day=day).count()
        TripActivity.objects.create(
            trip=trip, day=day, position=position, booking=booking, segment=segment, **values
        )
    return trip


@transaction.atomic
def booking_sync_trips(*, booking: Booking) -> int:
    """Bring the flight activities of `booking` in every trip in step with it: removed when it
    is no longer confirmed, re-timed (and moved to their new local day, or set aside when that
    day is not part of the trip) when its flights' times changed. Returns how many changed."""
    activities = list(
        TripActivity.objects.filter(booking=booking, segment__isnull=False).select_related(
            "day",
            "segment__flight__airline",
            "segment__flight__origin",
            "segment__flight__destination",
        )
    )
    if not activities:
        return 0
    if booking.status != Booking.Status.CONFIRMED:
        days = {a.day for a in activities if a.day is not None}
        TripActivity.objects.filter(pk__in=[a.pk for a in activities]).delete()
        for day in sorted(days, key=lambda d: d.pk):
            _renumber(_day_activities(day))
        return len(activities)
    changed = 0
    for activity in activities:
        assert activity.segment is not None
        day_date, values = _flight_values(booking, activity.segment)
        current_date = activity.day.date if activity.day is not None else activity.set_aside_date
        same = current_date == day_date and all(
            getattr(activity, name) == value for name, value in values.items()
        )
        if same:
            continue
        for name, value in values.items():
            setattr(activity, name, value)
        activity.save()
        if current_date != day_date:
            new_day = TripDay.objects.filter(trip_id=activity.trip_id, date=day_date).first()
            if new_day is not None:
                _place(activity, new_day, None)
            else:
                old_day = activity.day
                activity.day, activity.set_aside_date = None, day_date
                activity.save(update_fields=["day", "set_aside_date", "updated_at"])
                if old_day is not None:
                    _renumber(_day_activities(old_day))
        changed += 1
    return changed


def trips_flight_changed(*, flight: Flight) -> int:
    """Re-time the trip activities of every confirmed booking on `flight` (after its save)."""
    booking_ids = (
        TripActivity.objects.filter(segment__flight=flight)
        .values_list("booking_id", flat=True)
        .distinct()
    )
    changed = 0
    for booking in Booking.objects.filter(pk__in=list(booking_ids)):
        changed += booking_sync_trips(booking=booking)
    return changed
