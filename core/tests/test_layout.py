import re
from pathlib import Path

import pytest
from django.conf import settings


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("ar", "rtl"), ("bn", "ltr"), ("ur", "rtl")]
)
def test_pages_declare_language_and_direction(client, language, direction):
    client.cookies["django_language"] = language

    html = client.get("/").content.decode()

    assert f'<html lang="{language}" dir="{direction}">' in html


@pytest.mark.django_db
def test_the_language_switch_sets_the_cookie_and_the_customers_preference(
    customer_client, customer
):
    response = customer_client.post("/language/", {"language": "ur", "next": "/profile/"})

    assert response.status_code == 302
    assert response.url == "/profile/"
    assert response.cookies["django_language"].value == "ur"
    customer.refresh_from_db()
    assert customer.preferred_language == "ur"
    assert '<html lang="ur" dir="rtl">' in customer_client.get("/profile/").content.decode()


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(customer_client, customer):
    customer_client.post("/language/", {"language": "xx", "next": "/"})

    customer.refresh_from_db()
    assert customer.preferred_language == "en"


@pytest.mark.django_db
def test_signing_in_restores_the_customers_language(client, customer):
    from core.testing.factories import TEST_PASSWORD

    customer.preferred_language = "bn"
    customer.save()

    response = client.post(
        "/accounts/login/", {"login": customer.user.email, "password": TEST_PASSWORD}
    )

    assert response.cookies["django_language"].value == "bn"
    assert '<html lang="bn" dir="ltr">' in client.get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_pages_load_no_asset_from_another_host(client):
    html = client.get("/accounts/login/").content.decode()

    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    assert "/static/vendor/htmx/htmx.min.js" in html


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "bangladesh", "passport_label"),
    [
        ("bn", "বাংলাদেশ", "পাসপোর্ট নম্বর"),
        ("ur", "بنگلہ دیش", "پاسپورٹ نمبر"),
        ("ar", "بنجلاديش", "رقم جواز السفر"),
    ],
)
def test_profile_is_translated_down_to_country_names(
    customer_client, language, bangladesh, passport_label
):
    customer_client.cookies["django_language"] = language

    html = customer_client.get("/profile/").content.decode()

    assert f'<option value="BD">{bangladesh}</option>' in html
    assert passport_label in html


def test_every_font_the_stylesheet_names_ships_with_the_project():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/safar.css")).read_text()
    fonts = re.findall(r'url\("\.\./(vendor/fonts/[^"]+)"\)', css)

    assert len(fonts) == 3
    assert [font for font in fonts if finders.find(font) is None] == []


def test_a_visitor_switches_language_with_a_link_that_sets_only_a_cookie(client):
    response = client.get("/language/", {"language": "bn", "next": "/search/"})

    assert response.status_code == 302
    assert response.url == "/search/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bn"
    assert 'lang="bn"' in client.get("/search/").content.decode()


def test_a_link_cannot_change_a_customers_saved_language(customer_client, customer):
    response = customer_client.get(
        "/language/", {"language": "ur", "next": "https://evil.example/"}
    )

    assert response.url == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    customer.refresh_from_db()
    assert customer.preferred_language == "en"
