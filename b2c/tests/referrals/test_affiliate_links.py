"""A partner's tracking link: the click it records, the cookie it sets, where it lands."""

import hashlib
import hmac
import uuid

import pytest
from django.conf import settings
from django.test import RequestFactory

from b2c.models import AffiliateClick, AffiliatePartner
from b2c.selectors.referrals import AFFILIATE_COOKIE, affiliate_click_token

pytestmark = pytest.mark.django_db
UA = "Mozilla/5.0 (X11; Linux x86_64) " + "x" * 400


@pytest.fixture
def partner():
    return AffiliatePartner.objects.create(
        name="Travel Blog", code="travelblog", commission_rate="0.0300"
    )


@pytest.fixture
def other_partner():
    return AffiliatePartner.objects.create(
        name="Deals Site", code="deals", commission_rate="0.0500"
    )


def go(client, code, to="/flights/?from=DXB", **headers):
    return client.get(f"/go/{code}/", {"to": to} if to is not None else {}, **headers)


def token_in(client) -> str | None:
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return affiliate_click_token(request)


def test_a_click_is_recorded_with_a_hashed_address_and_lands(client, partner):
    response = go(
        client,
        "travelblog",
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT=UA,
        HTTP_REFERER="https://travelblog.example/best-flights",
    )

    assert response.status_code == 302
    assert response.url == "/flights/?from=DXB"
    click = AffiliateClick.objects.get()
    assert click.partner == partner
    assert click.landing_page == "/flights/?from=DXB"
    expected = hmac.new(settings.SECRET_KEY.encode(), b"203.0.113.7", hashlib.sha256).hexdigest()
    assert click.ip_hash == expected
    assert "203.0.113.7" not in click.ip_hash
    assert click.user_agent == UA[:300]
    assert click.referrer == "https://travelblog.example/best-flights"
    assert token_in(client) == str(click.token)


def test_the_attribution_cookie_is_signed_http_only_lax_and_lasts_30_days(client, partner):
    response = go(client, "travelblog")

    cookie = response.cookies[AFFILIATE_COOKIE]
    click = AffiliateClick.objects.get()
    assert cookie.value != str(click.token)  # signed, not the bare token
    assert cookie.value.startswith(str(click.token) + ":")
    assert cookie["max-age"] == 30 * 24 * 60 * 60
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True  # tests run with DEBUG off, as production does


def test_the_cookie_is_not_secure_in_development(client, partner, settings):
    settings.DEBUG = True  # plain http on a developer's machine

    assert go(client, "travelblog").cookies[AFFILIATE_COOKIE]["secure"] == ""


def test_the_last_click_wins(client, partner, other_partner):
    go(client, "travelblog")
    go(client, "deals")

    first, last = AffiliateClick.objects.order_by("id")
    assert (first.partner, last.partner) == (partner, other_partner)
    assert token_in(client) == str(last.token)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example/path",
        "/\\evil.example",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "flights/",
        "/" + "a" * 600,
    ],
)
def test_a_landing_page_off_the_site_is_refused(client, partner, target):
    response = go(client, "travelblog", to=target)

    assert response.status_code == 302
    assert response.url == "/"
    assert AffiliateClick.objects.get().landing_page == "/"


def test_no_landing_page_goes_home(client, partner):
    assert go(client, "travelblog", to=None).url == "/"


@pytest.mark.parametrize("code", ["nosuchpartner", "inactive"])
def test_an_unknown_or_inactive_partner_records_nothing(client, partner, code):
    AffiliatePartner.objects.create(
        name="Gone", code="inactive", commission_rate="0.0300", is_active=False
    )

    response = go(client, code, to="/flights/")

    assert response.status_code == 302
    assert response.url == "/"
    assert AffiliateClick.objects.count() == 0
    assert AFFILIATE_COOKIE not in response.cookies


def test_a_tampered_cookie_gives_no_token(client, partner):
    go(client, "travelblog")
    value = client.cookies[AFFILIATE_COOKIE].value
    _, signature = value.split(":", 1)
    forged = str(uuid.uuid4())  # another click's token under the first one's signature
    client.cookies[AFFILIATE_COOKIE] = f"{forged}:{signature}"

    assert token_in(client) is None
