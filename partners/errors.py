"""The consent kernel's domain errors (each maps to the shared API error shape)."""

from attune.errors import Conflict, DomainError, Invalid


class InvalidInvitation(Invalid):
    code = "invalid_invitation"
    message = "We don't recognise this invitation link."


# What the holder of a link may learn about that one link (never about its inviter):
# each way it stopped working has its own code, so the page can say what to do next.
class ExpiredInvitation(InvalidInvitation):
    code = "invitation_expired"
    message = "This invitation link has expired."


class WithdrawnInvitation(InvalidInvitation):
    code = "invitation_withdrawn"
    message = "This invitation link was withdrawn by the person who made it."


class UsedInvitation(InvalidInvitation):
    code = "invitation_used"
    message = "This invitation link has already been used: each link works once."


class OwnInvitation(Invalid):
    code = "own_invitation"
    message = "You cannot accept your own invitation."


class AlreadyPaired(Conflict):
    code = "already_paired"
    message = "One of you already has a partner on attune."


class NoPartner(Conflict):
    code = "no_partner"
    message = "You have no partner to share with right now."


class TooManyInvitationEmails(DomainError):
    status = 429
    code = "throttled"
    message = (
        "You have sent this address as many invitation emails as we send in a day. "
        "You can still make a link without an email and pass it on yourself, "
        "or try again tomorrow."
    )


class ResyncRequired(DomainError):
    """A sync cursor from before what the feed still keeps (`STREAM_RETENTION_DAYS`)."""

    status = 410
    code = "resync_required"
    message = (
        "This cursor is older than what we keep. Start again without a cursor "
        "to receive everything you can see now."
    )
