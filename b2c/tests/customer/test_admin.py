import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from b2c.models import (
    Customer,
    CustomerActivity,
    CustomerProfile,
    FrequentFlyerNumber,
    TravelCompanion,
)
from b2c.services.customer import customer_profile_update, frequent_flyer_number_add
from core.testing.factories import TravelCompanionFactory, UserFactory

Kind = CustomerActivity.Kind


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label != "axes"]


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def unchanged_form_data(response) -> dict:
    """What the admin page in `response` posts back when staff change nothing: its form's values
    and, for each inline, its management form and rows."""
    forms = [response.context["adminform"].form]
    for inline_admin_formset in response.context["inline_admin_formsets"]:
        formset = inline_admin_formset.formset
        forms += [formset.management_form, *formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:  # an unticked box is not posted
                data[form.add_prefix(name)] = value
    return data


def kinds(customer) -> list[str]:
    return list(customer.activities.order_by("id").values_list("kind", flat=True))


def future_date(days: int = 3650) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_every_model_has_a_working_admin_changelist_search_and_change_view(
    staff_client, customer, airline
):
    companion = TravelCompanionFactory(customer=customer)
    frequent_flyer_number_add(customer=customer, airline=airline, number="EK123456")
    frequent_flyer_number_add(
        customer=customer, airline=airline, number="EK654321", companion=companion
    )

    for model in registered_models():
        url = admin_url(model, "changelist")
        assert staff_client.get(url).status_code == 200, url
        if admin.site._registry[model].search_fields:
            assert staff_client.get(url, {"q": "x"}).status_code == 200, url
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            url = admin_url(model, "change", row.pk)
            assert staff_client.get(url).status_code == 200, url


def test_customer_admin_shows_the_activity_log(staff_client, customer):
    url = reverse("admin:b2c_customer_change", args=[customer.pk])

    html = staff_client.get(url).content.decode()

    assert "Signed up" in html


def test_activity_log_cannot_be_edited(staff_client, customer):
    activity = customer.activities.get()
    url = reverse("admin:b2c_customeractivity_change", args=[activity.pk])

    response = staff_client.get(url)

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()
    assert staff_client.post(url, {"kind": "account_deleted"}).status_code == 403
    assert (
        staff_client.post(
            reverse("admin:b2c_customeractivity_delete", args=[activity.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    activity.refresh_from_db()
    assert activity.kind == Kind.SIGNED_UP
    assert kinds(customer) == [Kind.SIGNED_UP]


def test_customers_cannot_open_the_admin(customer_client):
    response = customer_client.get("/admin/b2c/customer/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


# Customers come from sign-up only and are never deleted in the admin.


@pytest.mark.parametrize("model", [Customer, CustomerProfile])
def test_customers_and_profiles_cannot_be_added_in_the_admin(staff_client, customer, model):
    count = model.objects.count()
    url = admin_url(model, "add")

    assert staff_client.get(url).status_code == 403
    assert staff_client.post(url, {"customer_type": "individual"}).status_code == 403
    assert model.objects.count() == count


@pytest.mark.parametrize("model", [Customer, CustomerProfile])
def test_customers_and_profiles_cannot_be_deleted_in_the_admin(staff_client, customer, model):
    row = customer if model is Customer else customer.profile
    url = admin_url(model, "delete", row.pk)

    assert staff_client.get(url).status_code == 403
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()
    assert CustomerProfile.objects.filter(customer=customer).exists()
    assert kinds(customer) == [Kind.SIGNED_UP]


def test_customer_changelist_offers_closing_accounts_not_deleting(staff_client, customer):
    response = staff_client.get(admin_url(Customer, "changelist"))

    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert actions == ["", "close_accounts"]


def test_close_account_action_erases_the_selected_customer_only(
    staff_client, customer, other_customer
):
    passport = {
        "passport_number": "BX1234567",
        "passport_country": "BD",
        "passport_expiry": future_date(),
    }
    customer_profile_update(customer=customer, fields=passport)
    customer_profile_update(customer=other_customer, fields=passport)
    other_email = other_customer.user.email

    response = staff_client.post(
        admin_url(Customer, "changelist"),
        {"action": "close_accounts", "_selected_action": [customer.pk]},
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Closed 1 account and erased its personal data."
    ]
    closed = Customer.objects.select_related("user", "profile").get(pk=customer.pk)
    assert closed.user.is_active is False
    assert closed.deleted_at is not None
    assert closed.profile.passport_number == ""
    assert closed.profile.passport_expiry is None
    assert kinds(closed) == [Kind.SIGNED_UP, Kind.PROFILE_CHANGED, Kind.ACCOUNT_DELETED]
    untouched = Customer.objects.select_related("user", "profile").get(pk=other_customer.pk)
    assert untouched.user.is_active is True
    assert untouched.user.email == other_email
    assert untouched.deleted_at is None
    assert untouched.profile.passport_number == "BX1234567"
    assert kinds(untouched) == [Kind.SIGNED_UP, Kind.PROFILE_CHANGED]


def test_close_account_action_skips_accounts_already_closed(staff_client, customer, other_customer):
    url = admin_url(Customer, "changelist")
    staff_client.post(url, {"action": "close_accounts", "_selected_action": [customer.pk]})
    deleted_at = Customer.objects.get(pk=customer.pk).deleted_at

    response = staff_client.post(
        url,
        {"action": "close_accounts", "_selected_action": [customer.pk, other_customer.pk]},
    )

    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "Closed 1 account and erased its personal data."
    )
    assert Customer.objects.get(pk=customer.pk).deleted_at == deleted_at
    assert kinds(customer) == [Kind.SIGNED_UP, Kind.ACCOUNT_DELETED]
    assert kinds(other_customer) == [Kind.SIGNED_UP, Kind.ACCOUNT_DELETED]


# Staff edits go through the services and land in the activity log.


def test_editing_a_customer_saves_and_logs_the_change(staff_client, customer):
    url = admin_url(Customer, "change", customer.pk)
    new_currency = "BDT" if customer.preferred_currency != "BDT" else "SAR"
    data = unchanged_form_data(staff_client.get(url))
    data["preferred_currency"] = new_currency

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    customer.refresh_from_db()
    assert customer.preferred_currency == new_currency
    latest = customer.activities.first()
    assert (latest.kind, latest.detail) == (
        Kind.PROFILE_CHANGED,
        {"fields": ["preferred_currency"]},
    )
    assert kinds(customer) == [Kind.SIGNED_UP, Kind.PROFILE_CHANGED]


def test_saving_a_customer_unchanged_logs_nothing(staff_client, customer):
    url = admin_url(Customer, "change", customer.pk)

    response = staff_client.post(url, unchanged_form_data(staff_client.get(url)))

    assert response.status_code == 302
    assert kinds(customer) == [Kind.SIGNED_UP]


def test_customer_admin_cannot_change_the_tier_or_the_inlines(staff_client, customer):
    companion = TravelCompanionFactory(customer=customer, given_names="Amina")
    url = admin_url(Customer, "change", customer.pk)
    page = staff_client.get(url)
    inlines = page.context["inline_admin_formsets"]
    assert [
        (i.has_add_permission, i.has_change_permission, i.has_delete_permission) for i in inlines
    ] == [(False, False, False)] * 3
    html = page.content.decode()
    assert admin_url(TravelCompanion, "change", companion.pk) in html
    assert admin_url(CustomerProfile, "change", customer.profile.pk) in html
    data = unchanged_form_data(page)
    assert "loyalty_tier" not in data
    data["loyalty_tier"] = "platinum"
    data["companions-0-given_names"] = "Mallory"
    data["companions-0-DELETE"] = "on"
    data["profile-0-city"] = "Gotham"

    response = staff_client.post(url, data)

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.loyalty_tier == "bronze"
    companion.refresh_from_db()
    assert companion.given_names == "Amina"
    assert CustomerProfile.objects.get(customer=customer).city == ""
    assert kinds(customer) == [Kind.SIGNED_UP]


def test_editing_a_profile_logs_the_change(staff_client, customer):
    url = admin_url(CustomerProfile, "change", customer.profile.pk)
    data = unchanged_form_data(staff_client.get(url))
    data["city"] = "Dhaka"

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert CustomerProfile.objects.get(customer=customer).city == "Dhaka"
    latest = customer.activities.first()
    assert (latest.kind, latest.detail) == (Kind.PROFILE_CHANGED, {"fields": ["city"]})


def test_an_invalid_profile_edit_is_refused_and_changes_nothing(staff_client, customer):
    url = admin_url(CustomerProfile, "change", customer.profile.pk)
    data = unchanged_form_data(staff_client.get(url))
    data["passport_number"] = "BX1234567"  # without country and expiry

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "passport_country" in response.context["adminform"].form.errors
    assert CustomerProfile.objects.get(customer=customer).passport_number == ""
    assert kinds(customer) == [Kind.SIGNED_UP]


def test_adding_editing_and_deleting_a_companion_is_logged(staff_client, customer):
    response = staff_client.post(
        admin_url(TravelCompanion, "add"),
        {
            "customer": customer.pk,
            "given_names": "Amina",
            "surname": "Rahman",
            "relationship": "child",
            "date_of_birth": "2015-03-02",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response.url == admin_url(TravelCompanion, "changelist")
    companion = TravelCompanion.objects.get(customer=customer)
    assert (companion.full_name, companion.relationship) == ("Amina Rahman", "child")
    assert companion.date_of_birth == dt.date(2015, 3, 2)
    latest = customer.activities.first()
    assert (latest.kind, latest.detail) == (Kind.COMPANION_ADDED, {"companion_id": companion.pk})

    url = admin_url(TravelCompanion, "change", companion.pk)
    data = unchanged_form_data(staff_client.get(url))
    assert "customer" not in data  # a companion stays with its customer
    data["surname"] = "Khan"
    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    companion.refresh_from_db()
    assert companion.surname == "Khan"
    latest = customer.activities.first()
    assert (latest.kind, latest.detail) == (
        Kind.COMPANION_CHANGED,
        {"companion_id": companion.pk, "fields": ["surname"]},
    )

    response = staff_client.post(
        admin_url(TravelCompanion, "delete", companion.pk), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not TravelCompanion.objects.filter(pk=companion.pk).exists()
    latest = customer.activities.first()
    assert (latest.kind, latest.detail) == (Kind.COMPANION_REMOVED, {"companion_id": companion.pk})
    assert kinds(customer) == [
        Kind.SIGNED_UP,
        Kind.COMPANION_ADDED,
        Kind.COMPANION_CHANGED,
        Kind.COMPANION_REMOVED,
    ]


def test_save_and_continue_after_adding_a_companion_opens_it(staff_client, customer):
    response = staff_client.post(
        admin_url(TravelCompanion, "add"),
        {
            "customer": customer.pk,
            "given_names": "Amina",
            "surname": "Rahman",
            "relationship": "child",
            "date_of_birth": "2015-03-02",
            "_continue": "Save and continue editing",
        },
    )

    companion = TravelCompanion.objects.get(customer=customer)
    assert response.status_code == 302
    assert response.url == admin_url(TravelCompanion, "change", companion.pk)


def test_deleting_companions_in_bulk_logs_each(staff_client, customer):
    first = TravelCompanionFactory(customer=customer)
    second = TravelCompanionFactory(customer=customer)

    response = staff_client.post(
        admin_url(TravelCompanion, "changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not TravelCompanion.objects.filter(customer=customer).exists()
    removed = customer.activities.filter(kind=Kind.COMPANION_REMOVED).order_by("id")
    assert [a.detail for a in removed] == [{"companion_id": first.pk}, {"companion_id": second.pk}]


def test_frequent_flyer_numbers_are_added_and_deleted_through_services(
    staff_client, customer, airline
):
    response = staff_client.post(
        admin_url(FrequentFlyerNumber, "add"),
        {"customer": customer.pk, "airline": airline.pk, "number": "ek 123 456"},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = FrequentFlyerNumber.objects.get(customer=customer)
    assert (entry.number, entry.airline, entry.companion) == ("EK123456", airline, None)
    latest = customer.activities.first()
    assert (latest.kind, latest.detail) == (
        Kind.PROFILE_CHANGED,
        {"fields": ["frequent_flyer_numbers"]},
    )

    change_url = admin_url(FrequentFlyerNumber, "change", entry.pk)
    assert staff_client.post(change_url, {"number": "EK999999"}).status_code == 403
    entry.refresh_from_db()
    assert entry.number == "EK123456"

    response = staff_client.post(
        admin_url(FrequentFlyerNumber, "delete", entry.pk), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not FrequentFlyerNumber.objects.filter(pk=entry.pk).exists()
    assert kinds(customer) == [Kind.SIGNED_UP, Kind.PROFILE_CHANGED, Kind.PROFILE_CHANGED]


def test_a_frequent_flyer_number_for_another_customers_companion_is_refused(
    staff_client, customer, other_customer, airline
):
    companion = TravelCompanionFactory(customer=other_customer)

    response = staff_client.post(
        admin_url(FrequentFlyerNumber, "add"),
        {
            "customer": customer.pk,
            "companion": companion.pk,
            "airline": airline.pk,
            "number": "EK123456",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["companion"] == [
        "This companion belongs to another customer."
    ]
    assert not FrequentFlyerNumber.objects.exists()
    assert kinds(customer) == [Kind.SIGNED_UP]


def test_a_closed_account_is_read_only_and_its_history_names_no_one(staff_client, customer):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from b2c.services.customer import customer_account_delete

    email = customer.user.email
    LogEntry.objects.log_actions(
        user_id=UserFactory(is_staff=True).pk,
        queryset=[customer],
        action_flag=CHANGE,
    )
    customer_account_delete(customer=customer)

    change_url = reverse("admin:b2c_customer_change", args=[customer.pk])
    assert staff_client.post(change_url, {"company_name": "Acme"}).status_code == 403
    assert not LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(customer), object_repr=email
    ).exists()
