from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.sessions import ReauthenticatedSessionsView
from attune.api.views import not_found
from attune.health import healthz

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("partners.urls")),
    path("", include("triggers.urls")),
    path("", include("checkins.urls")),
    path("", include("sync.urls")),
    path("", include("push.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Ending sessions needs a recent re-authentication; ahead of allauth's own route.
    *[
        path(
            f"_allauth/{client}/v1/auth/sessions",
            ReauthenticatedSessionsView.as_api_view(client=client),
        )
        for client in ("app", "browser")
    ],
    # attune keeps no phone numbers: allauth's phone endpoints would call adapter
    # methods that do not exist (a 500), so they answer 404 like any unknown path.
    re_path(r"^_allauth/(app|browser)/v1/(account/phone|auth/phone/.*)$", not_found),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("web.urls")),
]

if settings.ADMIN_ENABLED:
    urlpatterns.insert(0, path("admin/", admin.site.urls))
