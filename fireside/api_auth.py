"""Authentication for the API: personal tokens, the browser session, and public reads."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from fireside.errors import Forbidden
from fireside.people.actions import user_for_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; writes must carry the CSRF token (header X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request):
            raise Forbidden("CSRF check failed: send the X-CSRFToken header with the cookie.")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None  # __call__ decides


class PublicRead(APIKeyCookie):
    """Lets anonymous readers through on safe methods, as the public pages do."""

    param_name = "anonymous"

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser() if request.method in SAFE_METHODS else None

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None


AUTH = [TokenAuth(), SessionAuth()]
READ_AUTH = [*AUTH, PublicRead()]
