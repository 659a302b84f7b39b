"""Domain errors: a rule of the domain was broken; the message is safe to show the user."""

from typing import Any


class DomainError(Exception):
    """Carries a translatable message (msgid) and its parameters, rendered in the user's language."""

    status_code = 400

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class LoginRequired(DomainError):
    status_code = 401


class CsrfFailed(DomainError):
    status_code = 403


class FieldError(DomainError):
    """A form field's value was refused: the form is shown again with the message by that field."""

    status_code = 422

    def __init__(self, field: str, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.field = field
