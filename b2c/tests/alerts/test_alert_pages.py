import re

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from b2c.models import PriceAlert
from b2c.services.alerts import price_alerts_check, stop_token
from b2c.tests.alerts.helpers import NOW, alert_for, fare, route, set_price

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen:
        yield frozen


FORM = {
    "origin": "dxb", "destination": "LHR", "date_from": "2030-03-10", "date_to": "",
    "cabin": "economy", "adults": "1", "children": "0", "infants": "0", "currency": "USD",
    "target_price": "450",
}  # fmt: skip


def test_my_alerts_lists_them_and_sets_one(customer_client, customer):
    route()
    response = customer_client.post(reverse("b2c:alerts"), FORM)

    alert = PriceAlert.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("b2c:alert-detail", args=[alert.pk])
    assert (alert.customer, alert.date_to, str(alert.target_price)) == (
        customer, alert.date_from, "450.000",
    )  # fmt: skip
    page = customer_client.get(reverse("b2c:alerts"))
    assert page.status_code == 200
    assert "DXB → LHR" in page.content.decode()
    assert reverse("b2c:alert-pause", args=[alert.pk]) in page.content.decode()


def test_a_refused_alert_shows_why(customer_client):
    route()
    response = customer_client.post(reverse("b2c:alerts"), FORM | {"target_price": "0"})

    assert response.status_code == 400
    assert "The target price must be more than zero." in response.content.decode()
    assert PriceAlert.objects.count() == 0


def test_the_detail_page_draws_the_history(customer_client, customer):
    row = fare()
    alert = alert_for(customer, target="450.00")
    price_alerts_check()
    set_price(row, "440.00")
    price_alerts_check()

    page = customer_client.get(reverse("b2c:alert-detail", args=[alert.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg viewBox="0 0 600 200" role="img"' in html
    assert html.count("<circle") == 2
    assert html.count("<tr>") == 3  # the header and two checks
    assert "$440.00" in html and "$500.00" in html


def test_someone_elses_alert_is_not_found(customer_client, other_customer):
    alert = alert_for(other_customer)

    assert customer_client.get(reverse("b2c:alert-detail", args=[alert.pk])).status_code == 404
    for action in ("pause", "resume", "delete"):
        url = reverse(f"b2c:alert-{action}", args=[alert.pk])
        assert customer_client.post(url).status_code == 404
    assert PriceAlert.objects.get().state == "active"


def test_pause_resume_delete(customer_client, customer):
    alert = alert_for(customer)

    customer_client.post(reverse("b2c:alert-pause", args=[alert.pk]))
    assert PriceAlert.objects.get().state == "paused"
    customer_client.post(reverse("b2c:alert-resume", args=[alert.pk]))
    assert PriceAlert.objects.get().state == "active"
    customer_client.post(reverse("b2c:alert-delete", args=[alert.pk]))
    assert PriceAlert.objects.count() == 0


def test_a_visitor_sets_an_alert_and_confirms_it(client, django_capture_on_commit_callbacks):
    route()
    form = client.get(reverse("b2c:alert-new"))
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("b2c:alert-new"), FORM | {"email": "visitor@example.com"})

    assert form.status_code == sent.status_code == 200
    assert "visitor@example.com" in sent.content.decode()
    assert PriceAlert.objects.get().state == "pending"
    path = re.search(r"https?://[^/]+(/alerts/confirm/\S+/)", mail.outbox[0].body).group(1)
    assert client.get(path.replace("/confirm/", "/confirm/x")).status_code == 404
    assert client.get(path).status_code == 200
    assert PriceAlert.objects.get().state == "active"


def test_the_stop_link_asks_then_stops(client, customer):
    alert = alert_for(customer)
    url = reverse("b2c:alert-stop", args=[stop_token(alert)])

    assert client.get(url).status_code == 200
    assert PriceAlert.objects.get().state == "active"
    assert client.post(url).status_code == 200
    assert PriceAlert.objects.get().state == "ended"
    assert client.post(url + "x/").status_code == 404


def test_the_list_and_detail_queries_do_not_grow(customer_client, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fare()
    first = alert_for(customer)
    price_alerts_check()

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert customer_client.get(url).status_code == 200
        return len(captured)

    few = count(reverse("b2c:alerts")), count(reverse("b2c:alert-detail", args=[first.pk]))
    for _ in range(9):
        alert_for(customer)
    for _ in range(5):
        price_alerts_check()

    many = count(reverse("b2c:alerts")), count(reverse("b2c:alert-detail", args=[first.pk]))
    assert many == few


# "Get price alerts for this route" on search results -----------------------------------------

SEARCH = {
    "origin": "DXB", "destination": "LHR", "departure_date": "2030-03-10",
    "return_date": "2030-03-17", "cabin": "business", "adults": "2", "children": "1",
    "infants": "1", "currency": "EUR",
}  # fmt: skip
PREFILL = (
    "origin=DXB&amp;destination=LHR&amp;date_from=2030-03-10&amp;cabin=business&amp;adults=2"
    "&amp;children=1&amp;infants=1&amp;currency=EUR"
)


def alert_link(page) -> str:
    return re.search(
        r'<p class="price-alert-link"><a href="([^"]+)">Get price alerts for this route</a></p>',
        page.content.decode(),
    ).group(1)


def field_value(page, name) -> str | None:
    """The value a text or date input shows, or the selected option of a select."""
    html = page.content.decode()
    found = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
    if found:
        value = re.search(r'value="([^"]*)"', found.group(0))
        return value.group(1) if value else None
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]*)" selected>', select).group(1)


def test_visitors_get_a_link_to_the_alert_form_prefilled(client):
    fare()

    page = client.get("/search/", SEARCH)

    assert page.status_code == 200
    assert alert_link(page) == f"/alerts/new/?{PREFILL}"
    form = client.get(alert_link(page).replace("&amp;", "&"))
    assert form.status_code == 200
    values = {name: field_value(form, name) for name in (
        "origin", "destination", "date_from", "date_to", "cabin", "adults", "children",
        "infants", "currency", "target_price", "email",
    )}  # fmt: skip
    assert values == {
        "origin": "DXB", "destination": "LHR", "date_from": "2030-03-10", "date_to": None,
        "cabin": "business", "adults": "2", "children": "1", "infants": "1", "currency": "EUR",
        "target_price": None, "email": None,
    }  # fmt: skip


def test_customers_get_a_link_to_their_alerts_page_prefilled(customer_client):
    fare()

    page = customer_client.get("/search/", SEARCH)

    assert alert_link(page) == f"/alerts/?{PREFILL}#new-alert"
    form = customer_client.get(alert_link(page).replace("&amp;", "&").split("#")[0])
    assert form.status_code == 200
    assert [field_value(form, n) for n in ("origin", "date_from", "cabin", "adults")] == [
        "DXB", "2030-03-10", "business", "2",
    ]  # fmt: skip


def test_the_link_is_there_when_nothing_is_on_sale(client):
    route()

    page = client.get("/search/", SEARCH)

    assert "No flights match this search." in page.content.decode()
    assert alert_link(page).startswith("/alerts/new/?origin=DXB")


def test_a_signed_in_customer_on_the_visitor_form_keeps_the_prefill(customer_client):
    response = customer_client.get("/alerts/new/?origin=DXB&destination=LHR")

    assert response.status_code == 302
    assert response["Location"] == "/alerts/?origin=DXB&destination=LHR#new-alert"
    assert customer_client.get("/alerts/new/")["Location"] == "/alerts/"


def test_only_the_forms_fields_are_read_from_the_query_string():
    from django.http import QueryDict

    from b2c.forms.alerts import PriceAlertForm, VisitorPriceAlertForm

    query = QueryDict("origin=DXB&cabin=&unknown=1&email=me%40example.com")

    assert PriceAlertForm.initial_from(query) == {"origin": "DXB"}
    assert VisitorPriceAlertForm.initial_from(query) == {
        "origin": "DXB", "email": "me@example.com",
    }  # fmt: skip
    assert PriceAlertForm.initial_from(QueryDict("")) is None
