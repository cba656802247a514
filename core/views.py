from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return render(request, "home.html")


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """200 when the database (and Redis, when configured) answer; 503 otherwise."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    healthy = all(v in ("ok", "not configured") for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def _api_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def page_not_found(request, exception):
    """404: the API's error shape under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error("not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return _api_error("server_error", _("Something went wrong. Please try again later."), 500)
    return defaults.server_error(request)
