from django.urls import path

from fireside.measure import views

urlpatterns = [
    path("measure/", views.overview, name="measure"),
    path("measure/health", views.health, name="measure_health"),
    path("measure/community", views.community, name="measure_community"),
    path("measure/goals", views.goals, name="measure_goals"),
    path("measure/roi", views.roi, name="measure_roi"),
    path("measure/planning", views.planning, name="measure_planning"),
    path("measure/scorecard", views.scorecard_page, name="measure_scorecard"),
    path("measure/report", views.weekly_report, name="measure_report"),
]
