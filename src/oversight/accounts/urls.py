from django.urls import path

from oversight.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.audit, name="audit"),
    path("export.csv", views.audit_export, name="audit-export"),
]
