from django.apps import AppConfig


class PushConfig(AppConfig):
    name = "push"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """The devices' labels are part of `me/export` (never their keys)."""
        from partners import kinds
        from push import exports

        kinds.register_export("push_devices", exports.export_devices)
