import threading
from decimal import Decimal

import pytest
from allauth.account import signals as account_signals
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from freezegun import freeze_time

from b2c.models import PriceAlert, PriceAlertCheck, Wishlist, WishlistItem
from b2c.services.alerts import (
    confirm_token,
    price_alert_confirm,
    price_alert_for_wishlist_item,
    price_alerts_check,
)
from b2c.tests.alerts.helpers import DAY, NOW, alert_for, fare, route
from core.exceptions import ApplicationError
from core.testing.factories import CustomerFactory


@pytest.fixture
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.mark.django_db
def test_confirming_the_email_joins_visitor_alerts(frozen):
    alert = alert_for(None, email="joiner@example.com")
    price_alert_confirm(token=confirm_token(alert))
    customer = CustomerFactory(email="joiner@example.com")
    address = EmailAddress.objects.create(
        user=customer.user, email="joiner@example.com", verified=True
    )

    account_signals.email_confirmed.send(sender=EmailAddress, request=None, email_address=address)

    assert PriceAlert.objects.get().customer == customer


@pytest.mark.django_db
def test_the_command_and_the_schedule(frozen, settings, capsys):
    fare()
    alert_for(CustomerFactory())

    call_command("check_price_alerts")

    assert capsys.readouterr().out == "Checked 1 alert(s), notified 0, ended 0.\n"
    assert PriceAlertCheck.objects.count() == 1
    assert settings.CELERY_BEAT_SCHEDULE["check-price-alerts"] == {
        "task": "b2c.tasks.alerts.check_price_alerts",
        "schedule": 1800.0,
    }
    from b2c.tasks.alerts import check_price_alerts

    assert check_price_alerts.delay().get()["checked"] == 1


@pytest.mark.django_db
def test_a_wishlist_item_target_makes_updates_and_removes_its_alert(frozen):
    fare()
    origin, destination = route()
    customer = CustomerFactory()
    wishlist = Wishlist.objects.create(customer=customer, name="Summer")
    item = WishlistItem.objects.create(
        wishlist=wishlist, origin=origin, destination=destination, departure_date=DAY,
        cabin="economy", adults=2, currency="USD",
    )  # fmt: skip

    alert = price_alert_for_wishlist_item(item=item, target_price=Decimal("900.00"))
    item.refresh_from_db()
    assert item.price_alert == alert
    assert (alert.customer, alert.date_from, alert.date_to, alert.adults) == (customer, DAY, DAY, 2)
    assert alert.start_price == Decimal("1000.00")

    again = price_alert_for_wishlist_item(item=item, target_price=Decimal("800.00"))
    assert again.pk == alert.pk
    assert PriceAlert.objects.get().target_price == Decimal("800.000")
    with pytest.raises(ApplicationError):
        price_alert_for_wishlist_item(item=item, target_price=Decimal("0"))
    assert PriceAlert.objects.get().target_price == Decimal("800.000")

    assert price_alert_for_wishlist_item(item=item, target_price=None) is None
    item.refresh_from_db()
    assert item.price_alert is None
    assert PriceAlert.objects.count() == 0


@pytest.mark.django_db
def test_staff_see_alerts_and_their_checks(admin_client):
    fare()
    alert = alert_for(None, email="visitor@example.com")
    PriceAlert.objects.filter(pk=alert.pk).update(state="active")
    price_alerts_check()

    listing = admin_client.get(reverse("admin:b2c_pricealert_changelist"), {"q": "visitor"})
    filtered = admin_client.get(reverse("admin:b2c_pricealert_changelist"), {"state": "ended"})
    page = admin_client.get(reverse("admin:b2c_pricealert_change", args=[alert.pk]))
    checks = admin_client.get(reverse("admin:b2c_pricealertcheck_changelist"))

    assert listing.status_code == page.status_code == checks.status_code == 200
    assert listing.context["cl"].result_count == 1
    assert filtered.context["cl"].result_count == 0
    assert "500.000" in page.content.decode()
    assert checks.context["cl"].result_count == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_passes_at_once_check_each_alert_once():
    from django.db import connections

    fare()
    customer = CustomerFactory()
    for _ in range(5):
        alert_for(customer, target="450.00")
    PriceAlert.objects.update(target_price=Decimal("600.00"))
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(price_alerts_check())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert connection.vendor == "postgresql"
    assert sorted(r["checked"] for r in results) in ([0, 5], [5, 5])
    # Either the second found the lock taken, or it ran after the first had told everyone.
    assert sum(r["notified"] for r in results) == 5
    assert PriceAlertCheck.objects.filter(notified=True).count() == 5
