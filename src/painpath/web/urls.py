"""Top-level URLs. Each app owns its own ``urls.py``; this file only mounts them, in order."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("painpath.patients.urls")),
    path("", include("painpath.patients.booking_urls")),
    path("staff/", include("painpath.staff.urls")),
    path("", include("painpath.clinic.urls")),
    path("", include("painpath.checkins.urls")),
]
