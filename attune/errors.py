"""The one family of domain errors.

Services raise these; the API's exception handler turns each into the shared
error body with the class's HTTP status and `code`.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid"
    message = "The request could not be carried out."

    def __init__(
        self, message: str | None = None, *, code: str | None = None, param: str | None = None
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.param = param
        super().__init__(self.message)


class Invalid(DomainError):
    status = 400


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "Not found."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "This conflicts with the current state."
