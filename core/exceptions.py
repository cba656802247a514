from typing import Any


class ApplicationError(Exception):
    """An expected failure of a business rule, shown to the customer as it is.

    `extra` may carry field errors ({"field": ["message"]}); HTML views turn it into form
    errors, the API into the one JSON error shape.
    """

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
