"""Script in every text field of a story (title, body, photo caption, comment, reply) is shown
as text or removed, on every page it appears on and in the preview card."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from b2c.services.social import comment_add, markdown_render
from b2c.tests.social.helpers import jpeg, story, unsafe_markup

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(document.cookie)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&#x3A;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "![x](javascript:alert(1))",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<style>body{display:none}</style>",
    '<a href="javascript:alert(1)">click</a>',
    '<div onmouseover="alert(1)">hover</div>',
    "[x](javascript&colon;alert(1))",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[a](<javascript:alert(1)>)",
    "[ref]\n\n[ref]: javascript:alert(1)",
]


def test_at_least_ten_payloads_and_the_check_catches_them():
    assert len(PAYLOADS) >= 10
    assert unsafe_markup("<img src=x onerror=alert(1)>") == [
        "<img {'src': 'x', 'onerror': 'alert(1)'}>", "<img onerror=alert(1)>",
    ]  # fmt: skip
    assert unsafe_markup('<a href="&#106;avascript:alert(1)">x</a>') == [
        "<a href=javascript:alert(1)>"
    ]
    assert unsafe_markup("<p>&lt;script&gt;</p>") == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_render_leaves_no_script(payload):
    html = markdown_render(payload)
    assert unsafe_markup(html) == []
    assert "<script" not in html.lower()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_field_safe_on_every_page(
    client, settings, tmp_path, customer, other_customer, payload
):
    settings.MEDIA_ROOT = tmp_path / "media"
    title = f"T {payload}"[:150]
    made = story(customer, title=title, body=payload, photos=[jpeg()], captions=[payload[:200]])
    top = comment_add(customer=other_customer, story_id=made.pk, text=payload)
    comment_add(customer=customer, story_id=made.pk, text=payload, parent_id=top.pk)

    pages = {}
    for who in (None, customer, other_customer):
        if who is None:
            client.logout()
        else:
            client.force_login(who.user)
        for name, url in (
            ("story", reverse("b2c:story", args=[made.slug])),
            ("feed", reverse("b2c:stories")),
            ("author", reverse("b2c:stories-author", args=[customer.referral_code])),
        ):
            answer = client.get(url)
            assert answer.status_code == 200
            pages[(who, name)] = answer.content.decode()
    client.force_login(customer.user)
    pages["edit"] = client.get(reverse("b2c:story-edit", args=[made.slug])).content.decode()

    for key, html in pages.items():
        assert unsafe_markup(html, allowed_tags={"img", "form"}) == [], key
        # Only the site's own htmx script tag.
        assert html.count("<script") == 1, key
        assert escape(title) in html, key
    story_page = pages[(None, "story")]
    assert f'<meta property="og:title" content="{escape(title)}">' in story_page
    assert f'<h1 dir="auto">{escape(title)}</h1>' in story_page
    if "\n" not in payload:
        # Comments are plain text: shown as typed, escaped.
        assert f'<p class="story-comment-text" dir="auto">{escape(payload)}</p>' in story_page
        assert f'<figcaption dir="auto">{escape(payload[:200])}</figcaption>' in story_page
