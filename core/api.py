"""API plumbing shared by every area: one error shape, input validation, idempotency keys and
pagination."""

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError
from core.parsers import PayloadTooLarge


class ErrorsAsJSON:
    """For a view that answers a file (a calendar, an attachment): its errors are the API's JSON
    error shape, whatever type the client asked for."""

    request: Any

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)  # type: ignore[misc]


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


# Error shape, input and idempotency keys, for every area's API views -----------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,50}$")
# Keys are stored with a prefix ("booking:<id>:<key>") in 80-character columns: 50 leaves room.


class IdempotencyKeyMissing(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_missing"
    default_detail = _(
        "Send an Idempotency-Key header: a new unique value (such as a UUID) for each payment "
        "attempt, sent again unchanged when retrying the same attempt."
    )


class IdempotencyKeyInvalid(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_invalid"
    default_detail = _(
        "The Idempotency-Key header must be 1 to 50 visible ASCII characters, such as a UUID."
    )


class IdempotencyKeyReusedError(exceptions.APIException):
    """An idempotency key already used for a different request (HTTP 422)."""

    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = _(
        "This Idempotency-Key was already used for a different request. Use a new key."
    )


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='e.g. "invalid", "not_found", "card_declined".')
    message = serializers.CharField()
    # The metaclass takes declared fields off the class, so this does not replace `.fields`.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Field errors, keyed by field; a passenger\'s by "passengers.<index>" or '
        '"passengers.<index>.<field>"; errors of no one field under "non_field_errors".',
    )


class ApiErrorSerializer(serializers.Serializer):
    """The API's one error shape."""

    error = ErrorDetailSerializer()


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "fields": {}}}


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors under dotted keys ("passengers.1.surname"), as the services key
    a passenger's problems ("passengers.1")."""
    flat: dict[str, list[str]] = {}

    def merge(more: dict[str, list[str]]) -> None:
        for key, messages in more.items():
            flat.setdefault(key, []).extend(messages)

    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors" and prefix:
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            merge(flatten_errors(value, name))
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            flat[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    merge(flatten_errors(item, f"{prefix}.{index}"))
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise exceptions.ValidationError(flatten_errors(serializer.errors))
    return serializer.validated_data


def idempotency_key(request, *, required: bool) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None or key == "":
        if required:
            raise IdempotencyKeyMissing()
        return None
    if not IDEMPOTENCY_KEY_FORMAT.match(key):
        raise IdempotencyKeyInvalid()
    return key


def idempotency_parameter(*, required: bool, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        IDEMPOTENCY_HEADER,
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        required=required,
        description=description,
    )
