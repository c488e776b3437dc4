from django.urls import path

from fireside.rewards import views

urlpatterns = [
    path("leaderboard", views.leaderboard, name="leaderboard"),
    path("people/<str:handle>/thank", views.thank, name="thank"),
    path("people/<str:handle>/badge", views.award_badge, name="award_badge"),
    path("meet", views.meet, name="meet"),
    path("meet/preference", views.meet_preference, name="meet_preference"),
]
