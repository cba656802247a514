import pytest
from django.core import mail

from b2c.models import NewsletterSubscription
from b2c.tests.newsletter.helpers import State, link_path, snapshot, subscribed, verify
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
FORM = {"email": "reader@example.com", "topics": ["deals", "news"], "language": "en"}


def test_the_sign_up_page_offers_topics_in_a_fieldset_and_the_active_language(client):
    client.cookies["django_language"] = "ar"

    page = client.get("/newsletter/")

    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "<fieldset" in html and "<legend>" in html
    assert html.count('type="checkbox" name="topics"') == 3
    assert '<option value="ar" selected>' in html
    assert 'type="email" name="email"' in html
    assert "style=" not in html and "<script>" not in html


def test_the_footer_links_to_the_newsletter(client):
    assert 'href="/newsletter/"' in client.get("/").content.decode()


def test_a_visitor_signs_up_then_follows_the_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/newsletter/", FORM)

    assert sent.status_code == 200
    assert "reader@example.com" in sent.content.decode()
    assert NewsletterSubscription.objects.get().state == State.PENDING
    assert client.get(link_path(mail.outbox[0], "confirm")).status_code == 200
    assert NewsletterSubscription.objects.get().state == State.ACTIVE


def test_the_answer_is_the_same_for_an_address_already_subscribed(
    client, django_capture_on_commit_callbacks
):
    subscribed("old@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post("/newsletter/", FORM | {"email": "new@example.com"})
        old = client.post("/newsletter/", FORM | {"email": "old@example.com"})

    def text(response, email):
        return response.content.decode().replace(email, "EMAIL")

    assert new.status_code == old.status_code == 200
    assert text(new, "new@example.com") == text(old, "old@example.com")
    assert [m.to for m in mail.outbox] == [["new@example.com"]]


def test_bad_input_shows_field_errors_and_writes_nothing(client):
    response = client.post("/newsletter/", {"email": "nope", "language": "en"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in html
    assert "Choose at least one topic." in html
    assert NewsletterSubscription.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_a_signed_in_customer_with_a_verified_email_is_subscribed_at_once(
    customer_client, customer, django_capture_on_commit_callbacks
):
    email = verify(customer)
    form = customer_client.get("/newsletter/")
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post("/newsletter/", FORM | {"email": email}, follow=True)

    subscription = NewsletterSubscription.objects.get()
    assert f'value="{email}"' in form.content.decode()
    assert response.status_code == 200
    assert (subscription.state, subscription.customer_id) == (State.ACTIVE, customer.pk)
    assert mail.outbox == []
    assert "Save my newsletter settings" in response.content.decode()


def test_a_customer_changes_topics_and_unsubscribes_from_the_page(customer_client, customer):
    subscription = subscribed(verify(customer), topics=["deals"])

    saved = customer_client.post(
        "/newsletter/preferences/", {"topics": ["news"], "language": "bn", "action": "save"}
    )
    refused = customer_client.post(
        "/newsletter/preferences/", {"topics": [], "language": "bn", "action": "save"}
    )
    assert snapshot(subscription)[:3] == (State.ACTIVE, ["news"], "bn")
    left = customer_client.post("/newsletter/preferences/", {"action": "unsubscribe"})

    assert (saved.status_code, refused.status_code, left.status_code) == (302, 400, 302)
    assert "Choose at least one topic." in refused.content.decode()
    assert snapshot(subscription)[0] == State.UNSUBSCRIBED


def test_the_profile_links_to_the_newsletter(customer_client):
    assert 'href="/newsletter/"' in customer_client.get("/profile/").content.decode()
