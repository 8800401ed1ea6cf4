from django.apps import AppConfig


class TriggersConfig(AppConfig):
    name = "triggers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Triggers, boundaries and self-care notes are shareable kinds; questions follow them."""
        from partners import kinds
        from triggers import exports, selectors, services
        from triggers.models import Boundary, SelfCareNote, Trigger
        from triggers.serializers import (
            BoundarySerializer,
            PartnerBoundarySerializer,
            PartnerSelfCareNoteSerializer,
            PartnerTriggerSerializer,
            QuestionSerializer,
            SelfCareNoteSerializer,
            TriggerSerializer,
        )

        kinds.register(
            kinds.Kind(
                model=Trigger,
                sync_type="trigger",
                partner_sync_type="partner_trigger",
                owner_serializer=TriggerSerializer,
                partner_serializer=PartnerTriggerSerializer,
                shared_fields=Trigger.SHARED_FIELDS,
                export=("triggers", exports.export_triggers),
                cleared_when_unshared=("acknowledged_at",),
                threads=selectors.threads_on,
            )
        )
        kinds.register(
            kinds.Kind(
                model=Boundary,
                sync_type="boundary",
                partner_sync_type="partner_boundary",
                owner_serializer=BoundarySerializer,
                partner_serializer=PartnerBoundarySerializer,
                shared_fields=Boundary.SHARED_FIELDS,
                export=("boundaries", exports.export_boundaries),
                cleared_when_unshared=("acknowledged_at",),
                threads=selectors.threads_on,
            )
        )
        kinds.register(
            kinds.Kind(
                model=SelfCareNote,
                sync_type="self_care",
                partner_sync_type="partner_self_care",
                owner_serializer=SelfCareNoteSerializer,
                partner_serializer=PartnerSelfCareNoteSerializer,
                shared_fields=SelfCareNote.SHARED_FIELDS,
                export=("self_care", exports.export_self_care),
                cleared_when_unshared=("acknowledged_at",),
                threads=selectors.threads_on,
            )
        )
        kinds.register_related(
            kinds.Related(
                sync_type="question",
                rows=selectors.questions_visible,
                serializer=QuestionSerializer,
                on_partnership_end=services.threads_ended,
                on_owner_leaving=services.answers_erase,
            )
        )
        kinds.register_export("questions", exports.export_questions)
