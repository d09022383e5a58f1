"""Care-plan URLs, under the private link (mounted at the site root by ``painpath.web.urls``)."""

from django.urls import path

from painpath.checkins import views

app_name = "checkins"

urlpatterns = [
    path("r/<str:token>/plan", views.plan, name="plan"),
    path("r/<str:token>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("r/<str:token>/checkin", views.checkin, name="checkin"),
]
