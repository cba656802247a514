"""Helpers shared by pages and the API."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import Http404


@contextmanager
def not_found_as_404(*errors: type[Exception]) -> Iterator[None]:
    """A service's "not yours / not there" (one of `errors`) as a 404: pages and the API answer
    alike whether the thing belongs to someone else or does not exist."""
    try:
        yield
    except errors:
        raise Http404 from None
