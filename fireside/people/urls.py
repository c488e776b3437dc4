from django.contrib.auth import views as auth_views
from django.urls import path

from fireside.people import views

urlpatterns = [
    path("join", views.signup, name="signup"),
    path("verify/<str:token>", views.verify, name="verify"),
    path("login", views.ThrottledLoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent", auth_views.PasswordResetDoneView.as_view(
        template_name="people/password_reset_done.html"), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>", auth_views.PasswordResetConfirmView.as_view(
        template_name="people/password_reset_confirm.html"), name="password_reset_confirm"),
    path("password/reset/done", auth_views.PasswordResetCompleteView.as_view(
        template_name="people/password_reset_complete.html"), name="password_reset_complete"),
    path("people/<str:handle>", views.profile, name="profile"),
    path("people/<str:handle>/kind", views.set_kind_role, name="set_kind_role"),
    path("people/<str:handle>/claim", views.invite_claim, name="invite_claim"),
    path("settings/profile", views.edit_profile, name="edit_profile"),
    path("settings/tokens", views.tokens, name="tokens"),
    path("settings/password", views.set_password, name="set_password"),
]
