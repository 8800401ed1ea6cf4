"""Staff see that items exist and how they are shared, never what they say."""

from django.contrib import admin

from triggers.models import Boundary, SelfCareNote, Trigger

METADATA = ("id", "owner", "shared_with", "shared_at", "created_at", "updated_at")


class MetadataOnlyAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "shared_at", "created_at"]
    fields = METADATA
    readonly_fields = METADATA

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(Trigger, MetadataOnlyAdmin)
admin.site.register(Boundary, MetadataOnlyAdmin)
admin.site.register(SelfCareNote, MetadataOnlyAdmin)
