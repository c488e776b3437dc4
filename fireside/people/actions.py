"""Writes about people: sign-up, verification, profiles, avatars and API tokens."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from fireside.errors import ActionError, Conflict, Forbidden
from fireside.people.models import ApiToken, Kind, Role, User
from fireside.people.organization import organization_name

HANDLE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{1,29}$")
VERIFY_SALT = "fireside.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600
AVATAR_SIZE = 256


def _clean_handle(handle: str) -> str:
    handle = (handle or "").strip().lstrip("@")
    if not HANDLE_RE.match(handle):
        raise ActionError("A handle is 2 to 30 letters, digits, dots, dashes or underscores.")
    return handle


def check_signup(*, email: str, handle: str, display_name: str, password: str) -> User:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as e:
        raise ActionError("Enter a valid e-mail address.") from e
    handle = _clean_handle(handle)
    display_name = " ".join((display_name or "").split())[:80] or handle
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict("An account with this e-mail address exists. Log in or reset the password.")
    if User.objects.filter(username__iexact=handle).exists():
        raise Conflict("This handle is taken; choose another.")
    candidate = User(username=handle, email=email, display_name=display_name)
    try:
        validate_password(password, candidate)
    except ValidationError as e:
        raise ActionError(" ".join(e.messages)) from e
    return do_signup(email=email, handle=handle, display_name=display_name, password=password)


@transaction.atomic
def do_signup(*, email: str, handle: str, display_name: str, password: str,
              kind: str = Kind.CUSTOMER) -> User:
    user = User(username=handle, email=email, display_name=display_name, kind=kind,
                email_verified=False)
    user.set_password(password)
    user.save()
    transaction.on_commit(lambda: send_verification_email(user))
    return user


def verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def send_verification_email(user: User) -> None:
    link = f"{settings.SITE_URL}/verify/{verification_token(user)}"
    organization = organization_name()
    body = render_to_string("people/email/verify.txt", {"user": user, "link": link,
                                                        "organization": organization})
    send_mail(f"Confirm your e-mail address for {organization}", body,
              settings.DEFAULT_FROM_EMAIL, [user.email])


def do_verify_email(token: str) -> User:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as e:
        raise ActionError("This link has expired. Log in to get a new one.") from e
    except signing.BadSignature as e:
        raise ActionError("This link is not valid.") from e
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise ActionError("This link is not valid.")
    if not user.email_verified:
        user.email_verified = True
        user.is_claimed = True
        user.save(update_fields=["email_verified", "is_claimed"])
    return user


def check_update_profile(user: User, *, display_name: str, title: str, bio: str,
                         interests: Iterable[str], expertise: Iterable[str],
                         links: Iterable[str], notify_by_email: bool) -> User:
    display_name = " ".join((display_name or "").split())[:80]
    if not display_name:
        raise ActionError("Your display name cannot be empty.")
    url_ok = URLValidator(schemes=["http", "https"])
    clean_links = []
    for link in links:
        link = link.strip()
        if not link:
            continue
        try:
            url_ok(link)
        except ValidationError as e:
            raise ActionError(f"Not a web address: {link[:80]}") from e
        clean_links.append(link)
    user.display_name = display_name
    user.title = " ".join((title or "").split())[:120]
    user.bio = (bio or "").strip()[:4000]
    user.interests = _clean_words(interests)
    user.expertise = _clean_words(expertise)
    user.links = clean_links[:8]
    user.notify_by_email = notify_by_email
    user.save(update_fields=["display_name", "title", "bio", "interests", "expertise", "links",
                             "notify_by_email"])
    return user


def _clean_words(words: Iterable[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        word = " ".join(str(word).split()).lower()[:40]
        if word and word not in out:
            out.append(word)
    return out[:20]


def check_set_avatar(user: User, data: bytes) -> User:
    """Resize an uploaded picture to a square PNG; anything that is not an image is refused."""
    if len(data) > 5 * 1024 * 1024:
        raise ActionError("The picture is larger than 5 MB.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as original:
            image = original.convert("RGB")
            side = min(image.size)
            left, top = (image.width - side) // 2, (image.height - side) // 2
            image = image.crop((left, top, left + side, top + side)).resize(
                (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise ActionError("That file is not a picture we can read (PNG, JPEG, GIF or WebP).") from e
    if user.avatar:
        user.avatar.delete(save=False)
    user.avatar.save(f"{user.pk}-{secrets.token_hex(4)}.png", ContentFile(out.getvalue()))
    return user


def do_set_kind_and_role(actor: User, user: User, *, kind: str, role: str) -> User:
    """The organization, not the member, decides who is an employee, partner or staff."""
    if not (actor.is_superuser or actor.role in (Role.ADMIN, Role.COMMUNITY_MANAGER)):
        raise Forbidden("Only an admin or community manager can change kinds and roles.")
    if kind not in Kind.values or role not in Role.values:
        raise ActionError("Unknown kind or role.")
    if role == Role.ADMIN and not (actor.is_superuser or actor.role == Role.ADMIN):
        raise Forbidden("Only an admin can make another admin.")
    user.kind, user.role = kind, role
    user.save(update_fields=["kind", "role"])
    return user


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def do_create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its hash is stored."""
    name = " ".join((name or "").split())[:80] or "token"
    secret = "fs_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:10],
                                    token_hash=hash_token(secret))
    return token, secret


def user_for_token(secret: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def check_invite_claim(actor: User, user: User, email: str) -> None:
    """Staff invite an imported member to claim their account at an address they know is
    theirs; the verification link proves it and then lets them choose a password."""
    if not actor.is_staff_member:
        raise Forbidden("Only staff can invite a member to claim an imported account.")
    if user.is_claimed:
        raise ActionError("This account is already claimed.")
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as e:
        raise ActionError("Enter a valid e-mail address.") from e
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise Conflict("Another account uses this e-mail address.")
    user.email = email
    user.save(update_fields=["email"])
    send_verification_email(user)
