from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """A check-in answer is a shareable kind."""
        from checkins import exports, selectors
        from checkins.models import CheckIn
        from checkins.serializers import CheckInSerializer, PartnerCheckInSerializer
        from partners import kinds

        kinds.register(
            kinds.Kind(
                model=CheckIn,
                sync_type="checkin",
                partner_sync_type="partner_checkin",
                owner_serializer=CheckInSerializer,
                partner_serializer=PartnerCheckInSerializer,
                shared_fields=CheckIn.SHARED_FIELDS,
                export=("checkins", exports.export_checkins),
                owner_rows=lambda viewer: selectors.checkins_of(viewer=viewer),
                partner_rows=lambda viewer: selectors.partner_checkins(viewer=viewer),
                rows_among=selectors.checkin_rows_among,
            )
        )
