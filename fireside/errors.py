"""Errors that actions raise for bad or forbidden input; pages and the API turn them into 4xx."""

from __future__ import annotations


class ActionError(Exception):
    """The request cannot be carried out; `detail` says why in words a person understands."""

    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Forbidden(ActionError):
    status = 403


class NotFound(ActionError):
    status = 404


class Conflict(ActionError):
    status = 409


class RateLimited(ActionError):
    status = 429
