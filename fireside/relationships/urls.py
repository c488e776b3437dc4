from django.urls import path

from fireside.relationships import views

urlpatterns = [
    path("staff/people", views.people, name="relationships_people"),
    path("staff/people/<int:person_id>", views.person, name="relationships_person"),
    path("staff/people/<int:person_id>/merge", views.merge, name="relationships_merge"),
    path("staff/people/<int:person_id>/split", views.split, name="relationships_split"),
    path("staff/members/<str:handle>", views.member_person, name="relationships_member"),
    path("staff/changes/<int:change_id>/undo", views.undo, name="relationships_undo"),
    path("staff/tasks", views.tasks, name="relationships_tasks"),
    path("staff/tasks/<int:task_id>", views.task, name="relationships_task"),
    path("settings/privacy", views.privacy_page, name="privacy"),
    path("settings/privacy/export.json", views.export_json, name="privacy_export"),
    path("settings/privacy/delete", views.delete_account, name="privacy_delete"),
]
