"""Domain errors. The HTTP layer turns them into problem+json responses."""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    status = 409
    title = "Conflict"

    def __init__(self, detail: str | None = None, current: dict | None = None):
        super().__init__(detail)
        self.current = current


class Unavailable(DomainError):
    status = 503
    title = "Service unavailable"


class FieldErrors(DomainError):
    """One or more fields are wrong. `errors` is a list of {field, message, type}."""

    status = 422
    title = "Validation failed"

    def __init__(self, errors: list[dict], detail: str | None = None):
        super().__init__(detail or "One or more fields are invalid.")
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: str, type_: str = "invalid") -> FieldErrors:
        return cls([{"field": field, "message": message, "type": type_}])


class BadPageToken(DomainError, ValueError):
    """A `next_token` that this list did not hand out (tampered, truncated or from another list).

    Raised by the store; every list route answers it as 400 naming `next_token`."""

    status = 400
    title = "Bad next_token"
    field = "next_token"

    @property
    def errors(self) -> list[dict]:
        return [{"field": self.field, "message": self.detail, "type": "invalid"}]


def aws_error_code(error: BaseException) -> str:
    """The AWS error code of a botocore ClientError ("" for anything else)."""
    return (getattr(error, "response", None) or {}).get("Error", {}).get("Code", "")


def aws_http_status(error: BaseException) -> int:
    """The HTTP status AWS answered with (0 when there was no answer)."""
    return int((getattr(error, "response", None) or {}).get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
