import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from b2c.models import ReviewVote
from b2c.services.reviews import review_create, review_respond, review_vote_toggle
from b2c.tests.review_pages.helpers import GOOD_TEXT, png, review, verified_review
from core.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ROUTE = reverse("b2c:reviews-route", args=["EK", "DXB", "LHR"])
AIRLINE = reverse("b2c:reviews-airline", args=["EK"])


def titles(response) -> list[str]:
    return [r.title for r in response.context["reviews"]]


@pytest.fixture
def two_reviews(nadia, staff):
    good = verified_review(nadia, rating=5, title="Best crew", comfort=4, service=5)
    review_respond(staff_user=staff, review_id=good.pk, text="Thank you for flying with us.")
    fair = review(rating=4, title="Fine but late", punctuality=2)
    return good, fair


def test_route_page_shows_the_summary_and_the_reviews(client, two_reviews):
    response = client.get(ROUTE)

    assert response.status_code == 200
    assert response.context["summary"] == {
        "average": "4.5",
        "count": 2,
        "rows": [
            {"stars": 5, "count": 1, "percent": 50, "percent_text": "50%"},
            {"stars": 4, "count": 1, "percent": 50, "percent_text": "50%"},
            {"stars": 3, "count": 0, "percent": 0, "percent_text": "0%"},
            {"stars": 2, "count": 0, "percent": 0, "percent_text": "0%"},
            {"stars": 1, "count": 0, "percent": 0, "percent_text": "0%"},
        ],
    }
    html = response.content.decode()
    assert '<span class="review-average-number">4.5</span>' in html
    assert "2 reviews" in html
    assert '<td class="number review-count">1</td>' in html
    assert titles(response) == ["Fine but late", "Best crew"]
    assert html.count("Verified purchase") == 1
    assert "Nadia K." in html
    assert "5 out of 5" in html and "4 out of 5" in html
    assert "<dt>Comfort</dt>" in html and "<dt>Punctuality</dt>" in html
    assert "Thank you for flying with us." in html
    assert "Travelled May 1, 2026" in html


def test_airline_page_counts_every_route(client, two_reviews):
    review(rating=1, title="Lost my bag", destination="SHJ", origin="DXB")
    review(rating=5, title="Other airline", code="BA")

    response = client.get(AIRLINE)

    assert response.status_code == 200
    assert response.context["heading"] == "Reviews of Emirates"
    assert response.context["summary"]["average"] == "3.3"
    assert response.context["summary"]["count"] == 3
    assert titles(response) == ["Lost my bag", "Fine but late", "Best crew"]


def test_average_is_formatted_for_the_language(client, two_reviews):
    response = client.get(ROUTE, HTTP_ACCEPT_LANGUAGE="ar")

    assert 'lang="ar" dir="rtl"' in response.content.decode()
    assert response.context["summary"]["average"] == "4.5"


def test_unknown_airline_or_airport_is_404(client, db):
    assert client.get(reverse("b2c:reviews-airline", args=["ZZ"])).status_code == 404
    assert client.get(reverse("b2c:reviews-route", args=["EK", "DXB", "XXX"])).status_code == 404


def test_an_empty_page_says_so(client, two_reviews):
    response = client.get(reverse("b2c:reviews-route", args=["BA", "DXB", "LHR"]))

    assert response.context["summary"] is None
    assert "No reviews yet." in response.content.decode()


@pytest.fixture
def three(db, nadia, omar):
    low = review(rating=1, title="One star")
    top = review(rating=5, title="Five stars")
    mid = review(rating=3, title="Three stars")
    review_vote_toggle(customer=nadia, review_id=low.pk)
    review_vote_toggle(customer=omar, review_id=low.pk)
    review_vote_toggle(customer=nadia, review_id=mid.pk)
    return low, top, mid


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Three stars", "Five stars", "One star"]),
        ("helpful", ["One star", "Three stars", "Five stars"]),
        ("highest", ["Five stars", "Three stars", "One star"]),
        ("lowest", ["One star", "Three stars", "Five stars"]),
        ("nonsense", ["Three stars", "Five stars", "One star"]),
    ],
)
def test_sorting(client, three, sort, expected):
    response = client.get(ROUTE, {"sort": sort})

    assert titles(response) == expected
    current = "newest" if sort == "nonsense" else sort
    assert response.context["sort"] == current
    assert f'href="?sort={current}" aria-current="true"' in response.content.decode()


def test_filter_by_rating(client, three):
    response = client.get(ROUTE, {"rating": "3", "sort": "highest"})

    assert titles(response) == ["Three stars"]
    html = response.content.decode()
    assert 'href="?rating=3&amp;sort=highest" aria-current="true">3 stars</a>' in html
    assert f'<a href="{ROUTE}?sort=highest">All ratings</a>' in html
    # The summary stays the subject's, whatever the filter.
    assert response.context["summary"]["count"] == 3


def test_a_rating_with_no_reviews_says_so(client, three):
    response = client.get(ROUTE, {"rating": "2"})

    assert titles(response) == []
    assert "No reviews with this rating." in response.content.decode()


def test_pages_of_ten(client, db):
    for n in range(12):
        review(rating=4, title=f"Review {n}")

    first = client.get(ROUTE)
    second = client.get(ROUTE, {"page": 2})

    assert len(first.context["reviews"]) == 10
    assert titles(second) == ["Review 1", "Review 0"]
    assert 'aria-label="Pages of reviews"' in first.content.decode()


def test_visitor_sees_a_sign_in_link_not_the_button(client, two_reviews):
    html = client.get(ROUTE).content.decode()

    assert "review-helpful" not in html
    assert html.count("Sign in to vote or report") == 2
    assert f'href="{reverse("account_login")}?next={ROUTE}"' in html


def test_own_review_has_no_helpful_button_nor_report_link(client, nadia, two_reviews):
    good, fair = two_reviews
    client.force_login(nadia.user)

    html = client.get(ROUTE).content.decode()

    assert html.count('class="review-helpful') == 1
    assert reverse("b2c:review-helpful", args=[fair.pk]) in html
    assert reverse("b2c:review-helpful", args=[good.pk]) not in html
    assert reverse("b2c:review-report", args=[good.pk]) not in html
    assert "0 people found this helpful" in html


def test_helpful_toggle_with_htmx(client, omar, two_reviews):
    good, _fair = two_reviews
    client.force_login(omar.user)
    url = reverse("b2c:review-helpful", args=[good.pk])

    voted = client.post(url, HTTP_HX_REQUEST="true")
    page = client.get(ROUTE).content.decode()
    unvoted = client.post(url, HTTP_HX_REQUEST="true")

    assert voted.status_code == 200
    assert 'aria-pressed="true"' in voted.content.decode()
    assert '<span class="helpful-count">(1)</span>' in voted.content.decode()
    assert (
        f'aria-pressed="true" aria-describedby="review-{good.pk}-title">Helpful '
        '<span class="helpful-count">(1)</span>'
    ) in page
    assert 'aria-pressed="false"' in unvoted.content.decode()
    assert '<span class="helpful-count">(0)</span>' in unvoted.content.decode()
    good.refresh_from_db()
    assert (good.helpful_count, ReviewVote.objects.count()) == (0, 0)


def test_helpful_without_javascript_goes_back(client, omar, two_reviews):
    good, _fair = two_reviews
    client.force_login(omar.user)

    response = client.post(reverse("b2c:review-helpful", args=[good.pk]), {"next": ROUTE})

    assert response.status_code == 302
    assert response.url == ROUTE
    good.refresh_from_db()
    assert good.helpful_count == 1


def test_voting_on_ones_own_review_is_refused(client, nadia, two_reviews):
    good, _fair = two_reviews
    client.force_login(nadia.user)

    response = client.post(reverse("b2c:review-helpful", args=[good.pk]), HTTP_HX_REQUEST="true")

    assert "You cannot vote on your own review." in response.content.decode()
    good.refresh_from_db()
    assert (good.helpful_count, ReviewVote.objects.count()) == (0, 0)


def test_visitor_cannot_vote(client, two_reviews):
    good, _fair = two_reviews

    response = client.post(reverse("b2c:review-helpful", args=[good.pk]))

    assert response.status_code == 302
    assert "/login/" in response.url
    assert ReviewVote.objects.count() == 0


def test_vote_on_an_unknown_review_is_404(client, omar):
    client.force_login(omar.user)

    assert client.post(reverse("b2c:review-helpful", args=[999])).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_reviews(client, omar, staff):
    client.force_login(omar.user)
    for n in range(2):
        r = review(rating=4, title=f"First {n}", images=[png()])
        review_respond(staff_user=staff, review_id=r.pk, text="Thanks")
    few = _queries(client, ROUTE)
    for n in range(8):
        r = review(rating=3, title=f"More {n}", images=[png(), png()])
        review_respond(staff_user=staff, review_id=r.pk, text="Thanks")
        review_vote_toggle(customer=omar, review_id=r.pk)

    assert _queries(client, ROUTE) == few


def hotel_review(customer=None, *, name="Atlantis  The Palm", rating=5, **fields):
    values = {"title": "Lovely stay", "text": GOOD_TEXT} | fields
    return review_create(
        customer=customer or CustomerFactory(),
        subject_kind="hotel",
        subject_name=name,
        travel_date="2026-02-10",
        rating=rating,
        **values,
    )


HOTEL_KEY = "hotel:atlantis the palm"
SUBJECT = reverse("b2c:reviews-subject")


def test_hotel_page_shows_its_reviews_and_summary(client, nadia):
    hotel_review(nadia, rating=5, title="Lovely stay")
    hotel_review(rating=4, title="Busy pool", name="ATLANTIS the palm")
    hotel_review(rating=1, title="Another hotel", name="Burj Al Arab")
    review(rating=2, title="A flight")

    response = client.get(SUBJECT, {"key": HOTEL_KEY})

    assert response.status_code == 200
    # Named as its newest published review spells it.
    assert response.context["heading"] == "Reviews of ATLANTIS the palm"
    assert response.context["summary"]["average"] == "4.5"
    assert response.context["summary"]["count"] == 2
    assert [row["count"] for row in response.context["summary"]["rows"]] == [1, 1, 0, 0, 0]
    assert titles(response) == ["Busy pool", "Lovely stay"]
    highest = client.get(SUBJECT, {"key": HOTEL_KEY, "sort": "highest"})
    assert titles(highest) == ["Lovely stay", "Busy pool"]
    fours = client.get(SUBJECT, {"key": HOTEL_KEY, "rating": "4"})
    assert titles(fours) == ["Busy pool"]
    html = response.content.decode()
    assert f'href="{SUBJECT}?key=hotel%3Aatlantis%20the%20palm"' in html
    # Sorting and filtering keep the subject.
    assert '<a href="?key=hotel%3Aatlantis+the+palm&amp;sort=lowest">' in html


def test_unknown_empty_or_flight_key_is_404(client, db):
    held = hotel_review(title="Held", name="Quiet Inn", text="Too short.")
    assert held.status == "pending"
    review(rating=4)

    for params in (
        {},
        {"key": ""},
        {"key": "hotel:nowhere"},
        {"key": "hotel:"},
        {"key": "hotel:quiet inn"},  # its only review is not published
        {"key": "flight:EK:DXB-LHR"},
        {"key": "airline:EK"},
    ):
        assert client.get(SUBJECT, params).status_code == 404, params


def test_a_flight_card_links_its_route_and_a_hotel_card_its_page(client, nadia):
    review(rating=4, title="A flight")
    hotel_review(nadia)

    flight_page = client.get(AIRLINE).content.decode()
    hotel_page = client.get(SUBJECT, {"key": HOTEL_KEY}).content.decode()

    assert f'href="{ROUTE}"' in flight_page
    assert f'href="{SUBJECT}?key=hotel%3Aatlantis%20the%20palm">Atlantis The Palm</a>' in hotel_page


def test_reporting_a_hotel_review_goes_back_to_its_page(client, nadia, omar):
    stay = hotel_review(nadia)
    client.force_login(omar.user)

    response = client.post(reverse("b2c:review-report", args=[stay.pk]), {"reason": "spam"})

    assert response.status_code == 302
    assert response["Location"] == f"{SUBJECT}?key=hotel%3Aatlantis+the+palm"
    assert client.get(response["Location"]).status_code == 200
