"""One response per person per check-in: where several exist, the latest stays."""

from django.conf import settings
from django.db import migrations, models


def keep_the_latest(apps, schema_editor):  # type: ignore[no-untyped-def]
    Response = apps.get_model("checkins", "Response")
    seen: set[tuple[object, object]] = set()
    older = []
    latest_first = Response.objects.exclude(checkin=None).order_by(
        "checkin_id", "responder_id", "-created_at", "-id"
    )
    for pk, checkin_id, responder_id in latest_first.values_list(
        "pk", "checkin_id", "responder_id"
    ):
        if (checkin_id, responder_id) in seen:
            older.append(pk)
        else:
            seen.add((checkin_id, responder_id))
    Response.objects.filter(pk__in=older).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0003_partnership_moved"),
        ("partners", "0003_over_time"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(keep_the_latest, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.UniqueConstraint(
                condition=models.Q(("checkin__isnull", False)),
                fields=("checkin", "responder"),
                name="one_response_per_person",
            ),
        ),
    ]
