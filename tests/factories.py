from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, User
from accounts.tokens import hash_token
from triggers.models import Boundary, Question, Trigger

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


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question on a trigger (pass `trigger=None, boundary=…` for a boundary).

    Asked in the asker's current partnership unless `partnership=` says otherwise.
    """

    class Meta:
        model = Question

    trigger = factory.SubFactory(TriggerFactory)
    boundary = None
    asker = factory.SubFactory(UserFactory)
    partnership = factory.LazyAttribute(
        lambda o: Membership.objects.get(user=o.asker, ended_at=None).partnership
    )
    text = factory.Sequence(lambda n: f"Question {n}?")
