"""URLs of the booking flow, under the intake's private link (see ``views_booking``)."""

from __future__ import annotations

from django.urls import path

from painpath.patients import views_booking

app_name = "booking"

urlpatterns = [
    path("r/<str:token>/book/", views_booking.choose, name="choose"),
    path("r/<str:token>/book/details/", views_booking.details, name="details"),
    path("r/<str:token>/book/done/", views_booking.done, name="done"),
    path(
        "r/<str:token>/book/<uuid:appointment_id>/appointment.ics",
        views_booking.ics,
        name="ics",
    ),
]
