from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """attune's allauth adapter: users carry no username."""

    def populate_username(self, request, user):  # type: ignore[no-untyped-def]
        return None
