"""Scheduling URLs: the JSON API under /api/ and the private manage-appointment pages.

No ``app_name``: the API includes its own namespace (``clinic-api``), which django-ninja
reverses at the top level; page names are prefixed ``clinic-`` instead.
"""

from django.urls import path

from painpath.clinic import views
from painpath.clinic.api import api

urlpatterns = [
    path("api/", api.urls),
    path("appointments/<str:token>/", views.manage, name="clinic-manage"),
    path("appointments/<str:token>/cancel", views.cancel, name="clinic-cancel"),
    path("appointments/<str:token>/reschedule", views.reschedule, name="clinic-reschedule"),
    path("appointments/<str:token>/book-again", views.book_again, name="clinic-book-again"),
    path("appointments/<str:token>/appointment.ics", views.ics, name="clinic-ics"),
]
