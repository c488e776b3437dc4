from django.urls import path

from fireside.community import views

urlpatterns = [
    path("", views.home, name="home"),
    path("about", views.about, name="about"),
    path("s/<slug:slug>", views.space_detail, name="space"),
    path("s/<slug:slug>/new", views.thread_new, name="thread_new"),
    path("t/<int:thread_id>", views.thread_detail, name="thread"),
    path("t/<int:thread_id>/reply", views.reply, name="reply"),
    path("t/<int:thread_id>/moderate", views.moderate_thread, name="moderate_thread"),
    path("p/<int:post_id>", views.post_redirect, name="post"),
    path("p/<int:post_id>/edit", views.post_edit, name="post_edit"),
    path("p/<int:post_id>/history", views.post_history, name="post_history"),
    path("p/<int:post_id>/react/<str:kind>", views.react, name="react"),
    path("p/<int:post_id>/accept", views.accept, name="accept"),
    path("p/<int:post_id>/flag", views.flag, name="flag"),
    path("p/<int:post_id>/moderate", views.moderate_post, name="moderate_post"),
    path("follow/<str:target>/<str:ident>", views.follow, name="follow"),
    path("moderation", views.moderation_queue, name="moderation"),
    path("notifications", views.notifications, name="notifications"),
    path("notifications/<int:notification_id>", views.notification_open,
         name="notification_open"),
    path("search", views.search_page, name="search"),
    path("unanswered", views.unanswered, name="unanswered"),
]
