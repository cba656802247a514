"""Price alerts: setting them (customers, and visitors by email with double opt-in), pausing and
stopping them, and the engine that checks them all against the current lowest fares.

The engine (`price_alerts_check`) is set-based: one SQL query finds, for every distinct route,
cabin and party of the active alerts, the cheapest fare per local departure day; prices are then
worked out per alert in Python with the rules of flights.search (`price_for`: children pay
CHILD_SHARE of the adult base fare, infants INFANT_SHARE, everyone the taxes) in the alert's
currency (payments.fx, converted fare by fare as flights.search.in_currency does). Only direct
flights are watched: connections are left to the search page.

Telling: an alert notifies when the price is at or below its target (or, with no target, below
the price when it was set) and it is armed, or when the price is lower than the last price told
by more than the hysteresis (a deeper drop). After telling it is disarmed; it re-arms only when
the price rises above the target (with no target: above the last price told) by the hysteresis,
so a price hovering around the target tells once.
"""

import datetime as dt
import logging
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from b2c.models import Customer, PriceAlert, PriceAlertCheck
from core.exceptions import ApplicationError
from core.money import SUPPORTED_CURRENCIES, minor_unit_exponent, quantize
from flights.models import Airport, Cabin, Fare, Flight
from flights.search import CHILD_SHARE, INFANT_SHARE, MAX_SEATS, Passengers, price_for

logger = logging.getLogger(__name__)

State = PriceAlert.State

MAX_RANGE_DAYS = 60
HYSTERESIS = Decimal("0.01")  # of the price compared with; at least one minor unit
CONFIRM_SALT = "b2c.price-alert.confirm"
STOP_SALT = "b2c.price-alert.stop"
CONFIRM_MAX_AGE = dt.timedelta(days=7)
ENGINE_LOCK = "b2c.price_alerts_check"
OPEN_STATES = (State.PENDING, State.ACTIVE, State.PAUSED)
ENDED_DATES_PASSED = "dates passed"
ENDED_STOPPED = "stopped from email"
AMOUNT = Decimal("0.001")


class PriceAlertNotFound(ApplicationError):
    """Not one of this customer's alerts, or no such alert (the API answers 404)."""


def _refused(field: str | None, message: str) -> ApplicationError:
    return ApplicationError(message, extra={field: [message]} if field else {})


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def _lock(key: str) -> None:
    """Serialise writers of one key until the transaction ends (PostgreSQL; SQLite writes are
    serialised anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(key.encode())])


# Tokens in emails ------------------------------------------------------------------------------


def confirm_token(alert: PriceAlert) -> str:
    return signing.dumps(alert.token, salt=CONFIRM_SALT)


def stop_token(alert: PriceAlert) -> str:
    return signing.dumps(alert.token, salt=STOP_SALT)


def _read_token(token: str, *, salt: str, max_age: dt.timedelta | None = None) -> str:
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        raise PriceAlertNotFound(_("This link is not valid or has expired.")) from None


def price_alert_for_token(*, token: str, salt: str = STOP_SALT) -> PriceAlert:
    """The alert a signed email link names (PriceAlertNotFound when tampered with)."""
    raw = _read_token(token, salt=salt)
    alert = PriceAlert.objects.select_related("origin", "destination").filter(token=raw).first()
    if alert is None:
        raise PriceAlertNotFound(_("This link is not valid or has expired."))
    return alert


# Validation ------------------------------------------------------------------------------------


def _airport(value: Any, field: str) -> Airport:
    if isinstance(value, Airport):
        return value
    code = str(value or "").strip().upper()
    airport = Airport.objects.filter(iata_code=code).first() if code else None
    if airport is None:
        raise _refused(field, _("Unknown airport %(code)s.") % {"code": code or "—"})
    return airport


def _validate(
    *,
    origin: Any,
    destination: Any,
    date_from: dt.date,
    date_to: dt.date,
    cabin: str,
    adults: int,
    children: int,
    infants: int,
    currency: str,
    target_price: Decimal | None,
    today: dt.date,
) -> tuple[Airport, Airport, Decimal | None]:
    origin_airport = _airport(origin, "origin")
    destination_airport = _airport(destination, "destination")
    if origin_airport.pk == destination_airport.pk:
        raise _refused("destination", _("The destination must differ from the origin."))
    if date_from < today:
        raise _refused("date_from", _("The dates must not be in the past."))
    if date_to < date_from:
        raise _refused("date_to", _("The last date must not be before the first."))
    if (date_to - date_from).days > MAX_RANGE_DAYS:
        raise _refused(
            "date_to", _("Watch at most %(days)s days at once.") % {"days": MAX_RANGE_DAYS}
        )
    if cabin not in Cabin.values:
        raise _refused("cabin", _("Unknown cabin."))
    if adults < 1 or children < 0 or infants < 0 or infants > adults:
        raise _refused(
            "adults", _("At least one adult, and no more infants than adults, must travel.")
        )
    if adults + children > MAX_SEATS:
        raise _refused(
            "adults", _("At most %(seats)s seats can be watched at once.") % {"seats": MAX_SEATS}
        )
    if currency not in SUPPORTED_CURRENCIES:
        raise _refused("currency", _("Unsupported currency."))
    if target_price is not None:
        try:
            target_price = Decimal(target_price)
        except (InvalidOperation, TypeError, ValueError):
            raise _refused("target_price", _("Enter a price.")) from None
        if not target_price.is_finite() or target_price <= 0:
            raise _refused("target_price", _("The target price must be more than zero."))
        if target_price != quantize(target_price, currency):
            raise _refused(
                "target_price",
                _("%(currency)s prices have at most %(places)s decimal places.")
                % {"currency": currency, "places": _places(currency)},
            )
        if target_price >= Decimal("1E9"):
            raise _refused("target_price", _("The target price is too high."))
    return origin_airport, destination_airport, target_price


def _places(currency: str) -> int:
    return -int(minor_unit_exponent(currency).as_tuple().exponent)


def _open_alerts(*, customer: Customer | None, email: str) -> int:
    alerts = PriceAlert.objects.filter(state__in=OPEN_STATES)
    if customer is not None:
        return alerts.filter(customer=customer).count()
    return alerts.filter(customer__isnull=True, email__iexact=email).count()


# Writes ----------------------------------------------------------------------------------------


def price_alert_create(
    *,
    customer: Customer | None = None,
    email: str = "",
    origin: Any,
    destination: Any,
    date_from: dt.date,
    date_to: dt.date,
    cabin: str = Cabin.ECONOMY,
    adults: int = 1,
    children: int = 0,
    infants: int = 0,
    currency: str,
    target_price: Decimal | None = None,
    language: str = "en",
    now: dt.datetime | None = None,
) -> PriceAlert:
    """A customer's alert (active at once), or a visitor's by `email` (pending until the link in
    the confirmation email is followed). `origin`/`destination` are Airports or IATA codes;
    `target_price` None means "any drop" below the price now."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    if customer is None and not email:
        raise _refused("email", _("Enter your email address."))
    origin_airport, destination_airport, target_price = _validate(
        origin=origin, destination=destination, date_from=date_from, date_to=date_to,
        cabin=cabin, adults=adults, children=children, infants=infants, currency=currency,
        target_price=target_price, today=now.date(),
    )  # fmt: skip
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    cap = settings.PRICE_ALERTS_PER_CUSTOMER
    with transaction.atomic():
        if customer is not None:
            # Row lock: two requests at once cannot both take the last place under the cap.
            Customer.objects.select_for_update().filter(pk=customer.pk).first()
        else:
            _lock(f"price-alert-email:{email}")
        if _open_alerts(customer=customer, email=email) >= cap:
            raise _refused(None, _("You can have at most %(cap)s price alerts.") % {"cap": cap})
        alert = PriceAlert.objects.create(
            customer=customer,
            email="" if customer is not None else email,
            state=State.ACTIVE if customer is not None else State.PENDING,
            origin=origin_airport,
            destination=destination_airport,
            date_from=date_from,
            date_to=date_to,
            cabin=cabin,
            adults=adults,
            children=children,
            infants=infants,
            currency=currency,
            target_price=target_price,
            language=language,
        )
        alert.start_price = alert.last_price = lowest_prices(
            alerts=[alert], where="a.id = %s", params=[alert.pk], today=now.date()
        ).get(alert.pk)
        alert.save(update_fields=["start_price", "last_price", "updated_at"])
        if customer is None:
            _confirmation_email(alert)
    return alert


def _confirmation_email(alert: PriceAlert) -> None:
    from notifications.services import email_render, email_write

    site = _site_url()
    context = _email_context(alert, site) | {
        "confirm_url": site + reverse("b2c:alert-confirm", args=[confirm_token(alert)]),
    }
    email = email_render(
        template="b2c/alerts/email/confirm",
        context=context,
        language=alert.language,
        subject=gettext_lazy("Confirm your price alert for %(route)s"),
    )
    email = _with_language(email, alert.language)
    email_write(to=alert.email, email=email, dedupe_key=f"price-alert-confirm:{alert.pk}")


def _with_language(email, language: str):
    from dataclasses import replace

    return replace(email, headers={**(email.headers or {}), "Content-Language": language})


def _email_context(alert: PriceAlert, site: str) -> dict:
    return {
        "alert": alert,
        "route": f"{alert.origin.iata_code} → {alert.destination.iata_code}",
        "stop_url": site + reverse("b2c:alert-stop", args=[stop_token(alert)]),
        "site_url": site,
        "language": alert.language,
    }


def price_alert_confirm(*, token: str, now: dt.datetime | None = None) -> PriceAlert:
    """Follow the link of the confirmation email: the visitor's alert starts watching. Again
    is harmless; a tampered or expired link is PriceAlertNotFound."""
    raw = _read_token(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    with transaction.atomic():
        alert = PriceAlert.objects.select_for_update().filter(token=raw).first()
        if alert is None:
            raise PriceAlertNotFound(_("This link is not valid or has expired."))
        if alert.state == State.PENDING:
            alert.state = State.ACTIVE
            alert.save(update_fields=["state", "updated_at"])
    return alert


def _own(*, customer: Customer, alert_id: int) -> PriceAlert:
    alert = PriceAlert.objects.select_for_update().filter(pk=alert_id, customer=customer).first()
    if alert is None:
        raise PriceAlertNotFound(_("No such price alert."))
    return alert


def price_alert_pause(*, customer: Customer, alert_id: int) -> PriceAlert:
    with transaction.atomic():
        alert = _own(customer=customer, alert_id=alert_id)
        if alert.state == State.ENDED:
            raise _refused(None, _("This alert has ended."))
        if alert.state != State.PAUSED:
            alert.state = State.PAUSED
            alert.save(update_fields=["state", "updated_at"])
    return alert


def price_alert_resume(*, customer: Customer, alert_id: int) -> PriceAlert:
    with transaction.atomic():
        alert = _own(customer=customer, alert_id=alert_id)
        if alert.state == State.ENDED:
            raise _refused(None, _("This alert has ended."))
        if alert.date_to < timezone.now().date():
            raise _refused(None, _("The dates of this alert have passed."))
        if alert.state == State.PAUSED:
            alert.state = State.ACTIVE
            alert.save(update_fields=["state", "updated_at"])
    return alert


def price_alert_delete(*, customer: Customer, alert_id: int) -> None:
    with transaction.atomic():
        _own(customer=customer, alert_id=alert_id).delete()


def price_alert_stop(*, token: str) -> PriceAlert:
    """The one-click stop of an email: the alert ends (a second click changes nothing)."""
    raw = _read_token(token, salt=STOP_SALT)
    with transaction.atomic():
        alert = PriceAlert.objects.select_for_update().filter(token=raw).first()
        if alert is None:
            raise PriceAlertNotFound(_("This link is not valid or has expired."))
        if alert.state != State.ENDED:
            alert.state, alert.ended_reason = State.ENDED, ENDED_STOPPED
            alert.save(update_fields=["state", "ended_reason", "updated_at"])
    return alert


def price_alerts_join_customer(*, customer: Customer) -> int:
    """Confirmed visitor alerts set with the customer's verified email become theirs (pending
    ones too: signing up with a verified email confirms it). Returns how many joined."""
    from allauth.account.models import EmailAddress

    emails = [
        e.lower()
        for e in EmailAddress.objects.filter(user_id=customer.user_id, verified=True).values_list(
            "email", flat=True
        )
    ]
    if not emails:
        return 0
    with transaction.atomic():
        joined = PriceAlert.objects.filter(
            customer__isnull=True, email__in=emails, state__in=[State.ACTIVE, State.PAUSED]
        ).update(customer=customer, email="", updated_at=timezone.now())
    return joined


def price_alert_for_wishlist_item(*, item, target_price: Decimal | None) -> PriceAlert | None:
    """Create or update the price alert of a wishlist item (the customer's, on its route, party
    and currency, for its departure date); `target_price` None removes it."""
    from b2c.models import WishlistItem

    customer = item.wishlist.customer
    with transaction.atomic():
        item = WishlistItem.objects.select_for_update().get(pk=item.pk)
        alert = item.price_alert
        if target_price is None:
            if alert is not None:
                item.price_alert = None
                item.save(update_fields=["price_alert", "updated_at"])
                alert.delete()
            return None
        if alert is not None and alert.state != State.ENDED:
            target = _validate(
                origin=alert.origin, destination=alert.destination, date_from=alert.date_from,
                date_to=alert.date_to, cabin=alert.cabin, adults=alert.adults,
                children=alert.children, infants=alert.infants, currency=alert.currency,
                target_price=target_price, today=timezone.now().date(),
            )[2]  # fmt: skip
            alert.target_price, alert.armed, alert.notified_price = target, True, None
            alert.save(update_fields=["target_price", "armed", "notified_price", "updated_at"])
            return alert
        alert = price_alert_create(
            customer=customer, origin=item.origin, destination=item.destination,
            date_from=item.departure_date, date_to=item.departure_date, cabin=item.cabin,
            adults=item.adults, children=item.children, infants=item.infants,
            currency=item.currency, target_price=target_price,
            language=customer.preferred_language,
        )  # fmt: skip
        item.price_alert = alert
        item.save(update_fields=["price_alert", "updated_at"])
    return alert


# Pricing ---------------------------------------------------------------------------------------


class _Fare(NamedTuple):
    """What flights.search.price_for reads of a journey: one direct fare."""

    adult_base: Decimal
    adult_taxes: Decimal
    currency: str


GroupKey = tuple[int, int, str, int, int, int]  # origin, destination, cabin, party


def _day_sql() -> str:
    """SQL for the local departure date of `fl` at its origin `ap` (flights.search's days)."""
    if connection.vendor == "postgresql":
        return "CAST(timezone(ap.time_zone, fl.departure_at) AS date)"
    return "django_datetime_cast_date(fl.departure_at, ap.time_zone, 'UTC')"


def _window_sql(w: str = "w") -> str:
    """UTC bounds around a group's local days (no time zone is 14 h or more from UTC)."""
    if connection.vendor == "postgresql":
        return f"fl.departure_at >= {w}.first_day - 1 AND fl.departure_at < {w}.last_day + 2"
    return (
        f"fl.departure_at >= date({w}.first_day, '-1 day') "
        f"AND fl.departure_at < date({w}.last_day, '+2 days')"
    )


def cheapest_fares_sql(where: str) -> str:
    """One query: for each distinct route, cabin and party of the alerts matching `where` (SQL
    on `a`, the alert), the cheapest direct fare with seats for the party per local departure
    day and fare currency, cheapest for that party (children's and infants' shares weigh the
    base fare as flights.search prices it). Parameters: those of `where`, then the earliest
    departure (UTC) and the first local day to price."""
    alert, flight, fare = PriceAlert._meta.db_table, Flight._meta.db_table, Fare._meta.db_table
    airport = Airport._meta.db_table
    day = _day_sql()
    weight_base = f"(w.adults + {CHILD_SHARE} * w.children + {INFANT_SHARE} * w.infants)"
    weight = f"fa.base_fare * {weight_base} + fa.taxes * (w.adults + w.children + w.infants)"
    groups = (
        f"SELECT a.origin_id, a.destination_id, a.cabin, a.adults, a.children, a.infants, "  # noqa: S608
        f"  MIN(a.date_from) AS first_day, MAX(a.date_to) AS last_day "
        f"  FROM {alert} a WHERE {where} "
        f"  GROUP BY a.origin_id, a.destination_id, a.cabin, a.adults, a.children, a.infants"
    )
    if connection.vendor == "postgresql":
        # Each fare of a watched route and cabin is read once (`f`, one index scan of the
        # fares per flight), then weighed for each party on its route and cabin; the cheapest
        # per group, day and currency is a MIN over [weight, id, base, taxes], grouped on a
        # narrow key (`g`), not a ROW_NUMBER over every fare of every group (9.2 s against
        # 4.7 s at 100,000 alerts and 1,000,000 fares: docs/benchmarks.md). SQLite keeps that.
        weight = weight.replace("fa.", "f.")
        return (
            f"WITH w AS MATERIALIZED (SELECT ROW_NUMBER() OVER () AS g, * FROM ({groups}) x), "  # noqa: S608
            f"r AS MATERIALIZED (SELECT origin_id, destination_id, cabin, "
            f"  MIN(first_day) AS first_day, MAX(last_day) AS last_day, "
            f"  MIN(adults + children) AS seats FROM w GROUP BY origin_id, destination_id, cabin), "
            f"f AS MATERIALIZED (SELECT r.origin_id, r.destination_id, r.cabin, {day} AS day, "
            f"  fa.id, fa.base_fare, fa.taxes, fa.currency, fa.seats_available "
            f"  FROM r JOIN {flight} fl ON fl.origin_id = r.origin_id "
            f"    AND fl.destination_id = r.destination_id "
            f"  JOIN {airport} ap ON ap.id = fl.origin_id "
            f"  JOIN {fare} fa ON fa.flight_id = fl.id AND fa.cabin = r.cabin "
            f"    AND fa.seats_available >= r.seats "
            f"  WHERE fl.status = 'scheduled' AND fl.departure_at >= %s AND {_window_sql('r')}), "
            f"m AS (SELECT w.g, f.day, f.currency, "
            f"  MIN(ARRAY[{weight}, f.id, f.base_fare, f.taxes]) AS cheapest "
            f"  FROM w JOIN f ON f.origin_id = w.origin_id AND f.destination_id = w.destination_id "
            f"    AND f.cabin = w.cabin AND f.seats_available >= w.adults + w.children "
            f"    AND f.day >= w.first_day AND f.day <= w.last_day AND f.day >= %s "
            f"  GROUP BY w.g, f.day, f.currency) "
            f"SELECT w.origin_id, w.destination_id, w.cabin, w.adults, w.children, w.infants, "
            f"  m.day, m.cheapest[3], m.cheapest[4], m.currency FROM m JOIN w ON w.g = m.g"
        )
    party = "w.origin_id, w.destination_id, w.cabin, w.adults, w.children, w.infants"
    return (
        f"WITH w AS ({groups}) "  # noqa: S608
        f"SELECT origin_id, destination_id, cabin, adults, children, infants, day, base_fare, "
        f"  taxes, currency FROM ("
        f"  SELECT {party}, {day} AS day, fa.base_fare, fa.taxes, fa.currency, "
        f"    ROW_NUMBER() OVER (PARTITION BY {party}, {day}, fa.currency "
        f"      ORDER BY {weight}, fa.id) AS cheapest "
        f"  FROM w JOIN {flight} fl ON fl.origin_id = w.origin_id "
        f"    AND fl.destination_id = w.destination_id "
        f"  JOIN {airport} ap ON ap.id = fl.origin_id "
        f"  JOIN {fare} fa ON fa.flight_id = fl.id AND fa.cabin = w.cabin "
        f"    AND fa.seats_available >= w.adults + w.children "
        f"  WHERE fl.status = 'scheduled' AND fl.departure_at >= %s AND {_window_sql()} "
        f"    AND {day} >= w.first_day AND {day} <= w.last_day AND {day} >= %s"
        f") ranked WHERE cheapest = 1"
    )


def _decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(AMOUNT)


def _day(value) -> int:
    """A day as its ordinal (dict keys and ranges without date objects)."""
    return (value if isinstance(value, dt.date) else dt.date.fromisoformat(value)).toordinal()


ALERT_FIELDS = (
    "id", "customer_id", "email", "token", "origin_id", "destination_id", "date_from", "date_to",
    "cabin", "adults", "children", "infants", "currency", "target_price", "start_price",
    "last_price", "notified_price", "armed", "last_checked_at", "last_notified_at", "language",
)  # fmt: skip
UPDATED_FIELDS = (
    "start_price", "last_price", "notified_price", "armed", "last_checked_at",
    "last_notified_at",
)  # fmt: skip


class WatchedAlert:
    """What the engine reads and writes of one active alert (ALERT_FIELDS): a plain object,
    not a model instance, as 100,000 of those take seconds to build; `as_model()` for the few
    told."""

    __slots__ = ALERT_FIELDS
    id: int
    customer_id: int | None
    email: str
    token: str
    origin_id: int
    destination_id: int
    date_from: dt.date
    date_to: dt.date
    cabin: str
    adults: int
    children: int
    infants: int
    currency: str
    target_price: Decimal | None
    start_price: Decimal | None
    last_price: Decimal | None
    notified_price: Decimal | None
    armed: bool
    last_checked_at: dt.datetime | None
    last_notified_at: dt.datetime | None
    language: str

    # Read from the database (last_checked_at is only written: reading 100,000 timestamps
    # costs half a second).
    LOADED = tuple(f for f in ALERT_FIELDS if f != "last_checked_at")

    def __init__(self, *values: Any) -> None:
        (
            self.id, self.customer_id, self.email, self.token, self.origin_id,
            self.destination_id, self.date_from, self.date_to, self.cabin, self.adults,
            self.children, self.infants, self.currency, self.target_price, self.start_price,
            self.last_price, self.notified_price, self.armed, self.last_notified_at,
            self.language,
        ) = values  # fmt: skip
        self.last_checked_at = None

    @property
    def pk(self) -> int:
        return self.id

    def as_model(self) -> PriceAlert:
        """The alert as PriceAlert, as `.only(*ALERT_FIELDS)` would load it."""
        return PriceAlert.from_db(
            connection.alias, list(ALERT_FIELDS), [getattr(self, f) for f in ALERT_FIELDS]
        )


Alert = PriceAlert | WatchedAlert


def lowest_prices(
    *, alerts: Sequence[Alert], where: str, params: list, today: dt.date
) -> dict[int, Decimal | None]:
    """The lowest total price now, per alert id, of `alerts` (those matching `where`): one
    query, then Python. None when nothing is on sale for an alert's dates."""
    since = dt.datetime.combine(today - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            cheapest_fares_sql(where),
            [*params, connection.ops.adapt_datetimefield_value(since), today],
        )
        rows = cursor.fetchall()
    days: dict[GroupKey, dict[int, list[_Fare]]] = defaultdict(lambda: defaultdict(list))
    for origin_id, destination_id, cabin, adults, children, infants, day, base, taxes, cur in rows:
        key = (origin_id, destination_id, cabin, adults, children, infants)
        days[key][_day(day)].append(_Fare(_decimal(base), _decimal(taxes), cur))
    return _price_alerts(alerts, days, today)


def _price_alerts(
    alerts: Sequence[Alert],
    days: dict[GroupKey, dict[int, list[_Fare]]],
    today: dt.date,
) -> dict[int, Decimal | None]:
    from payments.fx import RateUnavailable, rate_for

    rates: dict[tuple[str, str], Decimal] = {}
    # The totals per fare and party (fares repeat their prices).
    totals: dict[tuple[_Fare, tuple[int, int, int]], Decimal] = {}

    def converted(fare: _Fare, currency: str) -> _Fare:
        # As flights.search.in_currency: base and taxes each converted and rounded.
        if fare.currency == currency:
            return fare
        pair = (fare.currency, currency)
        if pair not in rates:
            rates[pair] = rate_for(*pair)
        rate = rates[pair]
        return _Fare(
            quantize(fare.adult_base * rate, currency),
            quantize(fare.adult_taxes * rate, currency),
            currency,
        )

    def total(fare: _Fare, party: tuple[int, int, int]) -> Decimal:
        if (fare, party) not in totals:
            price = price_for((fare,), Passengers(*party))  # type: ignore[arg-type]
            totals[fare, party] = price.total
        return totals[fare, party]

    def by_day(key: GroupKey, currency: str) -> dict[int, Decimal]:
        """The lowest price of each day of the group in `currency`."""
        priced = {}
        party = (key[3], key[4], key[5])
        for day, fares in days[key].items():
            try:
                priced[day] = min(total(converted(f, currency), party) for f in fares)
            except RateUnavailable:
                logger.warning("No exchange rate to %s for price alerts.", currency)
        return priced

    today_n = today.toordinal()
    groups: dict[tuple[GroupKey, str], dict[int, Decimal]] = {}
    prices: dict[int, Decimal | None] = {}
    for alert in alerts:
        key = (
            alert.origin_id, alert.destination_id, alert.cabin, alert.adults, alert.children,
            alert.infants,
        )  # fmt: skip
        lowest: Decimal | None = None
        if key in days:
            group = groups.get((key, alert.currency))
            if group is None:
                group = groups[key, alert.currency] = by_day(key, alert.currency)
            first, last = max(alert.date_from.toordinal(), today_n), alert.date_to.toordinal()
            for day in range(first, last + 1):
                price = group.get(day)
                if price is not None and (lowest is None or price < lowest):
                    lowest = price
        prices[alert.pk] = lowest
    return prices


# The engine ------------------------------------------------------------------------------------


def hysteresis(amount: Decimal, currency: str) -> Decimal:
    """How far a price must move past a reference to count: 1 %, at least one minor unit."""
    return max(quantize(amount * HYSTERESIS, currency), minor_unit_exponent(currency))


def price_alert_decide(alert: Alert, price: Decimal | None, now: dt.datetime) -> bool:
    """Apply one checked price to `alert` (in memory); True when it is to be told."""
    alert.last_price, alert.last_checked_at = price, now
    if price is None:
        return False
    if alert.start_price is None:
        alert.start_price = price
    currency = alert.currency
    rearm_above: Decimal | None
    if alert.target_price is not None:
        reached = price <= alert.target_price
        rearm_above = alert.target_price
    else:
        reached = price < alert.start_price
        rearm_above = alert.notified_price
    deeper = alert.notified_price is not None and price < alert.notified_price - hysteresis(
        alert.notified_price, currency
    )
    if reached and (alert.armed or deeper):
        alert.armed, alert.notified_price, alert.last_notified_at = False, price, now
        return True
    if (
        not alert.armed
        and rearm_above is not None
        and price > rearm_above + hysteresis(rearm_above, currency)
    ):
        alert.armed = True
    return False


def _engine_lock() -> bool:
    """One pass at a time: a second one started meanwhile finds the lock taken and does
    nothing (PostgreSQL advisory lock, released with the transaction)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [zlib.crc32(ENGINE_LOCK.encode())])
        return bool(cursor.fetchone()[0])


def price_alerts_check(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Check every active alert once: end those whose dates passed, price the rest in one
    query, record each change of price (PriceAlertCheck), tell those whose price dropped, and
    save.

    A constant number of queries whatever the number of alerts (seven, and the lock on
    PostgreSQL), plus the outbox writes of each alert told. Returns {"checked", "notified",
    "ended", "skipped"}."""
    now = now or timezone.now()
    today = now.date()
    counts = {"checked": 0, "notified": 0, "ended": 0, "skipped": 0}
    with transaction.atomic():
        if not _engine_lock():
            counts["skipped"] = 1
            return counts
        counts["ended"] = PriceAlert.objects.filter(
            state__in=OPEN_STATES, date_to__lt=today
        ).update(state=State.ENDED, ended_reason=ENDED_DATES_PASSED, updated_at=now)
        rows = (
            PriceAlert.objects.filter(state=State.ACTIVE)
            .annotate(never_checked=Q(last_checked_at__isnull=True))
            .order_by("pk")
            .values_list(*WatchedAlert.LOADED, "never_checked")
        )
        alerts, first = [], set()
        for *values, never_checked in rows:
            alert = WatchedAlert(*values)
            alerts.append(alert)
            if never_checked:
                first.add(alert.id)
        if not alerts:
            return counts
        prices = lowest_prices(
            alerts=alerts, where="a.state = %s AND a.date_to >= %s", params=[State.ACTIVE, today],
            today=today,
        )  # fmt: skip
        # The history keeps each change: an alert's first price, a price that differs from the
        # last one seen, and every price told. A price that stays put adds no row (at 100,000
        # alerts checked every 30 minutes, a row each would be 4.8 million a day).
        recorded = [
            alert for alert in alerts if alert.id in first or prices[alert.pk] != alert.last_price
        ]
        told = [alert for alert in alerts if price_alert_decide(alert, prices[alert.pk], now)]
        told_ids = {alert.pk for alert in told}
        recorded_ids = {alert.pk for alert in recorded}
        recorded += [alert for alert in told if alert.pk not in recorded_ids]
        check_ids = _checks_insert(recorded, told_ids, now) if recorded else {}
        _alerts_update(alerts, now)
        if told:
            _tell([alert.as_model() for alert in told], check_ids, now)
    counts["checked"], counts["notified"] = len(alerts), len(told)
    return counts


def _csv(values: Iterable[Any]) -> str:
    """One text parameter for `string_to_array(%s, ',', '')` (None as ''): 100,000 values
    in one string cost a fraction of what psycopg takes to adapt them as a list."""
    return ",".join(["" if v is None else str(v) for v in values])


def _csv_times(values: Iterable[dt.datetime | None]) -> str:
    return ",".join(["" if v is None else v.isoformat() for v in values])


def _array(sql_type: str) -> str:
    return f"string_to_array(%s, ',', '')::{sql_type}[]"


def _checks_insert(
    alerts: Sequence[WatchedAlert], told: set[int], now: dt.datetime
) -> dict[int, int]:
    """One PriceAlertCheck for each of `alerts` (one query on PostgreSQL); the ids of the told
    alerts' checks, by alert id."""
    if connection.vendor == "postgresql":
        table = PriceAlertCheck._meta.db_table
        ids = ",".join([str(a.id) for a in alerts])
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH added AS (INSERT INTO {table} (alert_id, checked_at, price, notified) "  # noqa: S608
                f"SELECT v.alert_id, %s, v.price, v.notified FROM unnest({_array('bigint')}, "
                f"{_array('numeric')}, {_array('boolean')}) AS v(alert_id, price, notified) "
                "RETURNING id, alert_id, notified) SELECT id, alert_id FROM added WHERE notified",
                [now, ids, _csv(a.last_price for a in alerts),
                 ",".join(["t" if a.id in told else "f" for a in alerts])],
            )  # fmt: skip
            return {alert_id: pk for pk, alert_id in cursor.fetchall()}
    checks = PriceAlertCheck.objects.bulk_create(
        (
            PriceAlertCheck(
                alert_id=a.pk, checked_at=now, price=a.last_price, notified=a.pk in told
            )
            for a in alerts
        ),
        batch_size=5000,
    )
    return {check.alert_id: check.pk for check in checks if check.notified}


def _alerts_update(alerts: Sequence[WatchedAlert], now: dt.datetime) -> None:
    """Save what the pass changed of every alert (one query on PostgreSQL)."""
    if connection.vendor == "postgresql":
        table = PriceAlert._meta.db_table
        ids = ",".join([str(a.id) for a in alerts])
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} a SET start_price = v.start_price, "  # noqa: S608
                "last_price = v.last_price, notified_price = v.notified_price, "
                "armed = v.armed, last_checked_at = %s, last_notified_at = v.last_notified_at, "
                f"updated_at = %s FROM unnest({_array('bigint')}, {_array('numeric')}, "
                f"{_array('numeric')}, {_array('numeric')}, {_array('boolean')}, "
                f"{_array('timestamptz')}) AS v(id, start_price, last_price, notified_price, "
                "armed, last_notified_at) WHERE a.id = v.id",
                [now, now, ids, _csv(a.start_price for a in alerts),
                 _csv(a.last_price for a in alerts), _csv(a.notified_price for a in alerts),
                 ",".join(["t" if a.armed else "f" for a in alerts]),
                 _csv_times(a.last_notified_at for a in alerts)],
            )  # fmt: skip
        return
    models = [alert.as_model() for alert in alerts]
    for model in models:
        model.updated_at = now
    PriceAlert.objects.bulk_update(models, [*UPDATED_FIELDS, "updated_at"], batch_size=5000)


def _tell(alerts: list[PriceAlert], check_ids: dict[int, int], now: dt.datetime) -> None:
    """Write each told alert's notification and email to the outbox (sent after the commit),
    in the customer's language (a visitor's: the alert's)."""
    from django.contrib.auth import get_user_model

    from notifications.models import Kind
    from notifications.services import email_render, email_write, notify

    airports = Airport.objects.in_bulk({i for a in alerts for i in (a.origin_id, a.destination_id)})
    customer_ids = {a.customer_id for a in alerts if a.customer_id}
    users = {
        user.customer.pk: user
        for user in get_user_model()
        .objects.filter(customer__in=customer_ids)
        .select_related("customer")
    }
    site = _site_url()
    for alert in alerts:
        alert.origin, alert.destination = airports[alert.origin_id], airports[alert.destination_id]
        user = users.get(alert.customer_id) if alert.customer_id else None
        # A customer is told in the language they read Safar in now (it may have changed since
        # the alert was set); a visitor in the language of the page where they set it.
        language = user.customer.preferred_language if user is not None else alert.language
        context = _email_context(alert, site) | {
            "price": alert.notified_price,
            "currency": alert.currency,
            "alert_url": site + reverse("b2c:alert-detail", args=[alert.pk])
            if alert.customer_id
            else "",
        }
        with translation.override(language):
            from core.formatting import format_money, isolate

            context["price_display"] = format_money(alert.last_price or Decimal(0), alert.currency)
            title = _("%(route)s is now %(price)s") % {
                "route": isolate(context["route"]), "price": context["price_display"],
            }  # fmt: skip
            body = _("The lowest fare for %(dates)s fell to %(price)s.") % {
                "dates": _dates(alert), "price": context["price_display"],
            }  # fmt: skip
        context["title"], context["body"] = title, body
        email = _with_language(
            email_render(
                template="b2c/alerts/email/price_drop",
                context=context,
                language=language,
                subject=title,
            ),
            language,
        )
        dedupe_key = f"price-alert:{alert.pk}:{check_ids[alert.pk]}"
        if user is not None:
            notify(
                user=user,
                kind=Kind.PRICE_DROP,
                title=title,
                body=body,
                url=reverse("b2c:alert-detail", args=[alert.pk]),
                dedupe_key=dedupe_key,
                email=email,
            )
        elif alert.email:
            email_write(to=alert.email, email=email, dedupe_key=dedupe_key)


def _dates(alert: PriceAlert) -> str:
    from core.formatting import format_date

    if alert.date_from == alert.date_to:
        return format_date(alert.date_from)
    return f"{format_date(alert.date_from)} – {format_date(alert.date_to)}"
