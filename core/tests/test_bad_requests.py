import pytest

from b2c.models import CustomerProfile, TravelCompanion


def test_a_form_that_is_not_utf8_is_refused_and_nothing_is_stored(customer_client, customer):
    response = customer_client.post(
        "/profile/",
        b"section=contact&contact-city=%FF%FEvry",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert "The form data is not valid UTF-8 text." in response.content.decode()
    assert CustomerProfile.objects.get(customer=customer).city == ""


def test_the_api_refuses_a_form_body_that_is_not_utf8(customer_api, customer):
    response = customer_api.post(
        "/api/v1/customer/companions/",
        b"given_names=%FF%FEAli&surname=Khan&date_of_birth=1990-01-01",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "parse_error",
            "message": "The form data is not valid UTF-8 text.",
            "fields": {},
        }
    }
    assert TravelCompanion.objects.count() == 0


@pytest.mark.django_db
def test_unknown_api_urls_answer_in_the_api_error_shape(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "fields": {}}
    }


@pytest.mark.django_db
def test_unknown_pages_answer_with_the_sites_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
