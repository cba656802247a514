"""A partner's statement in the admin: clicks, attributions, earned and reversed, and its CSV."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from b2c.admin.referrals import csv_safe
from b2c.models import AffiliatePartner
from b2c.services.referrals import (
    affiliate_booking_attribute,
    affiliate_booking_cancelled,
    affiliate_booking_completed,
    affiliate_booking_paid,
    affiliate_click_record,
)
from b2c.tests.referrals.helpers import booking_for
from bookings.models import Booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return AffiliatePartner.objects.create(
        name='=HYPERLINK("http://evil")', code="blog", commission_rate=Decimal("0.0500")
    )


def sale(customer, *, when, currency="USD", base="400.00", taxes="100.00"):
    with freeze_time(when):
        click = affiliate_click_record(partner_code="blog", landing_page="/", ip="192.0.2.1")
        booking = booking_for(
            customer, currency=currency, base=base, taxes=taxes, status=Booking.Status.HELD
        )
        affiliate_booking_attribute(booking=booking, click_token=str(click.token))
        affiliate_booking_paid(booking=booking)
    return booking


@pytest.fixture
def march(customer, partner):
    """In March: four sales (3 USD, 1 EUR) and a click that bought nothing; one sale in Feb."""
    february = sale(customer, when="2030-02-20 10:00:00")
    usd1 = sale(customer, when="2030-03-02 10:00:00")  # 25.00
    usd2 = sale(customer, when="2030-03-03 10:00:00", base="200.00", taxes="33.50")
    # 0.05 × 233.50 = 11.675 → 11.68 USD (to even)
    usd3 = sale(customer, when="2030-03-04 10:00:00")  # 25.00, cancelled
    eur = sale(customer, when="2030-03-05 10:00:00", currency="EUR", base="90.00", taxes="10.50")
    # 0.05 × 100.50 = 5.025 → 5.02 EUR (to even)
    with freeze_time("2030-03-06 10:00:00"):
        affiliate_click_record(partner_code="blog", landing_page="/", ip="192.0.2.9")
    with freeze_time("2030-03-10 10:00:00"):
        for booking in (february, usd1, usd2, eur):
            affiliate_booking_completed(booking=booking)  # earned in March
        affiliate_booking_cancelled(booking=usd3)  # reversed in March
    with freeze_time("2030-04-02 10:00:00"):
        affiliate_booking_cancelled(booking=usd2)  # reversed in April: not in March's statement
    return {"february": february, "usd1": usd1, "usd2": usd2, "usd3": usd3, "eur": eur}


def url(partner):
    return reverse("admin:b2c_affiliatepartner_statement", args=[partner.pk])


def test_the_months_statement_and_its_totals(admin_client, partner, march):
    response = admin_client.get(url(partner), {"month": "2030-03"})

    assert response.status_code == 200
    statement = response.context["statement"]
    assert (statement.start.isoformat(), statement.end.isoformat()) == ("2030-03-01", "2030-03-31")
    assert statement.clicks == 5
    assert [c.booking for c in statement.attributed] == [
        march["usd1"],
        march["usd2"],
        march["usd3"],
        march["eur"],
    ]
    assert {c.booking for c in statement.earned} == {
        march["february"],
        march["usd1"],
        march["usd2"],
        march["eur"],
    }
    assert [c.booking for c in statement.reversed] == [march["usd3"]]
    assert statement.earned_totals == {"EUR": Decimal("5.020"), "USD": Decimal("61.680")}
    assert statement.reversed_totals == {"USD": Decimal("25.000")}
    assert statement.totals == [
        ("EUR", Decimal("5.020"), Decimal("0")),
        ("USD", Decimal("61.680"), Decimal("25.000")),
    ]


def test_a_range_of_days(admin_client, partner, march):
    response = admin_client.get(url(partner), {"start": "2030-03-02", "end": "2030-03-03"})

    statement = response.context["statement"]
    assert statement.clicks == 2
    assert [c.booking for c in statement.attributed] == [march["usd1"], march["usd2"]]
    assert statement.earned == statement.reversed == []


def test_a_bad_period_is_a_form_error(admin_client, partner):
    response = admin_client.get(url(partner), {"start": "2030-03-05", "end": "2030-03-01"})
    bad_month = admin_client.get(url(partner), {"month": "March"})

    assert response.status_code == bad_month.status_code == 200
    assert response.context["statement"] is None
    assert response.context["form"].errors["end"]
    assert bad_month.context["form"].errors["month"]


def test_the_csv_export(admin_client, partner, march):
    response = admin_client.get(url(partner), {"month": "2030-03", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="statement-blog-2030-03-01-2030-03-31.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    ref = {key: booking.reference for key, booking in march.items()}
    assert {row[0] for row in rows[1:]} == {'\'=HYPERLINK("http://evil")'}
    assert [row[1:] for row in rows] == [
        ["event", "date", "booking", "booking_status", "amount_paid", "currency", "rate",
         "commission", "commission_status"],
        ["attributed", "2030-03-02T10:00:00+00:00", ref["usd1"], "held", "500.000", "USD",
         "0.0500", "25.000", "earned"],
        ["attributed", "2030-03-03T10:00:00+00:00", ref["usd2"], "held", "233.500", "USD",
         "0.0500", "11.680", "reversed"],
        ["attributed", "2030-03-04T10:00:00+00:00", ref["usd3"], "held", "500.000", "USD",
         "0.0500", "25.000", "reversed"],
        ["attributed", "2030-03-05T10:00:00+00:00", ref["eur"], "held", "100.500", "EUR",
         "0.0500", "5.020", "earned"],
        ["earned", "2030-03-10T10:00:00+00:00", ref["february"], "held", "500.000", "USD",
         "0.0500", "25.000", "earned"],
        ["earned", "2030-03-10T10:00:00+00:00", ref["usd1"], "held", "500.000", "USD",
         "0.0500", "25.000", "earned"],
        ["earned", "2030-03-10T10:00:00+00:00", ref["usd2"], "held", "233.500", "USD",
         "0.0500", "11.680", "reversed"],
        ["reversed", "2030-03-10T10:00:00+00:00", ref["usd3"], "held", "500.000", "USD",
         "0.0500", "25.000", "reversed"],
        ["earned", "2030-03-10T10:00:00+00:00", ref["eur"], "held", "100.500", "EUR",
         "0.0500", "5.020", "earned"],
        ["total_earned", "", "", "", "", "EUR", "", "5.020", ""],
        ["total_earned", "", "", "", "", "USD", "", "61.680", ""],
        ["total_reversed", "", "", "", "", "USD", "", "25.000", ""],
        ["clicks", "", "", "", "", "", "", "5", ""],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20", "'+44 20"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Travel Blog", "Travel Blog"),
        ("25.000", "25.000"),
        (None, ""),
    ],
)
def test_cells_are_never_formulas(value, cell):
    assert csv_safe(value) == cell


def test_staff_without_view_permission_cannot_see_a_statement(client, partner, django_user_model):
    staff = django_user_model.objects.create_user(
        email="staff@example.com", password="x-Long-pass-1", is_staff=True
    )
    client.force_login(staff)

    assert client.get(url(partner)).status_code == 403
