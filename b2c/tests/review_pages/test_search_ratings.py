"""Travellers' ratings on the flight search results, for visitors (cached page) and customers."""

import pytest
from freezegun import freeze_time

from b2c.tests.review_pages.helpers import review
from flights.tests.factories import NOW, dxb_lhr, search_params

pytestmark = pytest.mark.django_db

PAGE = "/search/"
EK_LINE = (
    '<p class="offer-rating"><a href="/reviews/flights/EK/DXB-LHR/"><span aria-hidden="true">★'
    '</span> 4.5 out of 5</a> <span class="meta">· 2 reviews · '
    '<bdi dir="ltr">EK DXB → LHR</bdi></span></p>'
)


@pytest.fixture
def rated():
    dxb_lhr()
    review(rating=5, title="Great")
    review(rating=4, title="Good")
    review(rating=2, title="Other airline", code="BA")


def test_visitors_see_ratings_and_the_cached_page_keeps_them(
    client, rated, django_assert_num_queries
):
    with freeze_time(NOW):
        first = client.get(PAGE, search_params())
        with django_assert_num_queries(0):
            again = client.get(PAGE, search_params())

    html = first.content.decode()
    assert EK_LINE in html
    assert "2.0 out of 5" in html  # BA106
    assert html.count('class="offer-rating"') == 2  # QR has no reviews
    assert again.content == first.content


def test_customers_see_ratings(client, rated, nadia):
    client.force_login(nadia.user)

    with freeze_time(NOW):
        html = client.get(PAGE, search_params()).content.decode()

    assert EK_LINE in html


def test_no_reviews_no_line(client, db):
    dxb_lhr()

    with freeze_time(NOW):
        html = client.get(PAGE, search_params()).content.decode()

    assert "offer-rating" not in html
