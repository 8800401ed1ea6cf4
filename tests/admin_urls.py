"""The site's URLs with the Django admin mounted, as ADMIN_ENABLED=true serves them."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("attune.urls")),
]
