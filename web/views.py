"""The web frontend's pages: each view renders a shell, and one ES module fills it
from the same REST API every other client uses.

The only decisions taken here are where a visitor belongs (signed in or not)
and which curated choices a page offers; no data of anyone is read.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY as TOTP_SECRET_SESSION_KEY
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods

from accounts import services as account_services
from checkins.content import FEELINGS
from checkins.models import CheckIn
from partners import services
from triggers.models import NEEDS, Boundary, Trigger

View = Callable[..., HttpResponse]


def _as_json(values: Any) -> str:
    return json.dumps(list(values))


MEMBERS = "members"  # signed-in people; others are sent to log in first
GUESTS = "guests"  # log in and sign up: signed-in people go on to where they were going
ANYONE = "anyone"  # links from emails, which may be opened in any browser


def _page(template: str, *, nav: str = "", access: str = MEMBERS, **context: Any) -> View:
    """A page shell for `template`; `nav` names the navigation entry to mark current."""

    @never_cache
    @ensure_csrf_cookie
    @require_GET
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if access == MEMBERS and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("login"))
        if access == GUESTS and request.user.is_authenticated:
            return HttpResponseRedirect(_safe_next(request))
        return render(request, template, {"nav": nav, **context, **kwargs})

    return view


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("today")


def home(request: HttpRequest) -> HttpResponse:
    return redirect("today" if request.user.is_authenticated else "login")


def signup_alias(request: HttpRequest) -> HttpResponse:
    """allauth's emails link to /account/signup (HEADLESS_FRONTEND_URLS)."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(reverse("signup") + (f"?{query}" if query else ""))


login = _page("web/login.html", access=GUESTS)
signup = _page("web/signup.html", access=GUESTS)
verify_email = _page("web/verify_email.html", access=ANYONE)
password_reset = _page("web/password_reset.html", access=ANYONE)
password_reset_key = _page("web/password_reset_key.html", access=ANYONE)

logout = _page("web/logout.html", nav="logout")
today = _page("web/today.html", nav="today")
invitations = _page("web/invitations.html", nav="invite")
mine = _page(
    "web/mine.html",
    nav="mine",
    categories=_as_json(Trigger.Category.values),
    areas=_as_json(Boundary.Area.values),
    firmness=_as_json(Boundary.Firmness.values),
    needs=_as_json(NEEDS),
)
partner = _page("web/partner.html", nav="partner")
checkin = _page(
    "web/checkin.html",
    nav="checkin",
    feelings=_as_json(FEELINGS),
    needs=_as_json(CheckIn.Need.values),
)
history = _page("web/history.html", nav="history")
# Everything I share now, each with a one-tap stop (linked from Mine).
shared = _page("web/shared.html", nav="mine")
# Both partners' shared check-ins over the weeks, with both partners' consent.
over_time = _page("web/over_time.html", nav="history")
settings_page = _page("web/settings.html", nav="settings")


# The invitation link, /invitation#<token>: the token stays in the fragment, which
# no browser sends to a server, and the page's script POSTs it to the API (to
# show who invited, then to accept). Nothing here ever sees it.
invitation = _page("web/invite.html", access=ANYONE)


@never_cache
@require_GET
def invite_retired(request: HttpRequest, token: str) -> HttpResponse:
    """Links from before the fragment (/invite/<token>) put the token in access
    logs, so the invitation they name is withdrawn, and nothing accepts here."""
    services.invitation_withdraw_exposed(token=token)
    response = render(request, "web/invite.html", {"retired": True}, status=410)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_GET
def totp_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the signed-in person's pending authenticator-app setup, as SVG.

    allauth keeps the secret of a setup in progress in the session (its
    `GET account/authenticators/totp` puts it there), under a key of its own
    internals: there is no public accessor. The picture is drawn here, not by a
    script from a CDN, and is never stored by any cache: it is the secret.
    """
    user = request.user
    secret = request.session.get(TOTP_SECRET_SESSION_KEY) if user.is_authenticated else None
    if (
        not secret
        or Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
    ):
        raise Http404
    adapter = get_mfa_adapter()
    svg = adapter.build_totp_svg(adapter.build_totp_url(user, secret))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


def _link_page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    response = render(request, template, context)
    # Links sent before the token moved to the fragment still carry `?t=`: the
    # page's own requests (its script, styles) then send only the origin as a
    # Referer, never the address; the API calls keep an Origin for the CSRF
    # check ("no-referrer" would send "null").
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@ensure_csrf_cookie
@require_GET
def reminder_link(request: HttpRequest) -> HttpResponse:
    """The reminder email's "Snooze it" and "Skip this one", signed out too:
    `/reminder#<token>`. A shell: its script reads the token from the fragment and
    POSTs it to the API (checkins/link_views.py), so the server never sees it in a
    URL. Opening the link acts on nothing (mail scanners follow links); a press
    acts once. See checkins/links.py."""
    return _link_page(request, "web/reminder_link.html")


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def email_unsubscribe(request: HttpRequest) -> HttpResponse:
    """An email's unsubscribe link.

    In a body it is `/email/unsubscribe#<token>`: a shell whose script POSTs the
    token to the API (accounts/views.py). The `List-Unsubscribe` header keeps
    `?t=<token>` (see accounts/email_preferences.unsubscribe_url): a mail
    provider's one-click unsubscribe POSTs there with no cookie and no CSRF
    token (RFC 8058), so that POST is answered here, the signed token being the
    whole authority; it can only stop one kind of email for one person."""
    if request.method != "POST":
        return _link_page(request, "web/email_unsubscribe.html")
    kind = account_services.email_unsubscribe(token=request.GET.get("t", ""))
    return _link_page(request, "web/email_unsubscribe.html", {"done": True, "kind": kind})


# --- The installable app: manifest, service worker, offline page ------------------

THEME_LIGHT = "#faf8f4"  # --bg in attune.css; the dark one is a <meta> in base.html
# What the service worker keeps for the app shell: every style, script and icon.
SHELL_FOLDERS = ("web/css", "web/js", "web/icons")


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    icons = [
        {"src": static(f"web/icons/{name}-{size}.png"), "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": purpose}
        for name, purpose in (("icon", "any"), ("maskable", "maskable"))
        for size in (192, 512)
    ]  # fmt: skip
    body = {
        "id": "/today",
        "name": "attune",
        "short_name": "attune",
        "description": "Understand each other better, one shared thing at a time.",
        "start_url": "/today",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_LIGHT,
        "background_color": THEME_LIGHT,
        "icons": icons,
    }
    response = HttpResponse(json.dumps(body, indent=2), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _shell_files() -> list[str]:
    """Static paths of the app shell, found as collectstatic would find them."""
    found: set[str] = {"web/favicon.svg"}
    for finder in finders.get_finders():
        for path, _storage in finder.list([]):
            normal = path.replace("\\", "/")
            if normal.startswith(SHELL_FOLDERS):
                found.add(normal)
    return sorted(found)


def _service_worker() -> str:
    return _service_worker_cached() if not settings.DEBUG else _service_worker_text()


@functools.cache
def _service_worker_cached() -> str:
    return _service_worker_text()


def _service_worker_text() -> str:
    """The worker's script, preceded by what it precaches and a version that changes
    whenever any of those files (or the worker) changes, so browsers update it."""
    files = _shell_files()
    digest = hashlib.sha256()
    for path in [*files, "web/sw.js"]:
        located = finders.find(path)
        if isinstance(located, str):
            digest.update(path.encode())
            digest.update(Path(located).read_bytes())
    shell = {
        "version": digest.hexdigest()[:16],
        "files": [static(path) for path in files],
        "offline": reverse("offline"),
    }
    located = finders.find("web/sw.js")
    script = Path(str(located)).read_text()
    return f"self.ATTUNE_SHELL = {json.dumps(shell)};\n{script}"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """`/sw.js`, at the root so that its scope is the whole site."""
    response = HttpResponse(_service_worker(), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


# What a page the worker has no copy of shows while offline (precached by it).
offline_page = _page("web/offline.html", access=ANYONE)
