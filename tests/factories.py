from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.tokens import hash_token

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
