"""/help/ (the FAQ in the reader's language, its search, "Was this helpful?") and the FAQ
suggestions of the new-ticket form."""

import pytest
from django.conf import settings
from django.urls import reverse

from b2c.models import FAQ

pytestmark = pytest.mark.django_db

HELP = reverse("b2c:help")
SUGGEST = reverse("b2c:ticket-faq-suggest")


def faq(category="baggage", position=0, **texts):
    values = {
        f"{part}_{lang}": f"{part} {lang}"
        for part in ("question", "answer")
        for lang in ("en", "ar", "bn", "ur")
    }
    values.update(texts)
    return FAQ.objects.create(category=category, position=position, **values)


@pytest.fixture
def baggage():
    return faq(
        question_en="How much baggage may I take?",
        answer_en="Economy allows 30 kg.",
        question_bn="আমি কত কেজি ব্যাগ নিতে পারি?",
        answer_bn="ইকোনমি ক্লাসে ৩০ কেজি।",
    )


def test_the_faq_by_category(client, baggage):
    refund = faq(
        category="payment",
        question_en="When do I get my refund?",
        answer_en="Within 7 days.",
    )

    response = client.get(HELP)

    html = response.content.decode()
    assert response.status_code == 200
    assert [group["label"] for group in response.context["groups"]] == [
        "Payments and refunds",
        "Baggage and check-in",
    ]
    assert f'id="faq-{baggage.pk}"' in html and f'id="faq-{refund.pk}"' in html
    assert "How much baggage may I take?" in html and "When do I get my refund?" in html
    assert "<legend>Was this helpful?</legend>" in html


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
def test_a_bengali_search_finds_the_bengali_entry(client, baggage, how):
    faq(question_en="Seats", question_bn="আসন বেছে নেওয়া")
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"
        response = client.get(HELP, {"q": "ব্যাগ"})
    else:
        response = client.get(HELP, {"q": "ব্যাগ"}, HTTP_ACCEPT_LANGUAGE="bn")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="bn"' in html
    assert response.context["results"] == [
        {
            "id": baggage.pk,
            "question": "আমি কত কেজি ব্যাগ নিতে পারি?",
            "answer": "ইকোনমি ক্লাসে ৩০ কেজি।",
        }
    ]
    assert "ব্যাগ" in html and "আমি কত কেজি ব্যাগ নিতে পারি?" in html


def test_a_search_without_results_offers_a_ticket(client, baggage):
    response = client.get(HELP, {"q": "wheelchair"})

    html = response.content.decode()
    assert response.context["results"] == []
    assert "No answers match “wheelchair”." in html
    assert f'href="{reverse("b2c:ticket-new")}?subject=wheelchair"' in html


def test_the_query_is_escaped(client):
    response = client.get(HELP, {"q": "<script>alert(1)</script>"})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def vote(client, entry, helpful="yes", **extra):
    return client.post(reverse("b2c:faq-vote", args=[entry.pk]), {"helpful": helpful}, **extra)


def test_a_vote_counts_once_per_session(client, baggage):
    first = vote(client, baggage)

    assert first.status_code == 302
    assert first["Location"] == f"{HELP}#faq-{baggage.pk}"
    baggage.refresh_from_db()
    assert (baggage.helpful_yes, baggage.helpful_no) == (1, 0)

    second = vote(client, baggage, helpful="no", HTTP_HX_REQUEST="true")

    assert second.status_code == 200
    assert second.content.decode().strip() == (
        '<p class="faq-thanks">Thank you for your feedback.</p>'
    )
    baggage.refresh_from_db()
    assert (baggage.helpful_yes, baggage.helpful_no) == (1, 0)
    page = client.get(HELP).content.decode()
    assert reverse("b2c:faq-vote", args=[baggage.pk]) not in page
    assert "Thank you for your feedback." in page


def test_another_browser_counts_again(client, baggage):
    from django.test import Client

    vote(client, baggage, helpful="no", HTTP_HX_REQUEST="true")
    vote(Client(), baggage, helpful="no", HTTP_HX_REQUEST="true")

    baggage.refresh_from_db()
    assert (baggage.helpful_yes, baggage.helpful_no) == (0, 2)


def test_the_vote_returns_to_the_page_it_was_made_on(client, baggage):
    response = client.post(
        reverse("b2c:faq-vote", args=[baggage.pk]),
        {"helpful": "yes", "next": f"{HELP}?q=baggage"},
    )

    assert response["Location"] == f"{HELP}?q=baggage#faq-{baggage.pk}"


def test_a_vote_goes_nowhere_else(client, baggage):
    response = client.post(
        reverse("b2c:faq-vote", args=[baggage.pk]),
        {"helpful": "yes", "next": "https://evil.example/"},
    )

    assert response["Location"] == f"{HELP}#faq-{baggage.pk}"


def test_bad_votes_are_refused(client, baggage):
    hidden = faq(question_en="Draft")
    FAQ.objects.filter(pk=hidden.pk).update(is_published=False)

    assert vote(client, baggage, helpful="maybe").status_code == 400
    assert vote(client, hidden).status_code == 404
    assert (
        client.post(reverse("b2c:faq-vote", args=[999999]), {"helpful": "yes"}).status_code == 404
    )
    assert client.get(reverse("b2c:faq-vote", args=[baggage.pk])).status_code == 405
    counts = list(FAQ.objects.order_by("id").values_list("helpful_yes", "helpful_no"))
    assert counts == [(0, 0), (0, 0)]


def test_suggestions_match_the_subject(client, baggage):
    faq(question_en="Choosing a seat", answer_en="From the booking page.")

    response = client.get(SUGGEST, {"q": "baggage allowance"})

    html = response.content.decode()
    assert response.status_code == 200
    assert [entry["id"] for entry in response.context["suggestions"]] == [baggage.pk]
    assert '<summary dir="auto">How much baggage may I take?</summary>' in html
    assert "Choosing a seat" not in html


def test_suggestions_read_the_subject_field_as_htmx_sends_it(client, baggage):
    response = client.get(SUGGEST, {"subject": "baggage"}, HTTP_HX_REQUEST="true")

    assert "How much baggage may I take?" in response.content.decode()


def test_suggestions_in_bengali(client, baggage):
    response = client.get(SUGGEST, {"q": "কেজি"}, HTTP_ACCEPT_LANGUAGE="bn")

    assert "আমি কত কেজি ব্যাগ নিতে পারি?" in response.content.decode()


def test_no_subject_no_suggestions(client, baggage):
    response = client.get(SUGGEST, {"q": "  "})

    assert response.content.decode().strip() == ""


def test_the_new_ticket_form_suggests_without_javascript(customer_client, baggage):
    url = reverse("b2c:ticket-new")

    on_get = customer_client.get(url, {"subject": "baggage"}).content.decode()
    assert 'value="baggage"' in on_get
    assert "How much baggage may I take?" in on_get
    assert f'hx-get="{SUGGEST}"' in on_get

    on_button = customer_client.post(
        url, {"action": "suggest", "subject": "my baggage", "body": "Typed so far"}
    )
    html = on_button.content.decode()
    assert on_button.status_code == 200
    assert "How much baggage may I take?" in html
    assert 'value="my baggage"' in html and ">\nTyped so far</textarea>" in html
    assert not on_button.context["form"].is_bound
