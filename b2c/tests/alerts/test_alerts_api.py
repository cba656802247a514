import pytest
from django.core import mail
from freezegun import freeze_time

from b2c.models import PriceAlert
from b2c.services.alerts import confirm_token, price_alerts_check
from b2c.tests.alerts.helpers import NOW, alert_for, fare, route

pytestmark = pytest.mark.django_db

BODY = {"origin": "DXB", "destination": "LHR", "date_from": "2030-03-10", "currency": "USD",
        "adults": 2, "target_price": "900.00"}  # fmt: skip


@pytest.fixture
def frozen():
    # Not for visitors' calls: DRF's throttle keeps time.time as a method, which freezegun breaks.
    with freeze_time(NOW) as frozen:
        yield frozen


def test_create_list_and_read_with_history(customer_api, frozen):
    fare()
    created = customer_api.post("/api/v1/price-alerts/", BODY, format="json")
    price_alerts_check()

    listing = customer_api.get("/api/v1/price-alerts/")
    detail = customer_api.get(f"/api/v1/price-alerts/{created.data['id']}/")

    assert created.status_code == 201
    assert created.data["state"] == "active"
    assert created.data["start_price"] == "1000.00"
    assert created.data["target_price"] == "900.00"
    assert listing.data["count"] == 1
    assert detail.data["history"] == [
        {"checked_at": "2030-03-01T08:00:00Z", "price": "1000.000", "notified": False}
    ]


def test_bad_input_answers_400_and_changes_nothing(customer_api, frozen):
    route()
    response = customer_api.post(
        "/api/v1/price-alerts/", BODY | {"target_price": "-1"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "target_price": ["The target price must be more than zero."]
    }
    assert PriceAlert.objects.count() == 0


def test_pause_resume_delete_and_someone_elses_is_404(
    customer_api, customer, other_customer, frozen
):
    mine, theirs = alert_for(customer), alert_for(other_customer)

    assert customer_api.post(f"/api/v1/price-alerts/{mine.pk}/pause/").data["state"] == "paused"
    assert customer_api.post(f"/api/v1/price-alerts/{mine.pk}/resume/").data["state"] == "active"
    assert customer_api.get(f"/api/v1/price-alerts/{theirs.pk}/").status_code == 404
    assert customer_api.post(f"/api/v1/price-alerts/{theirs.pk}/pause/").status_code == 404
    assert customer_api.delete(f"/api/v1/price-alerts/{theirs.pk}/").status_code == 404
    assert customer_api.delete(f"/api/v1/price-alerts/{mine.pk}/").status_code == 204
    assert list(PriceAlert.objects.values_list("pk", "state")) == [(theirs.pk, "active")]


def test_a_visitor_sets_and_confirms_an_alert(api_client, django_capture_on_commit_callbacks):
    route()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/price-alerts/visitor/", BODY | {"email": "v@example.com"}, format="json"
        )
    alert = PriceAlert.objects.get()

    assert response.status_code == 202
    assert alert.state == "pending"
    assert mail.outbox[0].to == ["v@example.com"]
    bad = api_client.post("/api/v1/price-alerts/confirm/", {"token": "nope"}, format="json")
    good = api_client.post(
        "/api/v1/price-alerts/confirm/", {"token": confirm_token(alert)}, format="json"
    )
    assert bad.status_code == 404
    assert good.status_code == 200
    assert good.data["state"] == "active"
