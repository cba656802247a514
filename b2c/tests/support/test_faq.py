import pytest

from b2c.models import FAQ
from b2c.selectors.support import faq_by_category, faq_search
from b2c.services.support import FAQNotFound, faq_vote

pytestmark = pytest.mark.django_db


def faq(category="baggage", position=0, published=True, **texts):
    values = {
        f"{part}_{lang}": f"{part} {lang}"
        for part in ("question", "answer")
        for lang in ("en", "ar", "bn", "ur")
    }
    values.update(texts)
    return FAQ.objects.create(
        category=category, position=position, is_published=published, **values
    )


def test_a_bengali_word_finds_the_bengali_entry_only():
    baggage = faq(
        question_bn="আমি কত কেজি ব্যাগ নিতে পারি?",
        answer_bn="ইকোনমি ক্লাসে ৩০ কেজি।",
        question_en="How much baggage (ব্যাগ) may I take?",
    )
    faq(question_en="ব্যাগ in English only", answer_ar="ব্যাগ in Arabic only")

    assert faq_search(query="ব্যাগ", language="bn") == [baggage]
    assert faq_search(query="কেজি", language="bn") == [baggage]
    assert faq_search(query="ব্যাগ", language="ur") == []


def test_question_matches_rank_before_answer_matches_and_words_are_split():
    in_answer = faq(position=0, answer_en="Your refund reaches the card in 7 days.")
    in_question = faq(position=1, question_en="When do I get my refund?")
    both_words = faq(position=2, question_en="Refund to the card")
    faq(position=3, question_en="Refund card", published=False)

    assert faq_search(query="refund  CARD", language="en") == [both_words, in_question, in_answer]
    assert faq_search(query="refund card", language="en", limit=2) == [both_words, in_question]
    assert faq_search(query="   ", language="en") == []


def test_an_unknown_language_searches_english():
    entry = faq(question_en="Baggage allowance")

    assert faq_search(query="baggage", language="fr") == [entry]


def test_faq_by_category_in_a_language():
    second = faq(category="baggage", position=2, question_ar="سؤال ٢")
    first = faq(category="baggage", position=1, question_ar="سؤال ١")
    booking = faq(category="booking")
    faq(category="loyalty", published=False)

    assert faq_by_category(language="ar") == [
        {
            "category": "booking",
            "label": "Booking and changes",
            "entries": [{"id": booking.pk, "question": "question ar", "answer": "answer ar"}],
        },
        {
            "category": "baggage",
            "label": "Baggage and check-in",
            "entries": [
                {"id": first.pk, "question": "سؤال ١", "answer": "answer ar"},
                {"id": second.pk, "question": "سؤال ٢", "answer": "answer ar"},
            ],
        },
    ]


def test_faq_votes_are_counted():
    entry = faq()

    faq_vote(faq_id=entry.pk, helpful=True)
    faq_vote(faq_id=entry.pk, helpful=True)
    faq_vote(faq_id=entry.pk, helpful=False)

    entry.refresh_from_db()
    assert (entry.helpful_yes, entry.helpful_no) == (2, 1)


def test_votes_on_unpublished_or_unknown_entries_are_refused():
    hidden = faq(published=False)

    for faq_id in (hidden.pk, hidden.pk + 100, "x"):
        with pytest.raises(FAQNotFound):
            faq_vote(faq_id=faq_id, helpful=True)

    hidden.refresh_from_db()
    assert (hidden.helpful_yes, hidden.helpful_no) == (0, 0)
