"""Script typed into any text of a review, a report or a response is shown as text."""

from html import escape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from b2c.models import ContentReport, Review
from b2c.services.reports import content_report
from b2c.services.reviews import review_respond
from b2c.tests.review_pages.helpers import GOOD_TEXT, review

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "<iframe src=javascript:alert(1)></iframe>",
    "'><body onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<img src=1 onerror='alert(1)'//",
    "</textarea><script>alert(1)</script>",
    "<details open ontoggle=alert(1)>",
]


class _Elements(HTMLParser):
    """Every element of a page, as the browser would build them."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def assert_escaped(html: str, payloads=()) -> None:
    """In the page's main content (the site's own scripts are in its head): no script, frame
    or SVG element, no event handler attribute, no javascript: link; the payload is text."""
    main = html[html.index('<main id="main"') : html.index("</main>")]
    parser = _Elements()
    parser.feed(main)
    for tag, attrs in parser.elements:
        assert tag not in {"script", "iframe", "svg", "body", "details"}, tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), attrs
    for payload in payloads:
        assert escape(payload) in main or escape(payload)[:40] in main


@pytest.mark.parametrize("payload", PAYLOADS)
def test_review_title_text_and_response(client, nadia, omar, staff, payload):
    written = review(nadia, rating=4, title=f"Fine {payload}"[:120], text=f"{GOOD_TEXT} {payload}")
    if written.status != "published":
        from b2c.services.reviews import review_publish

        review_publish(staff_user=staff, review_id=written.pk)
    review_respond(staff_user=staff, review_id=written.pk, text=f"Thanks {payload}")
    client.force_login(omar.user)

    route = client.get(reverse("b2c:reviews-route", args=["EK", "DXB", "LHR"]))
    report = client.get(reverse("b2c:review-report", args=[written.pk]))
    client.force_login(nadia.user)
    mine = client.get(reverse("b2c:reviews-mine"))
    edit = client.get(reverse("b2c:review-edit", args=[written.pk]))

    assert "Thanks " in route.content.decode()
    for response in (route, report, mine, edit):
        assert response.status_code == 200
        assert_escaped(
            response.content.decode(), [f"Thanks {payload}"] if response is route else []
        )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_write_form_shows_refused_input_as_text(client, nadia, payload):
    client.force_login(nadia.user)

    response = client.post(
        reverse("b2c:review-new"),
        {"trip": "other", "subject_kind": "hotel", "subject_name": payload, "rating": "9",
         "title": payload, "text": payload},
    )  # fmt: skip

    assert response.status_code == 400
    assert_escaped(response.content.decode(), [payload])
    assert Review.objects.count() == 0


@pytest.mark.parametrize("payload", PAYLOADS)
def test_report_note_in_the_admin(client, nadia, omar, staff, payload):
    written = review(nadia, rating=4, title="Fine")
    content_report(customer=omar, reason="other", note=payload, review_id=written.pk)
    client.force_login(staff)

    html = client.get(reverse("admin:b2c_contentreport_changelist")).content.decode()
    detail = client.get(
        reverse("admin:b2c_contentreport_change", args=[ContentReport.objects.get().pk])
    ).content.decode()

    # The admin's pages carry scripts of their own: no element may come from the note.
    for page in (html, detail):
        parser = _Elements()
        parser.feed(page)
        for tag, attrs in parser.elements:
            assert "alert(1)" not in " ".join(f"{k}={v}" for k, v in attrs.items()), (tag, attrs)
            assert tag != "iframe", tag
        assert escape(payload, quote=False) in page or escape(payload) in page
