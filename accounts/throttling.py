"""django-axes hooks: which login an attempt is for, and what a locked-out caller sees."""

from django.http import HttpRequest
from django.shortcuts import render


def login_identifier(request: HttpRequest, credentials: dict | None) -> str | None:
    """The login an attempt targets, case-folded, whichever door it came through.

    allauth authenticates with `email=`, the admin and the API token endpoint with `username=`.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("username")
    # axes stores it in a 255-character column; a longer login must not become a 500.
    return value.strip().lower()[:255] if value else None


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """429 with the same words for a known or unknown account, so it reveals nothing."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        return JsonResponse(
            {
                "error": {
                    "code": "throttled",
                    "message": _("Too many failed sign-in attempts. Try again in a few minutes."),
                    "fields": {},
                }
            },
            status=429,
        )
    return render(request, "account/lockout.html", status=429)
