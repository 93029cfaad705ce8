from django.urls import path

from oversight.committee import views

app_name = "committee"
urlpatterns = [
    path("scorecards/<slug:slug>/<period:period>/exceptions/", views.exceptions, name="exceptions"),
    path(
        "scorecards/<slug:slug>/<period:period>/exceptions.<str:fmt>", views.exceptions_export, name="exceptions-export"
    ),
]
