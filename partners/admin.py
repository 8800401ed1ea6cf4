"""Staff see partnerships and the consent log, and change neither."""

from django.contrib import admin

from partners.models import ConsentEvent, Partnership


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "created_at", "ended_at"]
    readonly_fields = ["id", "created_at", "ended_at"]


@admin.register(ConsentEvent)
class ConsentEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "kind", "item_type", "created_at"]
    readonly_fields = ["user", "kind", "partnership", "item_type", "item_id", "created_at"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
