"""Money helpers: Decimal amounts rounded to each currency's ISO 4217 minor unit (via Babel)."""

import functools
from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import get_currency_precision, list_currencies


@functools.lru_cache(maxsize=512)
def minor_unit_exponent(currency: str) -> Decimal:
    """The smallest amount of `currency`: 0.01 for USD, 0.001 for KWD, 1 for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round `amount` to the minor unit of `currency` (banker's rounding)."""
    if not isinstance(amount, Decimal):
        raise TypeError("Money amounts are Decimal, never float.")
    return amount.quantize(minor_unit_exponent(currency), rounding=ROUND_HALF_EVEN)


def is_currency(code: str) -> bool:
    return code in list_currencies()


# Currencies a customer can choose to see prices and keep a wallet in.
SUPPORTED_CURRENCIES = (
    "USD", "EUR", "GBP", "SAR", "AED", "QAR", "KWD", "BHD", "OMR", "JOD",
    "EGP", "TRY", "BDT", "PKR", "INR", "MYR", "SGD", "JPY",
)  # fmt: skip


def currency_choices() -> list[tuple[str, str]]:
    from babel.numbers import get_currency_name
    from django.utils import translation

    locale = translation.to_locale(translation.get_language() or "en")
    return [
        (code, f"{code} · {get_currency_name(code, locale=locale)}")
        for code in SUPPORTED_CURRENCIES
    ]
