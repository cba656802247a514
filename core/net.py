"""The client's address, the same way for every component that keys on it."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or with PROXY_COUNT trusted proxies in front, the address the outermost of them
    saw (X-Forwarded-For, counted from the right: what a client writes there itself is ignored).

    DRF's throttles (NUM_PROXIES) and allauth's rate limits (ALLAUTH_TRUSTED_PROXY_COUNT) are set
    from the same count.
    """
    count = settings.PROXY_COUNT
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if forwarded:
            return forwarded[-min(count, len(forwarded))]
    return request.META.get("REMOTE_ADDR")
