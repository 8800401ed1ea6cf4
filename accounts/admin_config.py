from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin on attune's site (accounts.admin_site); this module stays
    free of models, as INSTALLED_APPS loads it before any."""

    default_site = "accounts.admin_site.AdminSite"
