"""Exchange rates: where they come from, which one is current, and converting money with them.

Fares are stored in USD and shown and charged in the customer's currency. A `RateProvider`
(`EXCHANGE_RATE_PROVIDER`; by default the reference file shipped in payments/data) says what the
rates are; `exchange_rates_refresh` appends the ones that changed to `ExchangeRate`, staff add
corrections with `exchange_rate_set`, and the newest row of a pair by `fetched_at` is current.
Search converts every offer, so the current table is read once and kept in this process for
`RATES_CACHE_SECONDS`: a rate stored by another process is used here within that time.
"""

import csv
import datetime as dt
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.money import SUPPORTED_CURRENCIES, quantize
from payments.models import ExchangeRate

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

RATES_FILE = Path(__file__).resolve().parent / "data" / "exchange_rates.csv"
RATES_CACHE_SECONDS = 60
# Fares are stored in USD and the providers quote it: a pair with no rate of its own is
# converted through it.
PIVOT_CURRENCY = "USD"
# What the rate column holds (max_digits=20, decimal_places=10).
RATE_PLACES = Decimal("1E-10")
RATE_LIMIT = Decimal("1E10")


class RateUnavailable(ApplicationError):
    """No current rate links two currencies, directly, inversely or through USD."""


class RateProviderError(Exception):
    """The provider could not be reached or answered something unreadable; nothing was stored."""


@dataclass(frozen=True)
class RateQuote:
    """1 `base` buys `rate` `quote`, as `source` published it at `fetched_at` (aware)."""

    base: str
    quote: str
    rate: Decimal
    fetched_at: dt.datetime
    source: str


@dataclass(frozen=True)
class Conversion:
    """`original_amount` in `original_currency` is `amount` in `currency` at `rate`."""

    amount: Decimal
    currency: str
    rate: Decimal
    original_amount: Decimal
    original_currency: str


class RateProvider(Protocol):
    """Anything that can say what the current exchange rates are."""

    def fetch(self) -> list[RateQuote]: ...


class FileRateProvider:
    """The reference rates shipped with Safar (payments/data/exchange_rates.csv), or a file in
    that format: `base,quote,rate,fetched_at` with ISO 8601 times; `#` lines are comments."""

    source = "file"

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else RATES_FILE

    def fetch(self) -> list[RateQuote]:
        with self.path.open(newline="", encoding="utf-8") as file:
            lines = [line for line in file if line.strip() and not line.startswith("#")]
        quotes = []
        for number, row in enumerate(csv.DictReader(lines), start=1):
            try:
                quotes.append(
                    RateQuote(
                        base=row["base"].strip().upper(),
                        quote=row["quote"].strip().upper(),
                        rate=Decimal(row["rate"].strip()),
                        fetched_at=dt.datetime.fromisoformat(row["fetched_at"].strip()),
                        source=self.source,
                    )
                )
            except (KeyError, AttributeError, ValueError, InvalidOperation) as exc:
                raise RateProviderError(f"{self.path}, data row {number}: {exc!r}") from exc
        return quotes


def rate_provider() -> RateProvider:
    return import_string(settings.EXCHANGE_RATE_PROVIDER)()


# The current table of this process: (monotonic expiry, {(base, quote): rate}).
_current: tuple[float, Mapping[tuple[str, str], Decimal]] | None = None


def rates_cache_clear() -> None:
    """Forget this process's copy of the current rates; the next lookup reads them again."""
    global _current
    _current = None


def _rates_changed() -> None:
    rates_cache_clear()
    # And again once committed, so no lookup in between keeps the old rates for a minute.
    transaction.on_commit(rates_cache_clear)


def _current_rows() -> QuerySet[ExchangeRate]:
    """The newest row of every pair, in one query (on PostgreSQL and SQLite alike)."""
    newest = (
        ExchangeRate.objects.filter(base=OuterRef("base"), quote=OuterRef("quote"))
        .order_by("-fetched_at", "-id")
        .values("id")[:1]
    )
    return ExchangeRate.objects.filter(id=Subquery(newest)).order_by()


def current_rates() -> Mapping[tuple[str, str], Decimal]:
    """The current rate of every stored pair: one query, then none for `RATES_CACHE_SECONDS`."""
    global _current
    cached = _current
    if cached is not None and time.monotonic() < cached[0]:
        return cached[1]
    rows = _current_rows().values_list("base", "quote", "rate")
    table = MappingProxyType({(base, quote): rate for base, quote, rate in rows})
    _current = (time.monotonic() + RATES_CACHE_SECONDS, table)
    return table


def _leg(
    rates: Mapping[tuple[str, str], Decimal], base: str, quote: str
) -> tuple[Decimal, Decimal] | None:
    """The rate as a fraction, so that a rate built from two is divided (and rounded) once."""
    if (base, quote) in rates:
        return rates[base, quote], Decimal(1)
    if (quote, base) in rates:
        return Decimal(1), rates[quote, base]
    return None


def rate_for(base: str, quote: str) -> Decimal:
    """How many `quote` one `base` buys now: the pair's rate, else the inverse of the reverse
    pair, else through USD. Raises `RateUnavailable` when none of them is stored."""
    if base == quote:
        return Decimal(1)
    rates = current_rates()
    leg = _leg(rates, base, quote)
    if leg is None and PIVOT_CURRENCY not in (base, quote):
        first, second = _leg(rates, base, PIVOT_CURRENCY), _leg(rates, PIVOT_CURRENCY, quote)
        if first is not None and second is not None:
            leg = (first[0] * second[0], first[1] * second[1])
    if leg is None:
        raise RateUnavailable(
            _("No exchange rate from %(base)s to %(quote)s is available.")
            % {"base": base, "quote": quote}
        )
    numerator, denominator = leg
    return numerator if denominator == 1 else numerator / denominator


def convert(amount: Decimal, from_currency: str, to_currency: str) -> Conversion:
    """`amount` of `from_currency` in `to_currency` at the current rate, rounded like every
    amount in Safar (core.money.quantize: half to even) to the minor unit of `to_currency`
    (3 decimals for KWD, none for JPY)."""
    if not isinstance(amount, Decimal):
        raise TypeError("Money amounts are Decimal, never float.")
    if from_currency == to_currency:
        return Conversion(amount, to_currency, Decimal(1), amount, from_currency)
    rate = rate_for(from_currency, to_currency)
    converted = quantize(amount * rate, to_currency)
    return Conversion(converted, to_currency, rate, amount, from_currency)


def exchange_rate_validate(*, base: str, quote: str, rate: Decimal) -> tuple[str, str, Decimal]:
    """The pair and rate as they would be stored, or ApplicationError saying what is wrong."""
    if not isinstance(rate, Decimal):
        raise TypeError("Rates are Decimal, never float.")
    base, quote = base.strip().upper(), quote.strip().upper()
    errors: dict[str, list[str]] = {}
    for field, code in (("base", base), ("quote", quote)):
        if code not in SUPPORTED_CURRENCIES:
            errors[field] = [_("%(code)s is not a supported currency.") % {"code": code}]
    if base == quote:
        errors.setdefault("quote", []).append(_("The base and quote currencies must differ."))
    if rate.is_nan() or rate <= 0:
        errors["rate"] = [_("The rate must be greater than zero.")]
    elif rate >= RATE_LIMIT:
        errors["rate"] = [_("The rate is too large.")]
    elif rate.quantize(RATE_PLACES) == 0:
        errors["rate"] = [_("The rate is too small.")]
    if errors:
        raise ApplicationError(
            " ".join(message for messages in errors.values() for message in messages),
            extra=errors,
        )
    return base, quote, rate.quantize(RATE_PLACES)


def exchange_rate_set(*, base: str, quote: str, rate: Decimal, user: "User") -> ExchangeRate:
    """A rate staff enter: current from now until a newer one is published."""
    base, quote, rate = exchange_rate_validate(base=base, quote=quote, rate=rate)
    row = ExchangeRate.objects.create(
        base=base, quote=quote, rate=rate, source=f"staff:{user.email}", fetched_at=timezone.now()
    )
    _rates_changed()
    return row


def exchange_rates_refresh(*, provider: RateProvider | None = None) -> int:
    """Store the provider's rates (the configured one by default); returns the rows added.

    A pair gets a new row only when its rate or publication time changed, so running it again
    adds nothing. A quote older than the pair's current rate (a staff correction made since) is
    skipped; currencies Safar does not support are ignored; a malformed quote is logged and
    skipped, the rest are stored.
    """
    # Outside the transaction: a live provider is a network call.
    quotes = (provider or rate_provider()).fetch()
    added = []
    with transaction.atomic():
        current = {(row.base, row.quote): row for row in _current_rows()}
        for quote in quotes:
            if quote.base not in SUPPORTED_CURRENCIES or quote.quote not in SUPPORTED_CURRENCIES:
                continue
            try:
                base, quote_code, rate = exchange_rate_validate(
                    base=quote.base, quote=quote.quote, rate=quote.rate
                )
            except ApplicationError as exc:
                logger.warning("Exchange rate %s skipped: %s", quote, exc.message)
                continue
            if timezone.is_naive(quote.fetched_at):
                logger.warning("Exchange rate %s skipped: fetched_at has no time zone", quote)
                continue
            have = current.get((base, quote_code))
            if have is not None and (
                quote.fetched_at < have.fetched_at
                or (quote.fetched_at == have.fetched_at and rate == have.rate)
            ):
                continue
            row = ExchangeRate(
                base=base,
                quote=quote_code,
                rate=rate,
                source=quote.source,
                fetched_at=quote.fetched_at,
            )
            current[base, quote_code] = row  # a quote listed twice is stored once
            added.append(row)
        ExchangeRate.objects.bulk_create(added)
    if added:
        _rates_changed()
    return len(added)
