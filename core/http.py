"""Helpers shared by pages and the API."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.storage import Storage
from django.http import FileResponse, Http404


@contextmanager
def not_found_as_404(*errors: type[Exception]) -> Iterator[None]:
    """A service's "not yours / not there" (one of `errors`) as a 404: pages and the API answer
    alike whether the thing belongs to someone else or does not exist."""
    try:
        yield
    except errors:
        raise Http404 from None


def private_file_response(
    storage: Storage, name: str, *, filename: str, content_type: str, as_attachment: bool = True
) -> FileResponse:
    """A file kept out of public media (`name` in `storage`), for a view that has already checked
    who may have it: never cached, never sniffed into another type, and, opened on its own, it
    runs and loads nothing. A file missing from storage is a 404."""
    try:
        handle = storage.open(name, "rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=as_attachment, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
