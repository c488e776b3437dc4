from django.urls import path

from fireside.ideas import views

urlpatterns = [
    path("ideas", views.campaigns, name="campaigns"),
    path("ideas/roadmap", views.roadmap, name="roadmap"),
    path("ideas/new", views.campaign_new, name="campaign_new"),
    path("ideas/similar", views.similar_fragment, name="ideas_similar"),
    path("ideas/c/<slug:slug>", views.campaign_detail, name="campaign"),
    path("ideas/c/<slug:slug>/new", views.idea_new, name="idea_new"),
    path("ideas/c/<slug:slug>/results", views.results, name="campaign_results"),
    path("ideas/c/<slug:slug>/results.csv", views.results_csv, name="campaign_results_csv"),
    path("ideas/<int:idea_id>", views.idea_detail, name="idea"),
    path("ideas/<int:idea_id>/vote", views.vote, name="idea_vote"),
    path("ideas/<int:idea_id>/follow", views.follow, name="idea_follow"),
    path("ideas/<int:idea_id>/status", views.set_status, name="idea_status"),
    path("ideas/<int:idea_id>/merge", views.merge, name="idea_merge"),
    path("ideas/<int:idea_id>/credit", views.credit, name="idea_credit"),
    path("ideas/<int:idea_id>/approve", views.approve, name="idea_approve"),
]
