from django.urls import path

from oversight.onboarding import views

app_name = "onboarding"
urlpatterns = [
    path("", views.start, name="start"),
    path("jobs/<int:job_id>/", views.job, name="job"),
]
