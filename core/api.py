"""API plumbing shared by every area: one error shape and pagination."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError
from core.parsers import PayloadTooLarge


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            key: [str(m) for m in (value if isinstance(value, list) else [value])]
            if not isinstance(value, dict)
            else _field_errors(value)
            for key, value in detail.items()
        }
    return {}


def exception_handler(exc, context):
    """Every API error answers {"error": {"code", "message", "fields"}}."""
    if isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError(exc.extra or {"non_field_errors": [exc.message]})
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = dict(exc.message_dict)
            if NON_FIELD_ERRORS in detail:
                detail["non_field_errors"] = detail.pop(NON_FIELD_ERRORS)
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        if isinstance(exc.detail, list):
            fields = {"non_field_errors": [str(m) for m in exc.detail]}
        else:
            fields = _field_errors(exc.detail)
        body = {
            "code": "invalid",
            "message": str(_("The request has invalid fields.")),
            "fields": fields,
        }
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = {
            "code": codes if isinstance(codes, str) else "error",
            "message": str(exc.detail) if hasattr(exc, "detail") else str(exc),
            "fields": {},
        }
    return Response({"error": body}, status=response.status_code, headers=dict(response.items()))
