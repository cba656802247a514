import pytest
from django.contrib import admin
from django.urls import reverse

from core.testing.factories import TravelCompanionFactory, UserFactory


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label != "axes"]


def test_every_model_has_a_working_admin_changelist_and_search(staff_client, customer):
    TravelCompanionFactory(customer=customer)

    for model in registered_models():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert staff_client.get(url).status_code == 200, url
        if admin.site._registry[model].search_fields:
            assert staff_client.get(url, {"q": "x"}).status_code == 200, url


def test_customer_admin_shows_the_activity_log(staff_client, customer):
    url = reverse("admin:b2c_customer_change", args=[customer.pk])

    html = staff_client.get(url).content.decode()

    assert "Signed up" in html


def test_activity_log_cannot_be_edited(staff_client, customer):
    activity = customer.activities.get()
    url = reverse("admin:b2c_customeractivity_change", args=[activity.pk])

    staff_client.post(url, {"kind": "account_deleted"})

    activity.refresh_from_db()
    assert activity.kind == "signed_up"
    assert (
        staff_client.post(
            reverse("admin:b2c_customeractivity_delete", args=[activity.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_customers_cannot_open_the_admin(customer_client):
    response = customer_client.get("/admin/b2c/customer/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
