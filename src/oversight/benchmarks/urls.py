from django.urls import path

from oversight.benchmarks import views

app_name = "benchmarks"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", views.published_upload, name="import"),
    path("indicators/<str:code>/", views.indicator_benchmark, name="indicator"),
    path("indicators/<str:code>/link/", views.link_edit, name="link-edit"),
]
