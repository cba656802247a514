import dataclasses
import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from core.exceptions import ApplicationError
from core.money import SUPPORTED_CURRENCIES
from payments import fx
from payments.fx import (
    Conversion,
    RateQuote,
    RateUnavailable,
    convert,
    exchange_rate_set,
    exchange_rates_refresh,
    rate_for,
)
from payments.models import ExchangeRate
from payments.tasks import exchange_rates_refresh_task

FILE_TIME = dt.datetime(2026, 11, 24, 16, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 25, 16, tzinfo=dt.UTC)


class StaticProvider:
    """Answers with the quotes it is given."""

    def __init__(self, *quotes):
        self.quotes = list(quotes)

    def fetch(self):
        return self.quotes


class SettingsProvider(StaticProvider):
    """What EXCHANGE_RATE_PROVIDER names in a test: built without arguments."""

    def __init__(self):
        super().__init__(RateQuote("USD", "EUR", Decimal("0.9"), LATER, "live-feed"))


def usd(quote, rate, at=FILE_TIME, source="test"):
    return RateQuote("USD", quote, Decimal(rate), at, source)


def stored():
    return list(ExchangeRate.objects.order_by("pk").values_list("base", "quote", "rate", "source"))


@pytest.fixture
def shipped_rates(db):
    exchange_rates_refresh()


# Loading


@pytest.mark.django_db
def test_the_shipped_file_has_a_usd_rate_for_every_other_supported_currency():
    added = exchange_rates_refresh()

    assert added == len(SUPPORTED_CURRENCIES) - 1 == 17
    rows = ExchangeRate.objects.all()
    assert {row.quote for row in rows} == set(SUPPORTED_CURRENCIES) - {"USD"}
    assert {(row.base, row.source, row.fetched_at) for row in rows} == {("USD", "file", FILE_TIME)}
    assert rate_for("USD", "KWD") == Decimal("0.3068")
    assert rate_for("USD", "JPY") == Decimal("154.3")
    assert rate_for("USD", "AED") == Decimal("3.6725")


@pytest.mark.django_db
def test_loading_the_same_rates_again_adds_nothing(shipped_rates):
    before = stored()

    assert exchange_rates_refresh() == 0
    assert exchange_rates_refresh(provider=fx.FileRateProvider()) == 0

    assert stored() == before


@pytest.mark.django_db
def test_a_new_rate_or_publication_time_adds_a_row_that_becomes_current(shipped_rates):
    provider = StaticProvider(
        usd("EUR", "0.8700"),  # corrected, same time
        usd("GBP", "0.7585", at=LATER),  # republished, same rate
        usd("SAR", "3.7500"),  # unchanged
    )

    assert exchange_rates_refresh(provider=provider) == 2
    assert exchange_rates_refresh(provider=provider) == 0

    assert ExchangeRate.objects.count() == 19
    assert rate_for("USD", "EUR") == Decimal("0.87")
    assert ExchangeRate.objects.filter(base="USD", quote="GBP").count() == 2
    assert ExchangeRate.objects.filter(base="USD", quote="SAR").count() == 1


@pytest.mark.django_db
def test_malformed_and_unsupported_quotes_are_skipped_and_the_rest_stored():
    provider = StaticProvider(
        usd("EUR", "0.8640"),
        usd("GBP", "0"),
        usd("SAR", "-3.75"),
        usd("USD", "1"),
        usd("XAU", "0.0004"),  # not a currency Safar offers
        RateQuote("USD", "AED", Decimal("3.6725"), dt.datetime(2026, 11, 24), "test"),  # naive
    )

    assert exchange_rates_refresh(provider=provider) == 1

    assert stored() == [("USD", "EUR", Decimal("0.864"), "test")]


@pytest.mark.django_db
def test_the_configured_provider_is_used(settings):
    settings.EXCHANGE_RATE_PROVIDER = "payments.tests.test_exchange_rates.SettingsProvider"

    assert exchange_rates_refresh() == 1

    assert stored() == [("USD", "EUR", Decimal("0.9"), "live-feed")]


@pytest.mark.django_db
def test_the_database_refuses_a_rate_that_is_not_positive_or_a_pair_of_one_currency():
    for base, quote, rate in [("USD", "EUR", "0"), ("USD", "EUR", "-1"), ("USD", "USD", "1")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            ExchangeRate.objects.create(
                base=base, quote=quote, rate=Decimal(rate), source="test", fetched_at=FILE_TIME
            )

    assert ExchangeRate.objects.count() == 0


# Looking rates up


@pytest.mark.django_db
def test_rate_for_a_pair_its_inverse_and_through_usd():
    exchange_rates_refresh(
        provider=StaticProvider(usd("EUR", "0.8"), usd("KWD", "0.3"), usd("JPY", "150"))
    )

    assert rate_for("USD", "EUR") == Decimal("0.8")
    assert rate_for("EUR", "USD") == Decimal("1.25")
    assert rate_for("EUR", "JPY") == Decimal("187.5")
    assert rate_for("KWD", "EUR") == Decimal("2.666666666666666666666666667")  # 0.8 / 0.3
    assert rate_for("JPY", "JPY") == Decimal("1")
    assert rate_for("XYZ", "XYZ") == Decimal("1")


@pytest.mark.django_db
def test_a_pairs_own_rate_wins_over_the_inverse_and_the_cross_rate():
    exchange_rates_refresh(
        provider=StaticProvider(
            usd("EUR", "0.8"),
            usd("GBP", "0.75"),
            RateQuote("EUR", "USD", Decimal("1.2"), FILE_TIME, "test"),
            RateQuote("EUR", "GBP", Decimal("0.9"), FILE_TIME, "test"),
        )
    )

    assert rate_for("EUR", "USD") == Decimal("1.2")
    assert rate_for("EUR", "GBP") == Decimal("0.9")
    assert rate_for("GBP", "EUR") == Decimal("1") / Decimal("0.9")


@pytest.mark.django_db
def test_a_missing_rate_raises_rate_unavailable_with_the_pair():
    exchange_rates_refresh(provider=StaticProvider(usd("EUR", "0.8")))

    with pytest.raises(RateUnavailable) as refused:
        rate_for("EUR", "JPY")

    assert isinstance(refused.value, ApplicationError)
    assert refused.value.message == "No exchange rate from EUR to JPY is available."
    with pytest.raises(RateUnavailable):
        convert(Decimal("10.00"), "USD", "XYZ")


@pytest.mark.django_db
def test_the_current_rates_are_read_in_one_query_then_kept(
    shipped_rates, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert rate_for("USD", "EUR") == Decimal("0.864")

    with django_assert_num_queries(0):
        assert rate_for("USD", "EUR") == Decimal("0.864")
        assert rate_for("SAR", "AED") == Decimal("3.6725") / Decimal("3.75")
        for currency in SUPPORTED_CURRENCIES:
            convert(Decimal("1234.56"), "USD", currency)


@pytest.mark.django_db
def test_the_kept_rates_are_read_again_after_the_cache_time(
    shipped_rates, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(fx, "RATES_CACHE_SECONDS", 0)

    with django_assert_num_queries(2):
        rate_for("USD", "EUR")
        rate_for("USD", "EUR")


@pytest.mark.django_db
def test_a_refresh_replaces_the_kept_rates_at_once(shipped_rates):
    assert rate_for("USD", "EUR") == Decimal("0.864")

    exchange_rates_refresh(provider=StaticProvider(usd("EUR", "0.88", at=LATER)))

    assert rate_for("USD", "EUR") == Decimal("0.88")


# Converting


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("100.00", "KWD", "30.680"),
        ("1234.56", "KWD", "378.763"),  # 378.763008
        ("3.75", "KWD", "1.150"),  # 1.1505: half to even, like every amount
        ("1234.56", "JPY", "190493"),  # 190492.608
        ("15.00", "JPY", "2314"),  # 2314.5: half to even
        ("15.00", "AED", "55.09"),  # 55.0875
        ("99.99", "EUR", "86.39"),  # 86.39136
    ],
)
def test_convert_rounds_to_the_currencys_minor_unit(shipped_rates, amount, currency, expected):
    conversion = convert(Decimal(amount), "USD", currency)

    assert str(conversion.amount) == expected
    assert conversion.currency == currency
    assert conversion.original_amount == Decimal(amount)
    assert conversion.original_currency == "USD"
    assert conversion.rate == rate_for("USD", currency)


@pytest.mark.django_db
def test_convert_through_the_inverse_and_through_usd(shipped_rates):
    to_usd = convert(Decimal("10.000"), "KWD", "USD")
    cross = convert(Decimal("1000"), "JPY", "KWD")

    assert to_usd == Conversion(
        Decimal("32.59"), "USD", Decimal(1) / Decimal("0.3068"), Decimal("10.000"), "KWD"
    )
    assert cross.amount == Decimal("1.988")  # 1000 / 154.3 * 0.3068 = 1.98833...
    assert cross.rate == Decimal("0.3068") / Decimal("154.3")


@pytest.mark.django_db
def test_converting_to_the_same_currency_changes_nothing_and_reads_nothing(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        conversion = convert(Decimal("12.345"), "USD", "USD")

    assert conversion == Conversion(Decimal("12.345"), "USD", Decimal(1), Decimal("12.345"), "USD")
    with pytest.raises(dataclasses.FrozenInstanceError):
        conversion.amount = Decimal("1")  # type: ignore[misc]


def test_convert_refuses_floats():
    with pytest.raises(TypeError):
        convert(10.5, "USD", "EUR")  # type: ignore[arg-type]


# Staff rates


@pytest.mark.django_db
def test_a_staff_rate_is_recorded_with_who_set_it_and_is_current_at_once(shipped_rates, customer):
    staff = customer.user
    assert rate_for("USD", "EUR") == Decimal("0.864")

    row = exchange_rate_set(base="usd", quote="EUR", rate=Decimal("0.8712345678"), user=staff)

    assert (row.base, row.quote, row.rate) == ("USD", "EUR", Decimal("0.8712345678"))
    assert row.source == f"staff:{staff.email}"
    assert row.fetched_at > FILE_TIME
    assert rate_for("USD", "EUR") == Decimal("0.8712345678")
    assert rate_for("EUR", "USD") == Decimal(1) / Decimal("0.8712345678")


@pytest.mark.django_db
def test_a_staff_rate_stays_current_until_a_newer_rate_is_published(shipped_rates, customer):
    exchange_rate_set(base="USD", quote="EUR", rate=Decimal("0.9"), user=customer.user)

    assert exchange_rates_refresh() == 0  # the file's rate is older than the staff rate
    assert rate_for("USD", "EUR") == Decimal("0.9")

    newer = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert exchange_rates_refresh(provider=StaticProvider(usd("EUR", "0.87", at=newer))) == 1
    assert rate_for("USD", "EUR") == Decimal("0.87")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("base", "quote", "rate", "errors"),
    [
        ("XYZ", "EUR", "0.9", {"base": ["XYZ is not a supported currency."]}),
        ("USD", "EURO", "0.9", {"quote": ["EURO is not a supported currency."]}),
        ("EUR", "EUR", "1", {"quote": ["The base and quote currencies must differ."]}),
        ("USD", "EUR", "0", {"rate": ["The rate must be greater than zero."]}),
        ("USD", "EUR", "-0.9", {"rate": ["The rate must be greater than zero."]}),
        ("USD", "EUR", "NaN", {"rate": ["The rate must be greater than zero."]}),
        ("USD", "EUR", "1E10", {"rate": ["The rate is too large."]}),
        ("USD", "EUR", "1E-11", {"rate": ["The rate is too small."]}),
    ],
)
def test_refused_staff_rates_change_nothing(shipped_rates, customer, base, quote, rate, errors):
    before = stored()
    assert rate_for("USD", "EUR") == Decimal("0.864")

    with pytest.raises(ApplicationError) as refused:
        exchange_rate_set(base=base, quote=quote, rate=Decimal(rate), user=customer.user)

    assert refused.value.extra == errors
    assert refused.value.message == next(iter(errors.values()))[0]
    assert stored() == before
    assert rate_for("USD", "EUR") == Decimal("0.864")


# The command, the task and the admin


@pytest.mark.django_db
def test_the_command_loads_the_rates_once():
    out = StringIO()

    call_command("load_exchange_rates", stdout=out)
    call_command("load_exchange_rates", stdout=out)

    assert out.getvalue() == "17 new exchange rates stored.\n0 new exchange rates stored.\n"
    assert ExchangeRate.objects.count() == 17


@pytest.mark.django_db
def test_the_command_reads_another_file(tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text(
        "# test rates\nbase,quote,rate,fetched_at\nUSD,EUR,0.91,2026-11-25T08:00:00Z\n"
    )

    call_command("load_exchange_rates", "--file", str(rates), stdout=StringIO())

    assert stored() == [("USD", "EUR", Decimal("0.91"), "file")]
    assert ExchangeRate.objects.get().fetched_at == dt.datetime(2026, 11, 25, 8, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_the_command_stores_nothing_from_a_malformed_file(tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text(
        "base,quote,rate,fetched_at\nUSD,EUR,0.91,2026-11-25T08:00:00Z\nUSD,GBP,abc,2026-11-25\n"
    )

    with pytest.raises(CommandError, match="data row 2"):
        call_command("load_exchange_rates", "--file", str(rates), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("load_exchange_rates", "--file", str(tmp_path / "missing.csv"))

    assert ExchangeRate.objects.count() == 0


@pytest.mark.django_db
def test_the_daily_task_refreshes_the_rates(settings):
    assert settings.CELERY_BEAT_SCHEDULE["refresh-exchange-rates"] == {
        "task": "payments.tasks.exchange_rates_refresh_task",
        "schedule": 86400.0,
    }

    assert exchange_rates_refresh_task.delay().get() == 17
    assert exchange_rates_refresh_task.delay().get() == 0


@pytest.mark.django_db
def test_a_rate_added_in_the_admin_is_a_staff_rate(admin_client, admin_user, shipped_rates):
    response = admin_client.post(
        "/admin/payments/exchangerate/add/", {"base": "USD", "quote": "EUR", "rate": "0.8801"}
    )

    assert response.status_code == 302
    row = ExchangeRate.objects.get(source__startswith="staff:")
    assert (row.base, row.quote, row.rate) == ("USD", "EUR", Decimal("0.8801"))
    assert row.source == f"staff:{admin_user.email}"
    assert rate_for("USD", "EUR") == Decimal("0.8801")
    assert admin_client.get("/admin/payments/exchangerate/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"base": "USD", "quote": "EUR", "rate": "0"}, "The rate must be greater than zero."),
        (
            {"base": "USD", "quote": "USD", "rate": "1"},
            "The base and quote currencies must differ.",
        ),
        ({"base": "XYZ", "quote": "EUR", "rate": "1"}, "Select a valid choice."),
    ],
)
def test_a_refused_rate_in_the_admin_changes_nothing(admin_client, shipped_rates, data, error):
    before = stored()

    response = admin_client.post("/admin/payments/exchangerate/add/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert stored() == before


@pytest.mark.django_db
def test_rates_are_never_edited_or_deleted_in_the_admin(admin_client, shipped_rates):
    row = ExchangeRate.objects.get(quote="EUR")
    url = f"/admin/payments/exchangerate/{row.pk}/change/"

    page = admin_client.get(url)
    edited = admin_client.post(url, {"base": "USD", "quote": "EUR", "rate": "5"})
    deleted = admin_client.post(f"/admin/payments/exchangerate/{row.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert 'name="rate"' not in page.content.decode()
    assert edited.status_code == 403
    assert deleted.status_code == 403
    row.refresh_from_db()
    assert row.rate == Decimal("0.864")
    assert ExchangeRate.objects.count() == 17
