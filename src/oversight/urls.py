from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("accounts/sign-in/", auth_views.LoginView.as_view(template_name="sign_in.html"), name="sign-in"),
    path("accounts/sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("admin/", admin.site.urls),
    path("", include("oversight.performance.urls")),
]

if getattr(settings, "OVERSIGHT_SERVE_STATIC", False):
    # The embedded demo serves its own few static files; production puts a web server in front.
    urlpatterns.append(re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.PACKAGE_DIR / "static"}))
