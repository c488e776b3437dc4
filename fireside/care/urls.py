from django.urls import path

from fireside.care import views

urlpatterns = [
    path("care/inbox", views.inbox, name="care_inbox"),
    path("care/c/<int:conv_id>", views.conversation, name="care_conversation"),
    path("care/c/<int:conv_id>/m/<int:message_id>", views.reply_state, name="care_reply_state"),
    path("care/c/<int:conv_id>/<str:verb>", views.conversation_act, name="care_conversation_act"),
    path("care/incidents/<int:incident_id>", views.incident, name="care_incident"),
    path("care/incidents/<int:incident_id>/<str:verb>", views.incident_act,
         name="care_incident_act"),
    path("care/policies", views.policies, name="care_policies"),
    path("care/policies/<str:verb>", views.policies_act, name="care_policies_act"),
    path("care/rota", views.rota, name="care_rota"),
    path("care/rota/<str:verb>", views.rota_act, name="care_rota_act"),
    path("care/saved-replies", views.saved_replies, name="care_saved_replies"),
    path("care/saved-replies/<str:verb>", views.saved_replies_act,
         name="care_saved_replies_act"),
    path("care/assign/round-robin", views.round_robin, name="care_round_robin"),
]
