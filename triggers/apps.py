from django.apps import AppConfig


class TriggersConfig(AppConfig):
    name = "triggers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from triggers import exports, receivers  # noqa: F401  (connects to accounts' hooks)

        exports.register()
