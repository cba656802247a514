from django.db import models


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# The largest value a BigAutoField (PostgreSQL bigint, SQLite integer) holds.
MAX_ID = 2**63 - 1


def lookup_id(value: object) -> int:
    """`value` as a row id to look up: the number when it can be one (a whole number from 1 to
    MAX_ID, ASCII digits only), otherwise 0, which matches no row (ids start at 1). Ids from
    URLs, forms and JSON go through it, so a malformed or enormous one is "not found", never a
    database overflow."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return 0
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit()):
            return 0
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return 0
    return number if 1 <= number <= MAX_ID else 0
