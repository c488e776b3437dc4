"""Creating staff accounts from the command line and the demo."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from fireside.errors import ActionError, Conflict
from fireside.people.models import Kind, Role, User


def create_staff(*, email: str, handle: str, display_name: str, password: str,
                 role: str, kind: str = Kind.EMPLOYEE, title: str = "",
                 superuser: bool = False) -> User:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as e:
        raise ActionError("Enter a valid e-mail address.") from e
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(f"An account with the address {email} exists.")
    if User.objects.filter(username__iexact=handle).exists():
        raise Conflict(f"The handle @{handle} is taken.")
    user = User(username=handle, email=email, display_name=display_name or handle, kind=kind,
                role=role, title=title, email_verified=True, is_staff=superuser,
                is_superuser=superuser)
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ActionError(" ".join(e.messages)) from e
    user.set_password(password)
    user.save()
    return user


def create_admin(*, email: str, handle: str, display_name: str, password: str) -> User:
    return create_staff(email=email, handle=handle, display_name=display_name,
                        password=password, role=Role.ADMIN, superuser=True)
