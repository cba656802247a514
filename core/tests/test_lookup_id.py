import pytest

from core.models import MAX_ID, lookup_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, 7),
        ("7", 7),
        (" 42 ", 42),
        (3.0, 3),
        (MAX_ID, MAX_ID),
        (str(MAX_ID), MAX_ID),
        (MAX_ID + 1, 0),  # would overflow a bigint
        ("99999999999999999999999999", 0),
        (0, 0),
        (-1, 0),
        ("-1", 0),
        ("²", 0),  # isdigit() is true for it, int() is not
        ("٣", 0),  # an Arabic-Indic digit: not an id in a URL
        ("7x", 0),
        ("", 0),
        (None, 0),
        (True, 0),
        (2.5, 0),
        ([7], 0),
    ],
)
def test_only_what_can_be_a_row_id_is_looked_up(value, expected):
    assert lookup_id(value) == expected
