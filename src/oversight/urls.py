from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve

from oversight.accounts.views import SignInView

urlpatterns = [
    path("accounts/sign-in/", SignInView.as_view(), name="sign-in"),
    path("accounts/sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("audit/", include("oversight.accounts.urls")),
    path("admin/", admin.site.urls),
    path("casework/", include("oversight.casework.urls")),
    path("", include("oversight.performance.urls")),
]

if getattr(settings, "OVERSIGHT_SERVE_STATIC", False):
    # The embedded demo serves its own few static files; production puts a web server in front.
    urlpatterns.append(
        re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.PACKAGE_DIR / "static"}, name="static")
    )
