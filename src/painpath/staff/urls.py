"""Staff URLs, mounted at ``/staff/`` by ``painpath.web.urls``. Intakes are addressed by their
random ``reference`` UUID, never by a sequential id or the patient's private token."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from painpath.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff:login"), name="logout"),
    path("intakes/", views.intake_list, name="intakes"),
    path("intakes/<uuid:reference>/", views.intake_detail, name="intake"),
    path("intakes/<uuid:reference>/plan/", views.plan_edit, name="plan_edit"),
    path("schedule/", views.schedule, name="schedule"),
]
