import pytest
from allauth.account.models import EmailAddress
from rest_framework.authtoken.models import Token

from core.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def token_for(api_client, email, password=TEST_PASSWORD):
    return api_client.post(TOKEN_URL, {"email": email, "password": password}, format="json")


def test_no_token_for_an_unconfirmed_address_when_verification_is_mandatory(
    api_client, customer, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    EmailAddress.objects.create(user=customer.user, email=customer.user.email, verified=False)

    response = token_for(api_client, customer.user.email)

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "non_field_errors": [
            "Confirm your email address first: follow the link in the email we sent you."
        ]
    }
    assert not Token.objects.exists()

    EmailAddress.objects.filter(user=customer.user).update(verified=True)
    assert token_for(api_client, customer.user.email).status_code == 200


def test_changing_the_password_signs_every_api_client_out(api_client, client, customer):
    key = token_for(api_client, customer.user.email).json()["token"]
    client.force_login(customer.user)

    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "A-new-journey-2027",
            "password2": "A-new-journey-2027",
        },
    )

    assert not Token.objects.filter(key=key).exists()
    assert api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_a_password_reset_signs_every_api_client_out(customer):
    from allauth.account.signals import password_reset

    Token.objects.create(user=customer.user)

    password_reset.send(sender=type(customer.user), request=None, user=customer.user)

    assert not Token.objects.filter(user=customer.user).exists()
