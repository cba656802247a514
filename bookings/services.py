"""Bookings: hold seats for an offer, confirm when paid, expire unpaid holds, cancel by quote."""

import datetime as dt
import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking, BookingSegment, Passenger
from core.exceptions import ApplicationError
from core.money import quantize
from flights.models import Fare
from flights.search import (
    CHILD_SHARE,
    INFANT_SHARE,
    offer_reprice,
    offer_token_read,
    reference,
)
from payments.fx import convert, rate_for

logger = logging.getLogger(__name__)

HOLD_TIME = dt.timedelta(minutes=15)
QUOTE_TIME = dt.timedelta(minutes=15)
QUOTE_SALT = "bookings.cancellation-quote"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read out on the phone
TICKET_PREFIX = "999"  # the carrier's numeric code; 999 marks Safar's own demo tickets


@dataclass(frozen=True)
class PassengerDetails:
    type: str
    given_names: str
    surname: str
    date_of_birth: dt.date
    gender: str = ""
    nationality: str = ""
    passport_number: str = ""
    passport_country: str = ""
    passport_expiry: dt.date | None = None


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    years = day.year - date_of_birth.year
    return years - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def passenger_type_on(date_of_birth: dt.date, day: dt.date) -> str:
    """IATA rules: infants are under 2, children 2 to 11, adults 12 and over."""
    age = age_on(date_of_birth, day)
    if age < 2:
        return Passenger.Type.INFANT
    if age < 12:
        return Passenger.Type.CHILD
    return Passenger.Type.ADULT


def _check_passengers(passengers, counts, first_day, last_day, international) -> None:
    errors: dict[str, list[str]] = {}
    wanted = {
        Passenger.Type.ADULT: counts.adults,
        Passenger.Type.CHILD: counts.children,
        Passenger.Type.INFANT: counts.infants,
    }
    given = {t: sum(1 for p in passengers if p.type == t) for t in wanted}
    if given != wanted:
        errors["passengers"] = [_("The passengers do not match the offer.")]
    for index, p in enumerate(passengers):
        key = f"passengers.{index}"
        if not p.given_names.strip() or not p.surname.strip():
            errors.setdefault(key, []).append(_("Enter the names as on the passport."))
        on_departure = passenger_type_on(p.date_of_birth, first_day)
        # An infant must still be under 2 on the last flight; the type is decided at departure.
        if on_departure != p.type or (
            p.type == Passenger.Type.INFANT
            and passenger_type_on(p.date_of_birth, last_day) != Passenger.Type.INFANT
        ):
            errors.setdefault(key, []).append(
                _("The date of birth does not match a passenger of this type on the travel dates.")
            )
        if international:
            if not (p.passport_number and p.passport_country and p.passport_expiry):
                errors.setdefault(key, []).append(
                    _("A passport is required for international travel.")
                )
            elif p.passport_expiry < last_day:
                errors.setdefault(key, []).append(
                    _("The passport expires before the end of the trip.")
                )
    if errors:
        raise ApplicationError(_("Please check the passenger details."), extra=errors)


def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class IdempotencyKeyReused(ApplicationError):
    """The customer's idempotency key already made a booking from a different request."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This booking request was already sent with different details. Check the details "
                "and send it again."
            )
        )


@dataclass(frozen=True)
class HoldResult:
    booking: Booking
    created: bool  # False: a retry with the same key, answered with the booking it made before


def hold_request_fingerprint(data: Mapping[str, Any]) -> str:
    """A digest of a hold request as the caller received it, stored beside its idempotency key."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _earlier_hold(*, customer, idempotency_key: str, fingerprint: str) -> Booking | None:
    booking = Booking.objects.filter(customer=customer, idempotency_key=idempotency_key).first()
    if booking is not None and booking.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return booking


def booking_hold(
    *,
    customer,
    offer_token: str,
    passengers: list[PassengerDetails],
    contact_email: str,
    contact_phone: str = "",
    idempotency_key: str = "",
    fingerprint: str = "",
    affiliate_token: str | None = None,
) -> HoldResult:
    """Hold the offer's seats for HOLD_TIME and record the booking, or change nothing.

    The price and seats are checked again: a changed price or too few seats is refused with a
    message that says so.

    With an `idempotency_key` (and the `fingerprint` of the request, see
    hold_request_fingerprint), the customer's first hold with that key is answered again, as it
    stands now and with `created` False, instead of holding seats twice; the same key with
    another fingerprint raises IdempotencyKeyReused. A refused hold records nothing, so its key
    stays free.
    """
    if idempotency_key:
        if not fingerprint:
            raise ValueError("An idempotency key needs the fingerprint of its request.")
        earlier = _earlier_hold(
            customer=customer, idempotency_key=idempotency_key, fingerprint=fingerprint
        )
        if earlier is not None:
            return HoldResult(booking=earlier, created=False)
    try:
        data = offer_token_read(offer_token)
    except signing.SignatureExpired as exc:
        message = _("This price has expired. Search again to see current prices.")
        raise ApplicationError(message, extra={"offer": [message]}) from exc
    except signing.BadSignature as exc:
        message = _("This offer is not valid. Search again.")
        raise ApplicationError(message, extra={"offer": [message]}) from exc
    try:
        journeys, counts, price = offer_reprice(data)
    except LookupError as exc:
        message = _("A flight of this offer is no longer available. Search again.")
        raise ApplicationError(message, extra={"offer": [message]}) from exc
    if str(price.total) != data["t"] or price.currency != data["c"]:
        message = _(
            "The price has changed from %(old)s to %(new)s %(currency)s. Review the new price."
        ) % {"old": data["t"], "new": price.total, "currency": price.currency}
        raise ApplicationError(message, extra={"price": [message]})
    legs = [leg for journey in journeys for leg in journey.legs]
    if legs[0].departure_at <= timezone.now():
        message = _("This flight has already left.")
        raise ApplicationError(message, extra={"offer": [message]})
    first_day = legs[0].departure_local.date()
    last_day = legs[-1].departure_local.date()
    stops = {i for j in journeys for r in j.rows for i in (r.origin_id, r.destination_id)}
    airports = reference.airports(stops)
    countries = {str(airports[i].country) for i in stops}
    _check_passengers(passengers, counts, first_day, last_day, international=len(countries) > 1)

    try:
        booking = _hold_seats(
            customer=customer, journeys=journeys, counts=counts, price=price,
            passengers=passengers, contact_email=contact_email, contact_phone=contact_phone,
            idempotency_key=idempotency_key, fingerprint=fingerprint,
            affiliate_token=affiliate_token,
        )  # fmt: skip
    except IntegrityError:
        # A concurrent request with the same key committed first (see _create_booking): this
        # attempt's block rolled back whole, seats included; answer with the winner's booking.
        earlier = None
        if idempotency_key:
            earlier = _earlier_hold(
                customer=customer, idempotency_key=idempotency_key, fingerprint=fingerprint
            )
        if earlier is None:
            raise
        return HoldResult(booking=earlier, created=False)
    return HoldResult(booking=booking, created=True)


def _hold_seats(
    *,
    customer,
    journeys,
    counts,
    price,
    passengers: list[PassengerDetails],
    contact_email: str,
    contact_phone: str,
    idempotency_key: str,
    fingerprint: str,
    affiliate_token: str | None = None,
) -> Booking:
    from b2c.services.referrals import affiliate_booking_attribute

    legs = [leg for journey in journeys for leg in journey.legs]
    seats = counts.seats
    fares = Fare.objects.in_bulk([leg.fare_id for leg in legs])
    fare_currency = fares[legs[0].fare_id].currency
    with transaction.atomic():
        # The booking row first: with a key, it claims the key before any seat is touched, so a
        # concurrent duplicate waits on the key's unique index, not on the fares' rows.
        booking = _create_booking(
            customer=customer,
            price=price,
            counts=counts,
            contact_email=contact_email,
            contact_phone=contact_phone,
            departure_at=legs[0].departure_at,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            fare_currency=fare_currency,
            exchange_rate=rate_for(fare_currency, price.currency),
        )
        segments = []
        for direction, journey in zip(
            (BookingSegment.Direction.OUTBOUND, BookingSegment.Direction.INBOUND),
            journeys,
            strict=False,
        ):
            # The journey's fares are already in the booking's currency (flights.search
            # .in_currency); the refund fee is converted at the same, current rate.
            for leg, row in zip(journey.legs, journey.rows, strict=True):
                fare = fares[leg.fare_id]
                segments.append(
                    BookingSegment(
                        booking=booking,
                        fare=fare,
                        flight_id=leg.flight_id,
                        direction=direction,
                        position=len(segments),
                        cabin=fare.cabin,
                        brand=fare.brand,
                        adult_base=row.base_fare,
                        adult_taxes=row.taxes,
                        refundable=fare.refundable,
                        refund_fee=convert(fare.refund_fee, fare.currency, price.currency).amount,
                    )
                )
        BookingSegment.objects.bulk_create(segments)
        Passenger.objects.bulk_create(
            Passenger(
                booking=booking,
                position=i,
                type=p.type,
                given_names=p.given_names.strip(),
                surname=p.surname.strip(),
                date_of_birth=p.date_of_birth,
                gender=p.gender,
                nationality=p.nationality,
                passport_number=p.passport_number,
                passport_country=p.passport_country,
                passport_expiry=p.passport_expiry,
            )
            for i, p in enumerate(passengers)
        )
        # The seats last: the fares' rows stay locked only from here to the commit, so
        # concurrent holds of the same flight queue as briefly as they can.
        # Rows in primary-key order, so concurrent holds never deadlock.
        for fare_id in sorted({leg.fare_id for leg in legs}):
            taken = Fare.objects.filter(pk=fare_id, seats_available__gte=seats).update(
                seats_available=F("seats_available") - seats
            )
            if not taken:
                message = _("There are not enough seats left on this flight. Search again.")
                raise ApplicationError(message, extra={"offer": [message]})
        if affiliate_token:
            affiliate_booking_attribute(booking=booking, click_token=affiliate_token)
    return booking


def _create_booking(
    *,
    customer,
    price,
    counts,
    contact_email,
    contact_phone,
    departure_at,
    idempotency_key: str,
    fingerprint: str,
    fare_currency: str,
    exchange_rate: Decimal,
) -> Booking:
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return Booking.objects.create(
                    reference=_new_reference(),
                    customer=customer,
                    status=Booking.Status.HELD,
                    held_until=timezone.now() + HOLD_TIME,
                    currency=price.currency,
                    base_total=price.base,
                    taxes_total=price.taxes,
                    total=price.total,
                    adults=counts.adults,
                    children=counts.children,
                    infants=counts.infants,
                    contact_email=contact_email,
                    contact_phone=contact_phone,
                    departure_at=departure_at,
                    idempotency_key=idempotency_key,
                    request_fingerprint=fingerprint if idempotency_key else "",
                    fare_currency=fare_currency,
                    exchange_rate=exchange_rate,
                )
        except IntegrityError:
            if (
                idempotency_key
                and Booking.objects.filter(
                    customer=customer, idempotency_key=idempotency_key
                ).exists()
            ):
                raise  # the key is taken, not the reference: booking_hold answers the winner
            continue  # a reference already taken: draw another
    raise RuntimeError("No free booking reference after 10 draws.")


def _release_seats(booking: Booking) -> None:
    for fare_id in sorted(booking.segments.values_list("fare_id", flat=True)):
        Fare.objects.filter(pk=fare_id).update(seats_available=F("seats_available") + booking.seats)


def booking_confirm(*, booking: Booking, locked: bool = False) -> Booking:
    """Ticket a paid booking. The caller holds the transaction and has checked the payment;
    `locked`: it has also just read `booking` with select_for_update in this transaction."""
    if not locked:
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status == Booking.Status.CONFIRMED:
        return booking
    if booking.status != Booking.Status.HELD:
        raise ApplicationError(_("This booking can no longer be confirmed."))
    passengers = list(booking.passengers.all())
    for passenger in passengers:
        passenger.ticket_number = TICKET_PREFIX + "".join(
            secrets.choice("0123456789") for _ in range(10)
        )
    Passenger.objects.bulk_update(passengers, ["ticket_number"])
    booking.status = Booking.Status.CONFIRMED
    booking.confirmed_at = timezone.now()
    booking.save(update_fields=["status", "confirmed_at", "updated_at"])
    # In the same transaction: the points wait for the flight, the partner's commission is priced.
    from b2c.services.loyalty import loyalty_booking_confirmed
    from b2c.services.referrals import affiliate_booking_paid

    loyalty_booking_confirmed(booking=booking)
    affiliate_booking_paid(booking=booking)
    from notifications.tasks import booking_confirmation_send

    booking_pk = booking.pk
    transaction.on_commit(lambda: booking_confirmation_send.delay(booking_id=booking_pk))
    return booking


def bookings_expire_holds(*, now: dt.datetime | None = None) -> int:
    """Release the seats of holds that ran out unpaid. Safe to run concurrently."""
    now = now or timezone.now()
    expired = 0
    candidates = Booking.objects.filter(status=Booking.Status.HELD, held_until__lt=now)
    for pk in candidates.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Booking.Status.HELD, held_until__lt=now)
                .first()
            )
            if booking is None:
                continue
            _release_seats(booking)
            booking.status = Booking.Status.EXPIRED
            booking.save(update_fields=["status", "updated_at"])
            _give_back_part_payment(booking)
            expired += 1
    return expired


def _give_back_part_payment(booking: Booking) -> None:
    """An unpaid hold ran out after a voucher or the wallet paid part of it: both go back, in the
    transaction that expires it (the wallet is ours: no network call under the lock). A card
    charge that lands after the hold ran out is refunded when it settles (payments._settle)."""
    from b2c.services.loyalty import reward_voucher_release
    from payments.models import Payment
    from payments.services import REFUNDABLE, payment_refund

    if booking.voucher_id is not None:
        reward_voucher_release(booking=booking)
        # The voucher may now go on another booking (one booking per voucher).
        booking.voucher = None
        booking.discount_total = Decimal(0)
        booking.save(update_fields=["voucher", "discount_total", "updated_at"])
    for payment in booking.payments.filter(status__in=REFUNDABLE, method=Payment.Method.WALLET):
        payment_refund(
            payment=payment,
            amount=payment.amount - payment.refunded_amount,
            reason="hold expired",
            key=f"refund:{payment.pk}:hold expired:{booking.pk}",
        )


@dataclass(frozen=True)
class CancellationQuote:
    booking_id: int
    refund: Decimal
    fees: Decimal
    currency: str
    destination: str
    valid_until: dt.datetime
    token: str
    # How the refund divides: what the wallet paid goes back to it; the card's part goes to the
    # card, or to the wallet if the customer prefers (instant).
    to_wallet: Decimal = Decimal(0)
    to_card: Decimal = Decimal(0)
    # Points of a voucher used on the booking, given back on cancellation.
    voucher_points: int = 0


def _segment_shares(booking: Booking, segment: BookingSegment) -> tuple[Decimal, Decimal]:
    currency = booking.currency
    base = (
        segment.adult_base * booking.adults
        + quantize(segment.adult_base * CHILD_SHARE, currency) * booking.children
        + quantize(segment.adult_base * INFANT_SHARE, currency) * booking.infants
    )
    taxes = segment.adult_taxes * (booking.adults + booking.children + booking.infants)
    return base, taxes


def booking_cancel_quote(*, booking: Booking) -> CancellationQuote:
    """What cancelling now returns, by the fares' rules: refundable fares return their fare less
    the fee per passenger; every fare returns its taxes. When a voucher paid part, its points
    come back and the money refund is the rest. Valid for QUOTE_TIME."""
    from payments.models import Payment
    from payments.services import booking_refund_split

    booking = Booking.objects.select_related("voucher").get(pk=booking.pk)
    if booking.status != Booking.Status.CONFIRMED:
        raise ApplicationError(_("Only a confirmed booking can be cancelled."))
    if booking.departure_at <= timezone.now():
        raise ApplicationError(_("This trip has started and can no longer be cancelled online."))
    refund = fees = Decimal(0)
    people = booking.adults + booking.children + booking.infants
    for segment in booking.segments.all():
        base, taxes = _segment_shares(booking, segment)
        refund += taxes
        if segment.refundable:
            fee = min(base, segment.refund_fee * people)
            refund += base - fee
            fees += fee
        else:
            fees += base
    # A voucher's value comes back whole, as its points (loyalty_booking_cancelled): the money
    # refund is what the fares' rules return less that value, so nothing is returned twice.
    refund = max(refund - booking.discount_total, Decimal(0))
    refund = quantize(min(refund, booking.amount_due - booking.refunded_total), booking.currency)
    split = booking_refund_split(booking=booking, amount=refund)
    to_wallet = sum((part for p, part in split if p.method == Payment.Method.WALLET), Decimal(0))
    valid_until = timezone.now() + QUOTE_TIME
    token = signing.dumps(
        {"b": booking.pk, "r": str(refund), "c": booking.currency}, salt=QUOTE_SALT
    )
    return CancellationQuote(
        booking_id=booking.pk,
        refund=refund,
        fees=quantize(fees, booking.currency),
        currency=booking.currency,
        destination="card" if refund > to_wallet else "wallet",
        valid_until=valid_until,
        token=token,
        to_wallet=to_wallet,
        to_card=refund - to_wallet,
        voucher_points=booking.voucher.points_spent if booking.voucher else 0,
    )


def _refund_to_checked(refund_to: str) -> None:
    from payments.models import Refund

    if refund_to not in Refund.Destination.values:
        message = _("Choose where the refund goes: your card or your wallet.")
        raise ApplicationError(message, extra={"refund_to": [message]})


def _cancel_and_refund(
    *,
    booking: Booking,
    refund_to: str,
    reason: str,
    amount_for: Callable[[Booking], Decimal],
    then: Callable[[Booking], None] | None = None,
) -> Booking:
    """Cancel `booking` and refund `amount_for(locked booking)` to where it was paid from, in
    one transaction; the card refunds are sent after the commit. `then` runs last inside the
    transaction (the caller's own record of the cancellation commits with it)."""
    from b2c.services.loyalty import loyalty_booking_cancelled
    from b2c.services.referrals import affiliate_booking_cancelled
    from payments.services import booking_refund_record, refunds_send

    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status == Booking.Status.CANCELLED:
            return locked  # a repeated confirmation: already done
        if locked.status != Booking.Status.CONFIRMED:
            raise ApplicationError(_("Only a confirmed booking can be cancelled."))
        amount = amount_for(locked)
        _release_seats(locked)
        locked.status = Booking.Status.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        # With the cancellation, or not at all: the refund owed (the wallet's part credited, the
        # card's recorded and scheduled, so a crash after the commit loses nothing), pending
        # points voided, the voucher's points back, no commission.
        recorded = []
        if amount > 0:
            recorded = booking_refund_record(
                booking=locked, amount=amount, reason=reason, destination=refund_to
            )
        loyalty_booking_cancelled(booking=locked)
        affiliate_booking_cancelled(booking=locked)
        if then is not None:
            then(locked)
    # After the commit: the gateway is a network call, idempotent per refund.
    refunds_send(recorded)
    locked.refresh_from_db()
    return locked


def booking_cancel(*, booking: Booking, quote_token: str, refund_to: str = "card") -> Booking:
    """Cancel as quoted: release the seats and refund exactly the quoted amount to where it came
    from; the card's part to the wallet instead when `refund_to` is "wallet"."""
    _refund_to_checked(refund_to)
    if Booking.objects.filter(pk=booking.pk, status=Booking.Status.CANCELLED).exists():
        return Booking.objects.get(pk=booking.pk)  # a repeated confirmation: already done
    try:
        quote = signing.loads(quote_token, salt=QUOTE_SALT, max_age=QUOTE_TIME)
    except signing.BadSignature as exc:
        message = _("This cancellation quote has expired. Ask for a new one.")
        raise ApplicationError(message, extra={"quote": [message]}) from exc
    if quote["b"] != booking.pk:
        raise ApplicationError(_("This quote is for another booking."))
    return _cancel_and_refund(
        booking=booking,
        refund_to=refund_to,
        reason="cancellation",
        amount_for=lambda locked: Decimal(quote["r"]),
    )


def booking_cancel_full_refund(
    *,
    booking: Booking,
    refund_to: str = "card",
    reason: str = "flight_change",
    then: Callable[[Booking], None] | None = None,
) -> Booking:
    """Cancel a confirmed booking and refund everything paid for it (what is due less what was
    already refunded, each payment's share back to where it came from, a voucher's points back),
    whatever the fares' rules: the airline changed or cancelled a flight, so the customer may walk
    away whole. Refused once the trip has started (a flight of it still scheduled has departed).

    `then(locked_booking)` runs inside the cancellation's transaction, after everything else (a
    travel alert marked refunded commits with the cancellation or not at all). A booking already
    cancelled is returned as it is, without calling `then`."""
    from flights.models import Flight

    _refund_to_checked(refund_to)

    def everything_paid(locked: Booking) -> Decimal:
        started = locked.segments.filter(
            flight__status=Flight.Status.SCHEDULED, flight__departure_at__lte=timezone.now()
        ).exists()
        if started:
            raise ApplicationError(
                _("This trip has started and can no longer be cancelled online.")
            )
        return max(locked.amount_due - locked.refunded_total, Decimal(0))

    return _cancel_and_refund(
        booking=booking, refund_to=refund_to, reason=reason, amount_for=everything_paid, then=then
    )


def bookings_complete(*, now: dt.datetime | None = None) -> int:
    """Mark confirmed bookings whose last flight has landed as completed, and earn what waited
    for it: the points, the referral reward, the partner's commission. Safe to run concurrently;
    each booking is completed once."""
    from b2c.services.loyalty import loyalty_booking_completed
    from b2c.services.referrals import affiliate_booking_completed, referral_booking_completed

    now = now or timezone.now()
    landed = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED, completed_at__isnull=True, departure_at__lt=now
        )
        .annotate(last_arrival=Max("segments__flight__arrival_at"))
        .filter(last_arrival__lt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    completed = 0
    for pk in landed:
        try:
            with transaction.atomic():
                booking = (
                    Booking.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, status=Booking.Status.CONFIRMED, completed_at__isnull=True)
                    .first()
                )
                if booking is None:
                    continue
                booking.completed_at = now
                booking.save(update_fields=["completed_at", "updated_at"])
                # The referral first: it locks wallets, and wallets are locked before customer
                # rows everywhere (the points lock the customer).
                referral_booking_completed(booking=booking)
                loyalty_booking_completed(booking=booking)
                affiliate_booking_completed(booking=booking)
                completed += 1
        except Exception:
            # Rolled back whole: the next run completes it. The others go on.
            logger.exception("Completing booking %s failed; it is retried on the next run.", pk)
    return completed
