from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.errors import InvalidInvitation
from attune.errors import DomainError


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link. GET only shows it: mail scanners follow links, so
    accepting takes an explicit POST from a signed-in person."""
    context: dict[str, object] = {"token": token}
    status = 200
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.invitation_accept(token=token, user=request.user)  # type: ignore[arg-type]
            context["accepted"] = True
        except DomainError as error:
            context["error"] = error.message
            status = error.status
    else:
        invitation = selectors.invitation_pending_by_token(token=token)
        if invitation is None:
            context["error"] = InvalidInvitation.message
            status = 404
        else:
            context["inviter_name"] = invitation.inviter.public_name
            context["expires_at"] = invitation.expires_at
    response = render(request, "web/invite.html", context, status=status)
    # The token is in the URL: never hand it to another site.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
