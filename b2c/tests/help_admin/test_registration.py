"""Every trips and help-desk model has its page in the admin; those written by services are
read only there (the FAQ is written by staff)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from b2c.models import (
    FAQ,
    SupportTicket,
    TicketAttachment,
    TicketMessage,
    Trip,
    TripActivity,
    TripDay,
    TripMember,
)
from b2c.services.support import ticket_open
from b2c.services.trips import activity_create, member_invite, trip_create
from b2c.tests.support.conftest import png_upload
from b2c.tests.trips.helpers import days_ahead, snapshot
from core.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SERVICE_WRITTEN = [Trip, TripDay, TripMember, TripActivity, SupportTicket, TicketMessage,
                   TicketAttachment]  # fmt: skip


def test_every_model_of_trips_and_the_help_desk_is_in_the_admin(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user

    registered = {model for model in [*SERVICE_WRITTEN, FAQ] if model in admin.site._registry}
    read_only = [
        (model.__name__, model_admin.has_add_permission(request),
         model_admin.has_change_permission(request), model_admin.has_delete_permission(request))
        for model in SERVICE_WRITTEN
        for model_admin in [admin.site._registry[model]]
    ]  # fmt: skip

    assert registered == {*SERVICE_WRITTEN, FAQ}
    assert read_only == [(model.__name__, False, False, False) for model in SERVICE_WRITTEN]


@pytest.fixture
def planned(customer):
    friend = CustomerFactory()
    trip = trip_create(
        customer=customer, name="Istanbul in spring", start_date=days_ahead(10),
        end_date=days_ahead(12), currency="USD",
    )  # fmt: skip
    activity_create(
        customer=customer, trip_id=trip.pk, day_date=days_ahead(10), title="Hagia Sophia"
    )
    member_invite(customer=customer, trip_id=trip.pk, email=friend.user.email, role="viewer")
    ticket_open(
        customer=customer, subject="Visa letter", category="other", body="Can you help?",
        attachments=[png_upload()],
    )  # fmt: skip
    return trip


@pytest.mark.parametrize(
    "model", [TripDay, TripMember, TripActivity, TicketMessage, TicketAttachment]
)
def test_their_lists_and_pages_open_and_change_nothing(admin_client, planned, model):
    row = model.objects.order_by("id").first()
    before = (snapshot(), list(model.objects.values()))
    opts = model._meta

    listing = admin_client.get(reverse(f"admin:b2c_{opts.model_name}_changelist"))
    page = admin_client.get(reverse(f"admin:b2c_{opts.model_name}_change", args=[row.pk]))
    edit = admin_client.post(reverse(f"admin:b2c_{opts.model_name}_change", args=[row.pk]), {})
    delete = admin_client.post(
        reverse(f"admin:b2c_{opts.model_name}_delete", args=[row.pk]), {"post": "yes"}
    )

    assert (listing.status_code, page.status_code) == (200, 200)
    assert (edit.status_code, delete.status_code) == (403, 403)
    assert listing.context["cl"].result_count == model.objects.count()
    assert (snapshot(), list(model.objects.values())) == before


def test_a_trip_day_lists_under_its_trip(admin_client, planned):
    listing = admin_client.get(reverse("admin:b2c_tripday_changelist"))

    assert [str(day.trip) for day in listing.context["cl"].result_list] == [
        "Istanbul in spring"
    ] * 3
    assert [day.date for day in listing.context["cl"].result_list] == [
        days_ahead(10), days_ahead(11), days_ahead(12)
    ]  # fmt: skip
