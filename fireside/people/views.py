"""Pages about people: joining, logging in, profiles and personal settings."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fireside import ratelimit
from fireside.community import queries as community_queries
from fireside.errors import ActionError
from fireside.ideas import queries as ideas_queries
from fireside.people import actions
from fireside.people.models import ApiToken, Kind, Role, User
from fireside.rewards import views as rewards_views
from fireside.web import action_errors


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = {"email": "", "handle": "", "display_name": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            ratelimit.hit("signup", ratelimit.client_ip(request))
            user = actions.check_signup(email=form["email"], handle=form["handle"],
                                        display_name=form["display_name"],
                                        password=request.POST.get("password", ""))
        except ActionError as error:
            return render(request, "people/signup.html", {"form": form, "error": error.detail},
                          status=error.status)
        return render(request, "people/check_email.html", {"email": user.email})
    return render(request, "people/signup.html", {"form": form})


def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = actions.do_verify_email(token)
    except ActionError as error:
        return render(request, "people/verify_failed.html", {"error": error.detail}, status=400)
    login(request, user, backend="fireside.people.auth.EmailOrHandleBackend")
    if not user.has_usable_password():
        messages.success(request, "Your address is confirmed. Choose a password for your account.")
        return redirect("set_password")
    messages.success(request, f"Welcome, {user.name}! Your e-mail address is confirmed.")
    return redirect("home")


class ThrottledLoginView(auth_views.LoginView):
    """Log-in, limited per client address and per account name against password guessing.
    Only failed attempts count: a care team behind one office address logs in all day."""

    template_name = "people/login.html"
    redirect_authenticated_user = True

    def _idents(self) -> list[str]:
        name = self.request.POST.get("username", "").strip().lower()
        return [ratelimit.client_ip(self.request), "name:" + name]

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            for ident in self._idents():
                ratelimit.check("login", ident)
        except ActionError as error:
            form = AuthenticationForm(request)
            return render(request, self.template_name, {"form": form, "error": error.detail},
                          status=error.status)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        for ident in self._idents():
            # Past the limit this failure used the last attempt; the next one is refused.
            with contextlib.suppress(ActionError):
                ratelimit.hit("login", ident)
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """Unverified members may read and log in, but not post: remind them, with a new link."""
        user = form.get_user()
        if not user.email_verified and not user.is_staff_member:
            actions.send_verification_email(user)
            messages.info(self.request, f"Confirm your e-mail address to start posting: we "
                                        f"have sent a new link to {user.email}.")
        return super().form_valid(form)


def profile(request: HttpRequest, handle: str) -> HttpResponse:
    person = User.objects.filter(username=handle, is_active=True).first()
    if person is None:
        raise Http404("No such member.")
    viewer = request.user
    can_manage = isinstance(viewer, User) and viewer.is_authenticated and (
        viewer.is_superuser or viewer.role in (Role.ADMIN, Role.COMMUNITY_MANAGER))
    return render(request, "people/profile.html", {
        "person": person,
        "contributions": list(community_queries.user_contributions(viewer, person)),
        "idea_credits": ideas_queries.profile_credits(viewer, person),
        "can_manage": can_manage, "kinds": Kind.choices, "roles": Role.choices,
        **rewards_views.profile_context(viewer, person),
    })


@login_required
@require_POST
@action_errors
def set_kind_role(request: HttpRequest, handle: str) -> HttpResponse:
    person = User.objects.filter(username=handle).first()
    if person is None:
        raise Http404
    assert isinstance(request.user, User)
    actions.do_set_kind_and_role(request.user, person, kind=request.POST.get("kind", ""),
                                 role=request.POST.get("role", ""))
    messages.success(request, f"{person.name} is now {person.get_kind_display().lower()}"
                     + (f", {person.get_role_display().lower()}" if person.role else "") + ".")
    return redirect("profile", handle=person.username)


@login_required
@require_POST
@action_errors
def invite_claim(request: HttpRequest, handle: str) -> HttpResponse:
    person = User.objects.filter(username=handle).first()
    if person is None:
        raise Http404
    assert isinstance(request.user, User)
    actions.check_invite_claim(request.user, person, request.POST.get("email", ""))
    messages.success(request, f"An invitation to claim this account went to {person.email}.")
    return redirect("profile", handle=person.username)


@login_required
def edit_profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    error = None
    if request.method == "POST":
        try:
            upload = request.FILES.get("avatar")
            if upload is not None:
                actions.check_set_avatar(user, upload.read())
            elif request.POST.get("remove_avatar") and user.avatar:
                user.avatar.delete(save=True)
            actions.check_update_profile(
                user,
                display_name=request.POST.get("display_name", ""),
                title=request.POST.get("title", ""),
                bio=request.POST.get("bio", ""),
                interests=request.POST.get("interests", "").split(","),
                expertise=request.POST.get("expertise", "").split(","),
                links=request.POST.get("links", "").splitlines(),
                notify_by_email=bool(request.POST.get("notify_by_email")),
            )
        except ActionError as e:
            error = e.detail
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profile", handle=user.username)
    return render(request, "people/edit_profile.html", {"person": user, "error": error},
                  status=400 if error else 200)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    secret = None
    if request.method == "POST":
        if revoke := request.POST.get("revoke", ""):
            if revoke.isdigit():
                ApiToken.objects.filter(user=user, pk=int(revoke)).delete()
            messages.success(request, "The token is revoked.")
            return redirect("tokens")
        _token, secret = actions.do_create_token(user, request.POST.get("name", ""))
    return render(request, "people/tokens.html",
                  {"tokens": user.api_tokens.order_by("-created_at"), "secret": secret})


@login_required
def set_password(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, user, backend="fireside.people.auth.EmailOrHandleBackend")
        messages.success(request, "Your password is set.")
        return redirect("home")
    return render(request, "people/set_password.html", {"form": form})


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    template_name = "people/password_reset.html"
    email_template_name = "people/email/password_reset.txt"
    subject_template_name = "people/email/password_reset_subject.txt"

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            ratelimit.hit("password_reset", ratelimit.client_ip(request))
        except ActionError as error:
            return render(request, self.template_name,
                          {"form": self.get_form(), "error": error.detail}, status=error.status)
        return super().post(request, *args, **kwargs)
