"""Middleware of the shared kernel."""

from urllib.parse import parse_qsl

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded",)


class RejectUndecodableFormsMiddleware:
    """Answer 400 to a form body that is not UTF-8, instead of storing replacement characters.

    Django decodes form data leniently (invalid bytes become U+FFFD); what a customer typed must
    be stored as typed, or refused. JSON bodies are checked by the API's parser; multipart bodies
    (uploads) are left to their views.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in FORM_TYPES:
            encoding = request.encoding or "utf-8"
            try:
                # Raw bytes first, then what percent-escapes such as %FF decode to.
                text = request.body.decode(encoding)
                parse_qsl(text, keep_blank_values=True, encoding=encoding, errors="strict")
            except RequestDataTooBig:
                pass  # refused by whoever parses it: 413 in the API, 400 on pages
            except UnicodeDecodeError:
                return bad_request(request, _("The form data is not valid UTF-8 text."))
        return self.get_response(request)


def bad_request(request, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "parse_error", "message": message, "fields": {}}}, status=400
        )
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}, request))
