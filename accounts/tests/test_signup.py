import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from b2c.models import Customer, CustomerActivity

User = get_user_model()
STRONG = "Travel-safely-2026!"


def signup(client, email, password1=STRONG, password2=None):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password1, "password2": password2 or password1},
    )


@pytest.mark.django_db
def test_signup_creates_customer_with_profile_and_lands_on_dashboard(client):
    response = signup(client, "Amina@Example.com")

    assert response.status_code == 302
    assert response.url == reverse("b2c:dashboard")
    user = User.objects.get()
    assert user.email == "amina@example.com"
    customer = Customer.objects.get(user=user)
    assert customer.loyalty_tier == "bronze"
    assert customer.customer_type == "individual"
    assert customer.preferred_currency == "USD"
    assert customer.profile.passport_number == ""
    assert list(customer.activities.values_list("kind", flat=True)) == [
        CustomerActivity.Kind.LOGGED_IN,
        CustomerActivity.Kind.SIGNED_UP,
    ]
    assert client.get(reverse("b2c:dashboard")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "password1", "password2", "field"),
    [
        ("not-an-email", STRONG, STRONG, "email"),
        ("weak@example.com", "12345678", "12345678", "password1"),
        ("common@example.com", "password123", "password123", "password1"),
        ("mismatch@example.com", STRONG, STRONG + "x", "password2"),
    ],
)
def test_signup_refuses_bad_input_with_a_field_error(client, email, password1, password2, field):
    response = signup(client, email, password1, password2)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert User.objects.count() == 0
    assert Customer.objects.count() == 0


@pytest.mark.django_db
def test_signup_with_a_taken_email_changes_nothing(client, customer):
    before = User.objects.values_list("pk", "email", "password").get()

    response = signup(client, customer.user.email.upper())

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "A user is already registered with this email address."
    ]
    assert User.objects.values_list("pk", "email", "password").get() == before
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_signup_with_a_taken_email_reveals_nothing_when_verification_is_mandatory(
    client, customer, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    before = User.objects.values_list("pk", "email", "password").get()

    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, customer.user.email)

    # Looks like any sign-up; the owner of the address is told by email instead.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.values_list("pk", "email", "password").get() == before
    assert [m.to for m in mail.outbox] == [[customer.user.email]]


@pytest.mark.django_db
def test_email_verification_is_mandatory_when_configured(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, "verify@example.com")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("b2c:dashboard")).status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["verify@example.com"]
    assert message.subject.startswith("[Safar] ")
    # Sign-in is refused until the address is confirmed.
    response = client.post(
        reverse("account_login"), {"login": "verify@example.com", "password": STRONG}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not EmailAddress.objects.get(email="verify@example.com").verified


@pytest.mark.django_db
def test_signing_up_in_arabic_makes_arabic_the_customers_language(client):
    client.cookies["django_language"] = "ar"

    signup(client, "amal@example.com")

    assert Customer.objects.get(user__email="amal@example.com").preferred_language == "ar"
