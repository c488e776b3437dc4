"""People in the API: who am I, profiles, tokens, and the organization's kinds and roles."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from fireside.api_auth import READ_AUTH
from fireside.community import queries as community_queries
from fireside.people import actions
from fireside.people.models import User

router = Router(tags=["people"])


class PersonOut(Schema):
    handle: str
    display_name: str
    kind: str
    role: str
    title: str
    bio: str
    avatar_url: str | None
    interests: list[str]
    expertise: list[str]
    links: list[str]
    post_count: int
    accepted_count: int
    joined_at: datetime
    claimed: bool

    @staticmethod
    def from_user(user: User) -> PersonOut:
        return PersonOut(
            handle=user.username, display_name=user.name, kind=user.kind, role=user.role,
            title=user.title, bio=user.bio, avatar_url=user.avatar.url if user.avatar else None,
            interests=user.interests, expertise=user.expertise, links=user.links,
            post_count=user.post_count, accepted_count=user.accepted_count,
            joined_at=user.date_joined, claimed=user.is_claimed,
        )


class ProfileIn(Schema):
    display_name: str
    title: str = ""
    bio: str = ""
    interests: list[str] = []
    expertise: list[str] = []
    links: list[str] = []
    notify_by_email: bool = True


class ContributionOut(Schema):
    post_id: int
    thread_id: int
    thread_title: str
    space: str
    is_opening: bool
    excerpt: str
    created_at: datetime


class KindRoleIn(Schema):
    kind: str
    role: str = ""


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    secret: str | None = None


def _me(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.get("/me", response=PersonOut, summary="The member behind this request")
def me(request: HttpRequest) -> PersonOut:
    return PersonOut.from_user(_me(request))


@router.patch("/me", response=PersonOut, summary="Update my profile")
def update_me(request: HttpRequest, data: ProfileIn) -> PersonOut:
    user = actions.check_update_profile(_me(request), **data.dict())
    return PersonOut.from_user(user)


@router.get("/people/{handle}", response=PersonOut, auth=READ_AUTH)
def person(request: HttpRequest, handle: str) -> PersonOut:
    user = User.objects.filter(username=handle, is_active=True).first()
    if user is None:
        raise Http404
    return PersonOut.from_user(user)


@router.get("/people/{handle}/contributions", response=list[ContributionOut], auth=READ_AUTH)
def contributions(request: HttpRequest, handle: str) -> list[ContributionOut]:
    user = User.objects.filter(username=handle, is_active=True).first()
    if user is None:
        raise Http404
    from fireside.community.markup import excerpt

    return [
        ContributionOut(post_id=p.pk, thread_id=p.thread_id, thread_title=p.thread.title,
                        space=p.thread.space.slug, is_opening=p.is_opening,
                        excerpt=excerpt(p.body_text), created_at=p.created_at)
        for p in community_queries.user_contributions(request.auth, user)  # type: ignore[attr-defined]
    ]


@router.put("/people/{handle}/kind", response=PersonOut,
            summary="Set a member's kind and staff role (admins and community managers)")
def set_kind(request: HttpRequest, handle: str, data: KindRoleIn) -> PersonOut:
    user = User.objects.filter(username=handle).first()
    if user is None:
        raise Http404
    return PersonOut.from_user(actions.do_set_kind_and_role(_me(request), user,
                                                            kind=data.kind, role=data.role))


@router.get("/me/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    return [TokenOut(id=t.pk, name=t.name, prefix=t.prefix, created_at=t.created_at,
                     last_used_at=t.last_used_at) for t in _me(request).api_tokens.all()]


@router.post("/me/tokens", response={201: TokenOut}, summary="Create a token (secret shown once)")
def create_token(request: HttpRequest, data: TokenIn) -> Status[TokenOut]:
    token, secret = actions.do_create_token(_me(request), data.name)
    return Status(201, TokenOut(id=token.pk, name=token.name, prefix=token.prefix,
                                created_at=token.created_at, last_used_at=None, secret=secret))


@router.delete("/me/tokens/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    deleted, _ = _me(request).api_tokens.filter(pk=token_id).delete()
    if not deleted:
        raise Http404
    return Status(204, None)
