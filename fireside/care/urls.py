from django.urls import path

from fireside.care import views

urlpatterns = [
    path("care/inbox", views.inbox, name="care_inbox"),
    path("care/c/<int:conv_id>", views.conversation, name="care_conversation"),
    path("care/c/<int:conv_id>/<str:verb>", views.conversation_act, name="care_conversation_act"),
    path("care/incidents/<int:incident_id>", views.incident, name="care_incident"),
    path("care/incidents/<int:incident_id>/<str:verb>", views.incident_act,
         name="care_incident_act"),
]
