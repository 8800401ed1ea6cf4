from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import User
from partners.models import Invitation, Membership
from partners.tokens import hash_token
from triggers.models import Boundary, Question, SelfCareNote, Trigger

PASSWORD = "a quiet place to talk"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save(update_fields=["password"])


class InvitationFactory(factory.django.DjangoModelFactory):
    """Pass `token=` to know the raw token; the row stores only its hash."""

    class Meta:
        model = Invitation
        exclude = ["token"]

    inviter = factory.SubFactory(UserFactory)
    token = factory.Sequence(lambda n: f"test-token-{n}-0123456789abcdef")
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=72))


class TriggerFactory(factory.django.DjangoModelFactory):
    """Private until shared: pass `shared_with=` a partnership (and `shared_at=`) to share."""

    class Meta:
        model = Trigger

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Trigger {n}")
    category = Trigger.Category.SITUATION
    intensity = 3


class BoundaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Boundary

    owner = factory.SubFactory(UserFactory)
    statement = factory.Sequence(lambda n: f"Boundary {n}")
    area = Boundary.Area.TIME
    firmness = Boundary.Firmness.FIRM


class SelfCareNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfCareNote

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Self-care note {n}")
    effect = SelfCareNote.Effect.RESTORES


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question on a trigger (pass `item=…` for another item).

    Asked in the asker's current partnership unless `partnership=` says otherwise.
    """

    class Meta:
        model = Question

    class Params:
        item = factory.SubFactory(TriggerFactory)

    item_type = factory.LazyAttribute(lambda o: o.item.KIND)
    item_id = factory.LazyAttribute(lambda o: o.item.pk)
    asker = factory.SubFactory(UserFactory)
    partnership = factory.LazyAttribute(
        lambda o: Membership.objects.get(user=o.asker, ended_at=None).partnership
    )
    text = factory.Sequence(lambda n: f"Question {n}?")


# Check-ins. The models are named by label: this block only appends to the file.


class ScheduleFactory(factory.django.DjangoModelFactory):
    """Inactive unless told; `services.schedule_save` plans `next_due_at` for real."""

    class Meta:
        model = "checkins.Schedule"

    user = factory.SubFactory(UserFactory)
    weekdays = factory.LazyFunction(lambda: [0])
    times = factory.LazyFunction(lambda: ["20:00"])
    timezone = "UTC"


class PromptFactory(factory.django.DjangoModelFactory):
    """A pending reminder, each one for its own hourly slot (unique per user)."""

    class Meta:
        model = "checkins.Prompt"

    user = factory.SubFactory(UserFactory)
    slot_at = factory.Sequence(
        lambda n: (
            timezone.now().replace(minute=0, second=0, microsecond=0)
            - timedelta(days=30)
            + timedelta(hours=n)
        )
    )
    due_at = factory.LazyAttribute(lambda o: o.slot_at)
    question = 0


class CheckInFactory(factory.django.DjangoModelFactory):
    """A private answer: pass `shared_with=` a partnership (and `shared_at=`) to share.
    Link triggers afterwards with `checkin.triggers.set(...)`."""

    class Meta:
        model = "checkins.CheckIn"

    owner = factory.SubFactory(UserFactory)
    pleasantness = 0
    energy = 0
    note = factory.Sequence(lambda n: f"Check-in note {n}")


class ResponseFactory(factory.django.DjangoModelFactory):
    """The partner's response, given in the partnership the check-in is shared with."""

    class Meta:
        model = "checkins.Response"

    checkin = factory.SubFactory(CheckInFactory)
    responder = factory.SubFactory(UserFactory)
    partnership = factory.LazyAttribute(lambda o: o.checkin.shared_with)
    kind = "heard"
    note = factory.Sequence(lambda n: f"Response note {n}")
