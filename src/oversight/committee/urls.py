from django.urls import path

from oversight.committee import highlight_views, views

app_name = "committee"
urlpatterns = [
    path("scorecards/<slug:slug>/<period:period>/exceptions/", views.exceptions, name="exceptions"),
    path(
        "scorecards/<slug:slug>/<period:period>/exceptions.<str:fmt>", views.exceptions_export, name="exceptions-export"
    ),
    path("committees/", views.bodies, name="bodies"),
    path("committees/import/", views.committee_import_page, name="import"),
    path("committees/<slug:slug>/", views.body, name="body"),
    path("committees/<slug:slug>/work-programme/add/", views.work_item_edit, name="work-item-add"),
    path("committees/<slug:slug>/work-programme/<int:pk>/", views.work_item_edit, name="work-item-edit"),
    path("committees/<slug:slug>/resolutions/<int:pk>/", views.resolution_edit, name="resolution-edit"),
    path("committees/<slug:slug>/meetings/<str:on>/", views.meeting, name="meeting"),
    path("committees/<slug:slug>/meetings/<str:on>/pack.<str:fmt>", views.meeting_pack_download, name="meeting-pack"),
    path(
        "committees/<slug:slug>/meetings/<str:on>/items/<int:order>/report/", views.item_report_edit, name="item-report"
    ),
    path("committees/<slug:slug>/meetings/<str:on>/resolutions/add/", views.resolution_add, name="resolution-add"),
    path("highlight-reports/", highlight_views.highlight_reports, name="highlight-reports"),
    path("highlight-reports/new/", highlight_views.highlight_report_new, name="highlight-report-new"),
    path("highlight-reports/<slug:plan>/<str:on>/", highlight_views.highlight_report, name="highlight-report"),
    path(
        "highlight-reports/<slug:plan>/<str:on>/report.<str:fmt>",
        highlight_views.highlight_report_download,
        name="highlight-report-download",
    ),
    path(
        "highlight-reports/<slug:plan>/<str:on>/add/",
        highlight_views.highlight_entry_add,
        name="highlight-entry-add",
    ),
]
