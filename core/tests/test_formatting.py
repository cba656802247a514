import datetime as dt

import pytest
from django.utils import translation

from core.formatting import format_moment, isolate

DEPARTURE = dt.datetime(2030, 3, 10, 4, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Mar 10, 2030, 8:00\u202fAM"),
        ("ar", "10\u200f/03\u200f/2030، 8:00 ص"),
        ("bn", "10 মার্চ, 2030 8:00 AM"),
        ("ur", "10 مارچ، 2030 8:00 AM"),
    ],
)
def test_a_moment_is_local_to_the_airport_and_to_the_minute(language, expected):
    with translation.override(language):
        assert format_moment(DEPARTURE, tz="Asia/Dubai") == expected


@pytest.mark.parametrize(
    ("language", "bidi"), [("en", False), ("bn", False), ("ar", True), ("ur", True)]
)
def test_a_route_keeps_its_own_direction_only_in_right_to_left_languages(language, bidi):
    with translation.override(language):
        text = isolate("DXB → LHR")
    assert text == ("\u2068DXB → LHR\u2069" if bidi else "DXB → LHR")
