from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from fireside.api import api
from fireside.api import not_found as api_not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<path>.*)$", api_not_found),
    path("", include("fireside.people.urls")),
    path("", include("fireside.community.urls")),
    path("", include("fireside.care.urls")),
    path("", include("fireside.listening.urls")),
    path("", include("fireside.ideas.urls")),
    path("", include("fireside.rewards.urls")),
    path("", include("fireside.relationships.urls")),
    path("", include("fireside.measure.urls")),
    # Uploaded avatars; a deployment behind a web server may serve MEDIA_ROOT itself.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve,
         {"document_root": settings.MEDIA_ROOT}),
]
