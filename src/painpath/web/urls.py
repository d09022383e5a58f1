"""Top-level URLs. Each app owns its own ``urls.py``; this file only mounts them."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
]

# Apps mount here (one list so the order is explicit); a module not written yet is skipped.
for prefix, module in [
    ("", "painpath.patients.urls"),
    ("", "painpath.patients.booking_urls"),
    ("staff/", "painpath.staff.urls"),
    ("", "painpath.clinic.urls"),
    ("", "painpath.checkins.urls"),
]:
    try:
        __import__(module)
    except ModuleNotFoundError as exc:
        if not module.startswith(str(exc.name)):
            raise  # a real import error inside an existing module
        continue
    urlpatterns.append(path(prefix, include(module)))
