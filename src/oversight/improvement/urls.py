from django.urls import path

from oversight.improvement import views

app_name = "improvement"
urlpatterns = [
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/<slug:slug>/", views.inspection, name="inspection"),
    path("inspections/areas/<slug:area_key>/", views.area_history, name="area-history"),
    path("plans/", views.plans, name="plans"),
    path("plans/import/", views.plan_import, name="plan-import"),  # before plans/<slug>/, which would match it
    path("plans/<slug:slug>/", views.plan_on_a_page, name="plan"),
    path("plans/<slug:slug>/export.<str:fmt>", views.plan_export, name="plan-export"),
    path("plans/<slug:slug>/recommendations/<int:order>/", views.recommendation, name="recommendation"),
    path(
        "plans/<slug:slug>/recommendations/<int:order>/actions/<int:action>/",
        views.action_edit,
        name="action-edit",
    ),
    path(
        "plans/<slug:slug>/recommendations/<int:order>/actions/<int:action>/progress/",
        views.checkpoint_edit,
        name="checkpoint-edit",
    ),
    path("plans/<slug:slug>/recommendations/<int:order>/decision/", views.decision_record, name="decision"),
    path("plans/<slug:slug>/recommendations/<int:order>/evidence/", views.evidence_add, name="evidence-add"),
    path("plans/<slug:slug>/recommendations/<int:order>/due/", views.due_revise, name="due-revise"),
]
