from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.http import HttpRequest

from accounts.models import User


class ViewOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Who someone is (their address, staff or superuser) never changes here: a
    staff account that is misused, or taken over, must not be able to move an
    account to another inbox or make itself more powerful. People are created by
    signing up; staff and superusers by `manage.py createsuperuser`."""

    list_display = ["email", "display_name", "is_active", "is_staff", "created_at"]
    search_fields = ["email"]
    fields = [
        "email",
        "display_name",
        "timezone",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
        "created_at",
    ]
    readonly_fields = ["email", "is_staff", "is_superuser", "last_login", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# allauth's own admins would let staff add, verify and make primary any address
# (the takeover of issue 11), read an authenticator's secret, and read the
# session keys that are app clients' tokens. Addresses stay out of the admin;
# authenticators and signed-in devices can be looked at, never their secrets.
for model in (EmailAddress, EmailConfirmation, Authenticator, UserSession):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Authenticator)
class AuthenticatorAdmin(ViewOnlyAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    fields = ["user", "type", "created_at", "last_used_at"]


@admin.register(UserSession)
class UserSessionAdmin(ViewOnlyAdmin):
    list_display = ["user", "created_at", "last_seen_at", "ip", "user_agent"]
    fields = ["user", "created_at", "last_seen_at", "ip", "user_agent"]
