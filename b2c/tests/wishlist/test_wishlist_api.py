"""Wishlists and favourites API: CRUD, items, sharing, 400s with field errors, 404s for
anyone else's."""

import sys
import types
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from b2c.models import Wishlist, WishlistItem
from b2c.services.wishlist import wishlist_create, wishlist_share
from b2c.tests.wishlist.helpers import DEPARTURE, NOW, airports, item_for, snapshot, soon
from core.testing.inventory import airline, flight_with_fare

pytestmark = pytest.mark.django_db

WISHLISTS = reverse("wishlist-api:wishlists")
INFANTS = "Each infant travels on an adult's lap: at most one per adult."


@pytest.fixture(autouse=True)
def _reference(db):
    airports()
    airline("EK")


def url(name, *args):
    return reverse(f"wishlist-api:{name}", args=args)


def test_signing_in_is_needed(api_client):
    assert api_client.get(WISHLISTS).status_code == 401


def test_create_list_rename_delete(customer_api, customer):
    created = customer_api.post(WISHLISTS, {"name": "Summer"}, format="json")
    assert created.status_code == 201
    body = created.json()
    wishlist = Wishlist.objects.get()
    assert body["id"] == wishlist.pk
    assert (body["name"], body["is_shared"], body["share_token"], body["item_count"]) == (
        "Summer", False, None, 0)  # fmt: skip
    assert body["items"] == []

    listed = customer_api.get(WISHLISTS).json()
    assert listed["count"] == 1
    assert [w["name"] for w in listed["results"]] == ["Summer"]

    renamed = customer_api.patch(url("wishlist", wishlist.pk), {"name": "Winter"}, format="json")
    assert (renamed.status_code, renamed.json()["name"]) == (200, "Winter")

    assert customer_api.delete(url("wishlist", wishlist.pk)).status_code == 204
    assert not Wishlist.objects.exists()


def test_a_taken_name_is_a_field_error(customer_api, customer):
    wishlist_create(customer=customer, name="Summer")
    before = snapshot()

    response = customer_api.post(WISHLISTS, {"name": "SUMMER"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "name": ["You already have a wishlist called “SUMMER”. Choose another name."]
    }
    assert snapshot() == before


@freeze_time(NOW)
def test_add_an_item_with_its_price(api_client, customer):
    api_client.force_authenticate(customer.user)
    flight_with_fare("DXB", "LHR", DEPARTURE)
    wishlist = wishlist_create(customer=customer, name="Summer")

    response = api_client.post(
        url("items", wishlist.pk),
        {"origin": "dxb", "destination": "LHR", "departure_date": "2030-03-10", "adults": 2},
        format="json",
    )

    assert response.status_code == 201
    item = WishlistItem.objects.get()
    assert response.json() == {
        "id": item.pk, "origin": "DXB", "destination": "LHR", "departure_date": "2030-03-10",
        "return_date": None, "cabin": "economy", "adults": 2, "children": 0, "infants": 0,
        "saved_price": "1000.00", "currency": "USD", "price_alert": None, "notes": "",
        "created_at": response.json()["created_at"],
    }  # fmt: skip


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"departure_date": "2030-02-28"}, {"departure_date": ["This date is in the past."]}),
        ({"return_date": "2030-03-01"},
         {"return_date": ["The return date must not be before departure."]}),
        ({"origin": "QQQ"}, {"origin": ["No airport has the code “QQQ”."]}),
        ({"destination": "DXB"}, {"destination": ["The destination must differ from the origin."]}),
        ({"infants": 2}, {"infants": [INFANTS]}),
        ({"currency": "XXX"}, {"currency": ["Choose a currency."]}),
        ({"adults": 0}, {"adults": ["Ensure this value is greater than or equal to 1."]}),
    ],
)  # fmt: skip
def test_bad_items_are_field_errors(api_client, customer, body, fields):
    api_client.force_authenticate(customer.user)
    wishlist = wishlist_create(customer=customer, name="Summer")
    before = snapshot()
    data = {"origin": "DXB", "destination": "LHR", "departure_date": "2030-03-10", **body}

    response = api_client.post(url("items", wishlist.pk), data, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == fields
    assert snapshot() == before


def test_remove_and_move_items(customer_api, customer):
    summer = wishlist_create(customer=customer, name="Summer")
    winter = wishlist_create(customer=customer, name="Winter")
    first = item_for(customer, summer)
    second = item_for(customer, summer, departure_date=soon(31))

    moved = customer_api.post(url("item-move", summer.pk, first.pk), {"wishlist": winter.pk},
                              format="json")  # fmt: skip
    assert moved.status_code == 200
    assert WishlistItem.objects.get(pk=first.pk).wishlist_id == winter.pk

    assert customer_api.delete(url("item", summer.pk, second.pk)).status_code == 204
    assert list(WishlistItem.objects.values_list("pk", flat=True)) == [first.pk]


def test_share_read_unshare_and_reset(customer_api, customer, api_client):
    wishlist = wishlist_create(customer=customer, name="Summer")
    item_for(customer, wishlist, saved_price=Decimal("499.5"))

    shared = customer_api.post(url("share", wishlist.pk))
    token = shared.json()["share_token"]
    assert (shared.status_code, shared.json()["is_shared"]) == (200, True)

    public = api_client.__class__()  # no credentials at all
    read = public.get(url("shared", token))
    assert read.status_code == 200
    assert read.json()["name"] == "Summer"
    assert [i["saved_price"] for i in read.json()["items"]] == ["499.50"]

    assert customer_api.delete(url("share", wishlist.pk)).json()["share_token"] is None
    assert public.get(url("shared", token)).status_code == 404

    customer_api.post(url("share", wishlist.pk))
    new_token = customer_api.post(url("share-reset", wishlist.pk)).json()["share_token"]
    assert new_token != token
    assert public.get(url("shared", token)).status_code == 404
    assert public.get(url("shared", new_token)).status_code == 200


def test_target_price_is_validated_then_waits_for_price_alerts(customer_api, customer,
                                                               monkeypatch):  # fmt: skip
    monkeypatch.setitem(sys.modules, "b2c.services.alerts", types.ModuleType("alerts"))
    wishlist = wishlist_create(customer=customer, name="Summer")
    item = item_for(customer, wishlist)
    target = url("item-target", wishlist.pk, item.pk)

    zero = customer_api.post(target, {"target_price": "0"}, format="json")
    assert zero.json()["error"]["fields"] == {
        "target_price": ["The target price must be greater than zero."]
    }
    later = customer_api.post(target, {"target_price": "450.00"}, format="json")
    assert later.status_code == 400
    assert later.json()["error"]["fields"] == {
        "target_price": ["Price alerts are not available yet."]
    }


def test_someone_elses_data_is_not_found(customer_api, customer, other_customer):
    theirs = wishlist_create(customer=other_customer, name="Theirs")
    wishlist_share(customer=other_customer, wishlist_id=theirs.pk)
    item = item_for(other_customer, theirs)
    mine = wishlist_create(customer=customer, name="Mine")
    my_item = item_for(customer, mine)
    before = snapshot()

    calls = [
        ("get", url("wishlist", theirs.pk), None),
        ("patch", url("wishlist", theirs.pk), {"name": "Mine now"}),
        ("delete", url("wishlist", theirs.pk), None),
        ("post", url("share", theirs.pk), None),
        ("delete", url("share", theirs.pk), None),
        ("post", url("share-reset", theirs.pk), None),
        ("post", url("items", theirs.pk), {"origin": "DXB", "destination": "LHR",
                                           "departure_date": str(soon())}),
        ("delete", url("item", theirs.pk, item.pk), None),
        ("delete", url("item", mine.pk, item.pk), None),
        ("post", url("item-move", theirs.pk, item.pk), {"wishlist": mine.pk}),
        ("post", url("item-move", mine.pk, my_item.pk), {"wishlist": theirs.pk}),
        ("post", url("item-target", theirs.pk, item.pk), {"target_price": "10.00"}),
    ]  # fmt: skip
    for method, path, data in calls:
        response = getattr(customer_api, method)(path, data, format="json")
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "not_found"
    assert snapshot() == before


def test_the_list_queries_do_not_grow(customer_api, customer, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = wishlist_create(customer=customer, name="List 0")
    item_for(customer, first)
    with CaptureQueriesContext(connection) as one:
        customer_api.get(WISHLISTS)
    for number in range(1, 15):
        wishlist = wishlist_create(customer=customer, name=f"List {number}")
        item_for(customer, wishlist)
        item_for(customer, wishlist, departure_date=soon(31))

    with django_assert_max_num_queries(len(one)):
        response = customer_api.get(WISHLISTS)
    assert response.json()["count"] == 15

    with CaptureQueriesContext(connection) as detail_one:
        customer_api.get(url("wishlist", first.pk))
    for days in range(32, 42):
        item_for(customer, first, departure_date=soon(days))
    with django_assert_max_num_queries(len(detail_one)):
        assert len(customer_api.get(url("wishlist", first.pk)).json()["items"]) == 11


def test_favourites(customer_api, customer, other_customer):
    added = customer_api.post(url("favourite-destinations"), {"airport": "lhr", "notes": "Tea"},
                              format="json")  # fmt: skip
    assert added.status_code == 201
    assert added.json() == {"id": added.json()["id"], "airport": "LHR", "city": "London",
                            "notes": "Tea", "created_at": added.json()["created_at"]}  # fmt: skip
    destination = added.json()["id"]
    patched = customer_api.patch(url("favourite-destination", destination), {"notes": "Museums"},
                                 format="json")  # fmt: skip
    assert patched.json()["notes"] == "Museums"

    scored = customer_api.post(url("favourite-airlines"), {"airline": "EK", "score": 5},
                               format="json")  # fmt: skip
    assert scored.status_code == 200
    carrier = scored.json()["id"]
    assert scored.json() == {"id": carrier, "airline": "EK", "name": "Emirates", "score": 5}
    rescored = customer_api.patch(url("favourite-airline", carrier), {"score": 2}, format="json")
    assert rescored.json()["score"] == 2
    assert [f["score"] for f in customer_api.get(url("favourite-airlines")).json()] == [2]

    bad = customer_api.post(url("favourite-airlines"), {"airline": "EK", "score": 6},
                            format="json")  # fmt: skip
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["score"]
    unknown = customer_api.post(url("favourite-destinations"), {"airport": "QQQ"}, format="json")
    assert unknown.json()["error"]["fields"] == {"airport": ["No airport has the code “QQQ”."]}

    # Nobody else's favourites can be read, changed or removed.
    customer_api.force_authenticate(other_customer.user)
    assert customer_api.get(url("favourite-destinations")).json() == []
    before = snapshot()
    assert customer_api.delete(url("favourite-destination", destination)).status_code == 404
    assert customer_api.patch(url("favourite-destination", destination), {"notes": "x"},
                              format="json").status_code == 404  # fmt: skip
    assert customer_api.patch(url("favourite-airline", carrier), {"score": 5},
                              format="json").status_code == 404  # fmt: skip
    assert customer_api.delete(url("favourite-airline", carrier)).status_code == 404
    assert snapshot() == before

    customer_api.force_authenticate(customer.user)
    assert customer_api.delete(url("favourite-destination", destination)).status_code == 204
    assert customer_api.delete(url("favourite-airline", carrier)).status_code == 204


def test_the_schema_documents_the_paths(client):
    import json

    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    paths = schema["paths"]
    assert set(paths["/api/v1/wishlists/"]) >= {"get", "post"}
    assert set(paths["/api/v1/wishlists/{wishlist_id}/"]) >= {"get", "patch", "delete"}
    assert set(paths["/api/v1/wishlists/shared/{token}/"]) >= {"get"}
    assert set(paths["/api/v1/favourites/airlines/"]) >= {"get", "post"}


def test_the_schema_of_these_endpoints_has_no_warnings():
    """`spectacular --validate --fail-on-warn` for the wishlist endpoints (the whole schema's
    run is in CI: other areas' warnings are theirs)."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    from b2c.api.wishlist import urlpatterns

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include((urlpatterns, "wishlist-api")))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS
    assert "/api/v1/wishlists/{wishlist_id}/items/{item_id}/move/" in schema["paths"]
