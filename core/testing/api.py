"""Expected shapes of API answers, shared by the API tests."""

INVALID = {"code": "invalid", "message": "The request has invalid fields."}
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def drf_datetime(value) -> str:
    """A datetime as DRF writes it in JSON."""
    return value.isoformat().replace("+00:00", "Z")
