from django.urls import path

import oversight.performance.urls  # noqa: F401  (the "period" path converter is registered there)
from oversight.casework import views

app_name = "casework"
urlpatterns = [
    path("measures/", views.measures, name="measures"),
    path("measures/<slug:measure>/", views.measure, name="measure"),
    path("measures/<slug:measure>/<period:period>/records/", views.records, name="records"),
    path("measures/<slug:measure>/watch/", views.watch, name="watch"),
    path("alliance/", views.alliance, name="alliance"),
    path("alliance/export.csv", views.alliance_export, name="alliance-export"),
    path("quality/", views.quality, name="quality"),
    path("quality/<str:la>/<slug:rule>/", views.quality_records, name="quality-records"),
]
