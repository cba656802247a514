"""A short-lived cache of whole search answers, for the busiest thing the site does.

Identical searches are common (a route page shared around, back and forth between results and an
offer, a load test), and rendering twenty offers costs far more than finding them. An answer is
kept for SEARCH_CACHE_SECONDS under the exact question (every parameter, the language and the
currency) and an inventory version that any change to a flight or a fare moves on, so new or
changed flights show at once. Seats sold in the meantime are not a change: an offer may show a
minute after its last seat went, and booking re-checks seats and price, as it does for any offer.

Only answers that are the same for everyone are kept: the page for visitors who are not signed in
(it carries no CSRF token, no name, no message) and the API's JSON (which has no personal data).
"""

import hashlib
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

VERSION_KEY = "flights:search:inventory-version"


VERSION_READ_SECONDS = 1.0  # how long a process trusts the version it read from the cache
_local = {"version": None, "read_at": 0.0}


def inventory_version() -> int:
    """The inventory's version, read from the shared cache at most once a second per process
    (one round trip less for every cached answer; changes made elsewhere show within a second)."""
    if _local["version"] is None or time.monotonic() - _local["read_at"] > VERSION_READ_SECONDS:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, timeout=None)
            version = cache.get(VERSION_KEY, 1)
        _local.update(version=version, read_at=time.monotonic())
    return _local["version"]


def inventory_changed() -> None:
    """Every cached search answer is out of date from now on."""
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from the old keys'
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    _local.update(version=version, read_at=time.monotonic())


def search_cache_key(kind: str, params: Iterable[tuple[str, str]], *, currency: str = "") -> str:
    """The key of an answer of `kind` to exactly these parameters, in this language."""
    question = "&".join(f"{name}={value}" for name, value in sorted(params))
    digest = hashlib.sha256(question.encode()).hexdigest()[:32]
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"flights:search:{kind}:{inventory_version()}:{language}:{currency}:{digest}"


def search_cache_get(key: str):
    if settings.SEARCH_CACHE_SECONDS <= 0:
        return None
    return cache.get(key)


def search_cache_set(key: str, value) -> None:
    if settings.SEARCH_CACHE_SECONDS > 0:
        cache.set(key, value, timeout=settings.SEARCH_CACHE_SECONDS)
