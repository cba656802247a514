"""/api/schema/ is a valid OpenAPI 3 document; /api/docs/ loads only local assets."""

import json
import re
from urllib.parse import urlsplit

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/"
DOCS_URL = "/api/docs/"
JSON_TYPE = "application/vnd.oai.openapi+json"

CUSTOMER_PATHS = {
    "/api/v1/me/": {"get", "patch"},
    "/api/v1/customer/": {"get", "patch"},
    "/api/v1/customer/profile/": {"get", "patch"},
    "/api/v1/customer/companions/": {"get", "post"},
    "/api/v1/customer/companions/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/customer/frequent-flyer-numbers/": {"get", "post"},
    "/api/v1/customer/frequent-flyer-numbers/{id}/": {"get", "delete"},
    "/api/v1/customer/export/": {"post"},
    "/api/v1/auth/token/": {"post", "delete"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def schema(client) -> dict:
    response = client.get(SCHEMA_URL, {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_yaml_by_default(client, schema):
    response = client.get(SCHEMA_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content) == schema


@pytest.mark.parametrize(
    ("query", "headers"),
    [({"format": "json"}, {}), ({}, {"HTTP_ACCEPT": JSON_TYPE})],
    ids=["format-query", "accept-header"],
)
def test_schema_is_served_as_json_on_request(client, query, headers):
    response = client.get(SCHEMA_URL, query, **headers)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(JSON_TYPE)
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_schema_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.0")
    assert schema["info"]["title"] == "Safar API"
    assert schema["info"]["version"] == "1.0.0"
    # drf-spectacular's bundled OpenAPI 3.0 JSON schema, checked with jsonschema; raises if invalid.
    validate_schema(schema)
    try:
        from openapi_spec_validator import validate
    except ImportError:
        return
    validate(schema)  # pragma: no cover - only where openapi-spec-validator is installed


def test_spectacular_command_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    document = yaml.safe_load(target.read_text())
    assert document["openapi"].startswith("3.")
    assert set(CUSTOMER_PATHS) <= set(document["paths"])


def test_schema_lists_the_customer_paths_and_methods(schema):
    paths = schema["paths"]

    for path, methods in CUSTOMER_PATHS.items():
        assert path in paths, path
        assert set(paths[path]) & HTTP_METHODS == methods, path


def test_schema_declares_session_and_token_authentication(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["cookieAuth"] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    assert schemes["tokenAuth"]["type"] == "apiKey"
    assert schemes["tokenAuth"]["in"] == "header"
    assert schemes["tokenAuth"]["name"] == "Authorization"
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert {"cookieAuth": []} in me["security"]
    assert {"tokenAuth": []} in me["security"]


def test_every_operation_id_is_unique(schema):
    ids = [
        operation["operationId"]
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]

    assert len(ids) == len(set(ids))


def test_schema_endpoint_needs_no_sign_in(client):
    assert client.get(SCHEMA_URL).status_code == 200


# /api/docs/ ------------------------------------------------------------------------------------


def asset_urls(html: str) -> list[str]:
    return re.findall(
        r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']*)["']""", html
    )


def test_docs_page_answers_200(client):
    response = client.get(DOCS_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "<title>Safar API</title>" in response.content.decode()


def test_docs_page_references_only_local_assets(client):
    html = client.get(DOCS_URL).content.decode()
    urls = asset_urls(html)

    assert len(urls) >= 4  # favicon, stylesheet, two bundles, the init script
    assert not re.search(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", html)
    for url in urls:
        assert not urlsplit(url).scheme and not urlsplit(url).netloc, url
        assert url.startswith("/"), url


def test_docs_static_assets_exist_locally(client):
    html = client.get(DOCS_URL).content.decode()
    static = [url for url in asset_urls(html) if url.startswith("/static/")]

    assert {url.rsplit("/", 1)[-1] for url in static} >= {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
    }
    for url in static:
        assert finders.find(url.removeprefix("/static/")), url


def test_docs_init_script_is_local_and_points_at_the_schema(client):
    html = client.get(DOCS_URL).content.decode()
    scripts = [url for url in asset_urls(html) if url.startswith(DOCS_URL)]
    assert len(scripts) == 1

    response = client.get(scripts[0])

    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    body = response.content.decode()
    assert SCHEMA_URL in body
    assert "http://" not in body
    assert "https://" not in body
