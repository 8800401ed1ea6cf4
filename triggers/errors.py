from attune.errors import Conflict


class NoPartner(Conflict):
    code = "no_partner"
    message = "You have no partner to share with right now."
