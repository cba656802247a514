"""Shared pieces of the travel story tests: real images, a story made by the service, rows."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from b2c.models import StoryComment, StoryLike, TravelPhoto, TravelStory


def jpeg(name: str = "beach.jpg", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def fake_image(name: str = "evil.jpg") -> SimpleUploadedFile:
    """Text whose extension lies."""
    return SimpleUploadedFile(name, b"<svg onload=alert(1)></svg>", content_type="image/jpeg")


def story(customer, **overrides) -> TravelStory:
    from b2c.services.social import story_create

    values = {"title": "Three days in Dubai", "body": "We *loved* the souks.",
              "visibility": TravelStory.Visibility.PUBLIC}  # fmt: skip
    values.update(overrides)
    return story_create(customer=customer, **values)


def snapshot() -> tuple:
    """Every story row, to compare before and after a refusal."""
    return (
        list(TravelStory.objects.order_by("id").values()),
        list(TravelPhoto.objects.order_by("id").values()),
        list(StoryLike.objects.order_by("id").values()),
        list(StoryComment.objects.order_by("id").values()),
    )


def files_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def no_files(root) -> bool:
    return not Path(root).exists() or files_under(root) == []


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


DANGEROUS_TAGS = {"script", "iframe", "style", "svg", "object", "embed", "img", "form", "math"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "content", "srcset"}
DANGEROUS_SCHEME = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)


def unsafe_markup(page: str, *, allowed_tags=()) -> list[str]:
    """What in a page could run script: tags that can, event-handler attributes, and
    javascript:/data: addresses (entities decoded, as a browser does). The site's own htmx
    script, and the tags passed in `allowed_tags`, are not counted."""
    parser = _Tags()
    parser.feed(page)
    problems = []
    for tag, attrs in parser.tags:
        values = dict(attrs)
        if tag == "script" and (values.get("src") or "").endswith("htmx.min.js"):
            continue
        if tag in DANGEROUS_TAGS and tag not in allowed_tags:
            problems.append(f"<{tag} {values}>")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}={value}>")
            if name in URL_ATTRIBUTES and value and DANGEROUS_SCHEME.match(value):
                problems.append(f"<{tag} {name}={value}>")
    return problems
