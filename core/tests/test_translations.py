"""Every string of the catalogs is translated, with the same placeholders as the original."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def catalog(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["ar", "bn", "ur"])
def test_every_message_is_translated_and_none_is_fuzzy(language):
    messages = [m for m in catalog(language) if m.id]

    untranslated = [
        m.id for m in messages if not all(m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]

    assert len(messages) > 200
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", ["ar", "bn", "ur"])
def test_placeholders_survive_translation(language):
    problems = [
        (message.id, [str(error) for error in errors])
        for message, errors in catalog(language).check()
        if errors
    ]

    assert problems == []
