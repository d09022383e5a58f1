"""URLs of the patient web app (mounted at the site root by ``painpath.web.urls``).

No URL carries an answer: the wizard's steps are numbers, results are behind the private token.
"""

from django.urls import path

from painpath.patients import views

app_name = "patients"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("start/step/<int:number>/", views.step, name="step"),
    path("start/check/", views.check, name="check"),
    path("start/review/", views.review, name="review"),
    path("r/<str:token>/", views.result, name="result"),
    path("conditions/", views.conditions, name="conditions"),
    path("conditions/<slug:condition_id>/", views.condition, name="condition"),
]
