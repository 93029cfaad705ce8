from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.views import serve
from django.urls import include, path, re_path

from oversight.accounts.views import SignInView
from oversight.api.views import api

# A database failure outside the views (a middleware reading the session) answers as one inside them does.
handler500 = "oversight.middleware.server_error"

urlpatterns = [
    path("accounts/sign-in/", SignInView.as_view(), name="sign-in"),
    path("accounts/sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("audit/", include("oversight.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("oversight.improvement.urls")),
    path("benchmarks/", include("oversight.benchmarks.urls")),
    path("casework/", include("oversight.casework.urls")),
    path("start/", include("oversight.onboarding.urls")),
    path("", include("oversight.performance.urls")),
    path("", include("oversight.committee.urls")),  # after performance, whose period converter it uses
]

if getattr(settings, "OVERSIGHT_SERVE_STATIC", False):
    # The embedded demo serves its static files itself, the admin site's included, from where each app keeps them
    # (no collectstatic step); production puts a web server in front.
    urlpatterns.append(re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True}, name="static"))
