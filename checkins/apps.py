from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from checkins import exports, receivers  # noqa: F401  (connects to accounts' hooks)

        exports.register()
