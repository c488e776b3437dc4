from django.urls import path

from fireside.listening import views

urlpatterns = [
    path("listening/stream", views.stream, name="listening_stream"),
]
