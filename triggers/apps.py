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

        # The three kinds differ only in these; the rest is what they share.
        for model, sync_type, owner, partner, export in (
            (Trigger, "trigger", TriggerSerializer, PartnerTriggerSerializer,
             ("triggers", exports.export_triggers)),
            (Boundary, "boundary", BoundarySerializer, PartnerBoundarySerializer,
             ("boundaries", exports.export_boundaries)),
            (SelfCareNote, "self_care", SelfCareNoteSerializer, PartnerSelfCareNoteSerializer,
             ("self_care", exports.export_self_care)),
        ):  # fmt: skip
            kinds.register(
                kinds.Kind(
                    model=model,
                    sync_type=sync_type,
                    partner_sync_type=f"partner_{sync_type}",
                    owner_serializer=owner,
                    partner_serializer=partner,
                    shared_fields=model.SHARED_FIELDS,
                    export=export,
                    cleared_when_unshared=("acknowledged_at",),
                    threads=selectors.threads_on,
                )
            )
        kinds.register_related(
            kinds.Related(
                sync_type="question",
                rows=selectors.questions_visible,
                rows_among=selectors.questions_among,
                serializer=QuestionSerializer,
                on_partnership_end=services.threads_ended,
                on_owner_leaving=services.answers_erase,
            )
        )
        kinds.register_export("questions", exports.export_questions)
