"""The partnership, invitation, consent-log, notification and feed models now
belong to `partners` (its 0001). State only: their tables stay as they are.

It runs after triggers and check-ins point their foreign keys at
`partners.Partnership`, so nothing refers to the old models when they go.
"""

from django.db import migrations

MOVED = (
    "FeedEntry",
    "FeedState",
    "Invitation",
    "InvitedAddress",
    "ConsentEvent",
    "Notification",
    "Membership",
    "Partnership",
)


def move_content_types(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Admin log entries and permissions follow the models to their new app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for name in MOVED:
        model = name.lower()
        if not content_type.objects.filter(app_label="partners", model=model).exists():
            content_type.objects.filter(app_label="accounts", model=model).update(
                app_label="partners"
            )


def restore_content_types(apps, schema_editor):  # type: ignore[no-untyped-def]
    content_type = apps.get_model("contenttypes", "ContentType")
    for name in MOVED:
        model = name.lower()
        if not content_type.objects.filter(app_label="accounts", model=model).exists():
            content_type.objects.filter(app_label="partners", model=model).update(
                app_label="accounts"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_invitation_safety"),
        ("partners", "0001_initial"),
        ("triggers", "0003_partnership_moved"),
        ("checkins", "0003_partnership_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name=name) for name in MOVED
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
