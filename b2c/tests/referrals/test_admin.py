"""Staff edit programmes and partners; referrals, clicks and commissions are read-only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from b2c.models import AffiliatePartner, CustomerReferral, ReferralProgram
from b2c.services.referrals import affiliate_click_record, referral_record_signup
from b2c.tests.referrals.helpers import wallet_program
from core.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(customer):
    program = wallet_program()
    referral = referral_record_signup(referee=CustomerFactory(), code=customer.referral_code)
    partner = AffiliatePartner.objects.create(
        name="Travel Blog", code="blog", commission_rate=Decimal("0.0300")
    )
    click = affiliate_click_record(partner_code="blog", landing_page="/", ip="192.0.2.1")
    return {"program": program, "referral": referral, "partner": partner, "click": click}


@pytest.mark.parametrize(
    "model",
    ["referralprogram", "customerreferral", "affiliatepartner", "affiliateclick",
     "affiliatecommission"],
)  # fmt: skip
def test_every_model_is_listed(admin_client, data, model):
    response = admin_client.get(reverse(f"admin:b2c_{model}_changelist"))

    assert response.status_code == 200


def test_referrals_filter_by_status_and_cannot_be_edited(admin_client, data):
    referral = data["referral"]
    changelist = reverse("admin:b2c_customerreferral_changelist")
    rejected = admin_client.get(changelist, {"status__exact": "rejected"})
    signed_up = admin_client.get(changelist, {"status__exact": "signed_up"})
    add = admin_client.get(reverse("admin:b2c_customerreferral_add"))
    edit = admin_client.post(
        reverse("admin:b2c_customerreferral_change", args=[referral.pk]), {"status": "rewarded"}
    )
    delete = admin_client.post(
        reverse("admin:b2c_customerreferral_delete", args=[referral.pk]), {"post": "yes"}
    )

    assert rejected.context["cl"].result_count == 0
    assert signed_up.context["cl"].result_count == 1
    assert (add.status_code, edit.status_code, delete.status_code) == (403, 403, 403)
    assert CustomerReferral.objects.get().status == CustomerReferral.Status.SIGNED_UP


def test_clicks_and_commissions_cannot_be_added(admin_client, data):
    assert admin_client.get(reverse("admin:b2c_affiliateclick_add")).status_code == 403
    assert admin_client.get(reverse("admin:b2c_affiliatecommission_add")).status_code == 403


def test_the_partner_page_links_to_its_statement(admin_client, data):
    partner = data["partner"]
    page = admin_client.get(reverse("admin:b2c_affiliatepartner_change", args=[partner.pk]))

    html = page.content.decode()
    assert reverse("admin:b2c_affiliatepartner_statement", args=[partner.pk]) in html
    assert "/go/blog/?to=/" in html


def program_form(**fields):
    values = {
        "name": "Spring",
        "reward_kind": "wallet_credit",
        "referrer_amount": "15.00",
        "referee_amount": "5.00",
        "currency": "USD",
        "referrer_points": "0",
        "referee_points": "0",
        "max_rewards_per_referrer": "5",
    }
    values.update(fields)
    return values


def test_staff_add_a_programme(admin_client):
    response = admin_client.post(reverse("admin:b2c_referralprogram_add"), program_form())

    assert response.status_code == 302
    program = ReferralProgram.objects.get()
    assert (program.referrer_amount, program.referee_amount, program.currency) == (
        Decimal("15.000"),
        Decimal("5.000"),
        "USD",
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"referrer_amount": "15.005"}, "referrer_amount"),
        ({"currency": "JPY", "referee_amount": "5.5"}, "referee_amount"),
        ({"referee_amount": "0"}, "referee_amount"),
        ({"currency": ""}, "currency"),
        ({"reward_kind": "points"}, "referrer_points"),
    ],
)
def test_a_programme_that_could_not_be_paid_is_refused(admin_client, fields, field):
    response = admin_client.post(reverse("admin:b2c_referralprogram_add"), program_form(**fields))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert ReferralProgram.objects.count() == 0
