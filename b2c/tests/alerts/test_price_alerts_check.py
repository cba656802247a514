import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from freezegun import freeze_time

from b2c.models import Customer, PriceAlert, PriceAlertCheck
from b2c.services.alerts import price_alerts_check
from b2c.tests.alerts.helpers import DAY, DEPARTURE, NOW, alert_for, fare, route, set_price
from core.testing.factories import CustomerFactory
from core.testing.inventory import offer_for
from flights.search import Passengers
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One pass of the engine, with the outbox delivering after the commit as it does live."""

    def run_once():
        with django_capture_on_commit_callbacks(execute=True):
            return price_alerts_check()

    return run_once


def test_a_party_is_priced_as_the_search_prices_it(customer):
    # Low base and high taxes against high base and low taxes: which is cheaper depends on the
    # party (children and infants pay a share of the base fare, everyone the taxes).
    # For one adult the first is cheaper (500 against 510); for this party the second.
    fare(base="300.00", taxes="200.00", number=1)
    fare(
        base="420.00",
        taxes="90.00",
        number=2,
        departure=dt.datetime(2030, 3, 10, 14, tzinfo=dt.UTC),
    )
    alert = alert_for(customer, adults=2, children=1, infants=1, target=None)

    price_alerts_check()

    searched = offer_for("DXB", "LHR", DAY, Passengers(2, 1, 1)).total
    alert.refresh_from_db()
    assert searched == Decimal("1557.00")  # 420*2 + 315 + 42 + 90*4
    assert alert.last_price == searched
    assert alert.start_price == searched
    assert alert.checks.get().price == searched


def test_only_fares_with_seats_for_the_party_count(customer):
    fare(base="200.00", taxes="50.00", seats=2, number=1)
    fare(base="300.00", taxes="50.00", seats=3, number=2)
    alert = alert_for(customer, adults=2, children=1, target=None)

    price_alerts_check()

    alert.refresh_from_db()
    assert alert.last_price == Decimal("975.00")  # 300*2 + 225 + 50*3


def test_each_alert_is_priced_over_its_own_dates(customer):
    # One route, cabin and party, three windows: the cheapest day of each differs, and the
    # 2-seat fare is cheapest only for the one-adult alert.
    fare(base="300.00", taxes="100.00", number=1)  # 10 March: 400
    fare(base="200.00", taxes="50.00", departure=DEPARTURE + dt.timedelta(days=2), number=2)
    fare(base="100.00", taxes="50.00", seats=1, departure=DEPARTURE + dt.timedelta(days=2),
         number=3)  # fmt: skip
    day = dt.timedelta(days=1)
    only_10th = alert_for(customer, target=None)
    to_12th = alert_for(customer, target=None, date_to=DAY + 2 * day)
    from_11th = alert_for(customer, target=None, date_from=DAY + day, date_to=DAY + 3 * day)
    two_adults = alert_for(customer, target=None, adults=2, date_to=DAY + 2 * day)
    after = alert_for(customer, target=None, date_from=DAY + 3 * day, date_to=DAY + 4 * day)

    price_alerts_check()

    prices = dict(PriceAlert.objects.values_list("pk", "last_price"))
    assert prices[only_10th.pk] == Decimal("400.00")
    assert prices[to_12th.pk] == Decimal("150.00")
    assert prices[from_11th.pk] == Decimal("150.00")
    assert prices[two_adults.pk] == Decimal("500.00")  # (200 + 50) x 2: one seat is too few
    assert prices[after.pk] is None


def test_a_drop_below_the_target_tells_once(customer, run):
    row = fare()
    alert = alert_for(customer, target="450.00")
    set_price(row, "440.00")

    first = run()
    second = run()

    assert first == {"checked": 1, "notified": 1, "ended": 0, "skipped": 0}
    assert second == {"checked": 1, "notified": 0, "ended": 0, "skipped": 0}
    notification = Notification.objects.get(user=customer.user)
    assert notification.kind == "price_drop"
    assert notification.title == "DXB → LHR is now $440.00"
    assert notification.url == f"/alerts/{alert.pk}/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [customer.user.email]
    assert mail.outbox[0].subject == "DXB → LHR is now $440.00"
    assert "/alerts/stop/" in mail.outbox[0].body
    alert.refresh_from_db()
    assert (alert.armed, alert.notified_price, alert.last_price) == (
        False, Decimal("440.000"), Decimal("440.000"),
    )  # fmt: skip
    # The same price on the second run is no change: the history keeps one row.
    assert list(alert.checks.values_list("price", "notified")) == [(Decimal("440.000"), True)]


def test_a_rise_and_a_drop_again_tell_again(customer, run):
    row = fare()
    alert_for(customer, target="450.00")
    set_price(row, "440.00")
    run()
    set_price(row, "470.00")  # above 450 + 1 %: re-armed
    assert run()["notified"] == 0
    set_price(row, "445.00")

    assert run()["notified"] == 1
    assert Notification.objects.filter(user=customer.user).count() == 2
    assert len(mail.outbox) == 2


def test_a_deeper_drop_tells_again(customer, run):
    row = fare()
    alert_for(customer, target="450.00")
    set_price(row, "440.00")
    run()
    set_price(row, "436.00")  # less than 1 % lower: not deeper
    assert run()["notified"] == 0
    set_price(row, "430.00")

    assert run()["notified"] == 1
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "DXB → LHR is now $430.00"


def test_a_price_hovering_around_the_target_tells_once(customer, run):
    row = fare()
    alert = alert_for(customer, target="450.00")
    told = []
    for total in ["449.00", "452.00", "448.00", "454.00", "449.50", "451.00", "447.00"]:
        set_price(row, total)
        told.append(run()["notified"])

    assert told == [1, 0, 0, 0, 0, 0, 0]
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    assert alert.checks.count() == 7


def test_any_drop_tells_below_the_price_when_set(customer, run):
    row = fare()  # 500.00
    alert = alert_for(customer, target=None)
    assert alert.start_price == Decimal("500.00")
    assert run()["notified"] == 0
    set_price(row, "499.99")

    assert run()["notified"] == 1
    alert.refresh_from_db()
    assert alert.notified_price == Decimal("499.990")
    set_price(row, "499.00")  # less than 1 % below what was told
    assert run()["notified"] == 0
    set_price(row, "480.00")
    assert run()["notified"] == 1


def test_no_fare_is_recorded_as_no_price(customer, run):
    alert = alert_for(customer)

    assert run() == {"checked": 1, "notified": 0, "ended": 0, "skipped": 0}
    assert alert.checks.get().price is None
    alert.refresh_from_db()
    assert (alert.last_price, alert.armed) == (None, True)


def test_paused_and_pending_alerts_are_not_checked(customer, run):
    fare(base="300.00")
    paused = alert_for(customer)
    PriceAlert.objects.filter(pk=paused.pk).update(state="paused")
    route()
    alert_for(None, email="visitor@example.com")

    assert run()["checked"] == 0
    assert PriceAlertCheck.objects.count() == 0
    assert Notification.objects.count() == 0


def test_alerts_whose_dates_passed_end(customer, frozen, run):
    alert = alert_for(customer)
    later = alert_for(customer, date_from=DAY, date_to=DAY + dt.timedelta(days=3))
    frozen.move_to("2030-03-11 00:30:00")

    counts = run()

    assert counts == {"checked": 1, "notified": 0, "ended": 1, "skipped": 0}
    alert.refresh_from_db()
    later.refresh_from_db()
    assert (alert.state, alert.ended_reason) == ("ended", "dates passed")
    assert later.state == "active"
    assert alert.checks.count() == 0


def test_a_customer_is_told_in_the_language_they_read_safar_in_now(run):
    customer = CustomerFactory()
    row = fare()
    alert_for(customer, target="450.00", language="en")  # set while reading in English
    Customer.objects.filter(pk=customer.pk).update(preferred_language="ar")
    set_price(row, "440.00")

    run()

    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "ar"
    html = message.alternatives[0][0]
    assert '<html lang="ar" dir="rtl">' in html


def test_a_visitor_is_told_in_the_language_of_the_alert(run):
    row = fare()
    alert = alert_for(None, email="guest@example.com", target="450.00", language="ar")
    PriceAlert.objects.filter(pk=alert.pk).update(state=PriceAlert.State.ACTIVE)  # confirmed
    set_price(row, "440.00")
    mail.outbox.clear()  # the confirmation request

    run()

    (message,) = mail.outbox
    assert message.to == ["guest@example.com"]
    assert message.extra_headers["Content-Language"] == "ar"


@pytest.mark.parametrize("count", [5, 50])
def test_queries_do_not_grow_with_the_alerts(count, django_assert_max_num_queries):
    fare()
    customers = [CustomerFactory() for _ in range(5)]
    for i in range(count):
        alert_for(customers[i % 5], target="300.00", adults=1 + i % 3)
    alert_for(customers[0], target=None)  # any drop, no drop

    with django_assert_max_num_queries(8):  # 7, and the lock on PostgreSQL
        counts = price_alerts_check()

    assert counts["checked"] == count + 1
    assert PriceAlertCheck.objects.count() == count + 1


def test_the_history_keeps_each_change_not_each_pass(customer, run):
    row = fare()  # 500.00
    alert = alert_for(customer, target="300.00")
    for total in ["500.00", "500.00", "480.00", "480.00", "480.00", "500.00"]:
        set_price(row, total)
        run()

    assert list(alert.checks.values_list("price", flat=True)) == [
        Decimal("500.000"), Decimal("480.000"), Decimal("500.000"),
    ]  # fmt: skip
    alert.refresh_from_db()
    assert alert.last_price == Decimal("500.000")  # still checked every pass


def test_an_alert_with_nothing_on_sale_records_that_once(customer, run):
    route()
    alert = alert_for(customer, target="300.00")
    run()
    run()

    assert list(alert.checks.values_list("price", flat=True)) == [None]
