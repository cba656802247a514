from decimal import Decimal

import pytest
from django.utils import translation

from core.formatting import format_date, format_money
from core.money import is_currency, minor_unit_exponent, quantize


@pytest.mark.parametrize(
    ("currency", "amount", "expected"),
    [
        ("USD", "10.005", "10.00"),  # banker's rounding
        ("USD", "10.015", "10.02"),
        ("KWD", "1.23456", "1.235"),
        ("BHD", "0.1", "0.100"),
        ("JPY", "1234.5", "1234"),
        ("BDT", "99.999", "100.00"),
    ],
)
def test_quantize_rounds_to_the_currency_minor_unit(currency, amount, expected):
    assert quantize(Decimal(amount), currency) == Decimal(expected)
    assert str(quantize(Decimal(amount), currency)) == expected


def test_floats_are_refused():
    with pytest.raises(TypeError):
        quantize(10.5, "USD")


def test_minor_units_come_from_iso_4217_data():
    assert minor_unit_exponent("OMR") == Decimal("0.001")
    assert minor_unit_exponent("JPY") == Decimal("1")
    assert is_currency("SAR")
    assert not is_currency("XYZ")


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "USD", "$1,234,567.50"),
        ("ar", "USD", "\u200f1,234,567.50\u00a0US$"),
        ("bn", "BDT", "12,34,567.50৳"),  # lakh grouping
        ("ur", "USD", "$1,234,567.50"),
    ],
)
def test_money_is_formatted_for_the_active_language(language, currency, expected):
    with translation.override(language):
        assert format_money(Decimal("1234567.50"), currency) == expected


def test_dates_are_formatted_for_the_active_language():
    import datetime as dt

    day = dt.date(2026, 12, 31)
    with translation.override("en"):
        assert format_date(day, "long") == "December 31, 2026"
    with translation.override("ar"):
        assert format_date(day, "long") == "31 ديسمبر 2026"
