from django.urls import path, register_converter

from oversight.performance import views


class PeriodConverter:
    regex = r"[A-Z0-9-]{4,16}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(PeriodConverter, "period")

app_name = "performance"
urlpatterns = [
    path("", views.home, name="home"),
    path("scorecards/<slug:slug>/", views.scorecard_latest, name="scorecard-latest"),
    path("scorecards/<slug:slug>/<period:period>/", views.scorecard, name="scorecard"),
    path(
        "scorecards/<slug:slug>/<period:period>/export.<str:fmt>",
        views.scorecard_export,
        name="scorecard-export",
    ),
    path("scorecards/<slug:slug>/<period:period>/trend/", views.trend, name="trend"),
    path("scorecards/<slug:slug>/<period:period>/sign-off/", views.signoff_page, name="signoff"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
    path("indicators/<str:code>/<period:period>/edit/", views.indicator_edit, name="indicator-edit"),
    path("indicators/<str:code>/<period:period>/commentary/", views.commentary_edit, name="commentary-edit"),
    path("glossary/", views.glossary, name="glossary"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template_download, name="import-template"),
]
