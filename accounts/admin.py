from django.contrib import admin

from accounts.models import ConsentEvent, Partnership, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "display_name", "is_active", "is_staff", "created_at"]
    search_fields = ["email"]
    fields = ["email", "display_name", "timezone", "is_active", "is_staff", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "ended_at"]
    readonly_fields = ["id", "created_at", "ended_at"]


@admin.register(ConsentEvent)
class ConsentEventAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "item_type", "created_at"]
    readonly_fields = ["user", "kind", "partnership", "item_type", "item_id", "created_at"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
