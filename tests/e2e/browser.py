"""Tools the browser tests share: a watch for console errors and CSP violations,
screenshots at two widths in light and dark, axe-core, and the steps every person
takes (sign up, log in, open a page and wait until it has loaded)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    ViewportSize,
    expect,
)

from tests.factories import PASSWORD

SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
WIDTHS = (360, 1280)
# The colour schemes a page is seen in (the device's `prefers-color-scheme`).
Scheme = Literal["light", "dark"]
SCHEMES: tuple[Scheme, ...] = ("light", "dark")
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}

# The `new_context` fixture: a browser context, watched unless it bypasses CSP.
NewContext = Callable[..., BrowserContext]

# A page's script reports every CSP violation it sees; Chromium also logs its own
# "Refused to …" error. Either one fails the test.
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""

# Chromium logs every 4xx answer to fetch() as a console error. For the API
# those are answers the pages expect and handle (404: no partnership yet).
_HANDLED = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")
_API_PATHS = ("/api/v1/", "/_allauth/")


@dataclass
class Watch:
    """Everything that went wrong in the pages of the contexts it watches."""

    problems: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> BrowserContext:
        context.add_init_script(REPORT_CSP)
        context.on("page", self._watch_page)
        for page in context.pages:
            self._watch_page(page)
        return context

    def _watch_page(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if _HANDLED.match(message.text) and any(p in url for p in _API_PATHS):
            return
        self.problems.append(f"console error at {url}: {message.text}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 500:
            self.problems.append(f"{response.status} from {response.url}")

    def assert_clean(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


def open_page(page: Page, url: str) -> Page:
    """Go to `url` and wait until its module has filled it (main is no longer busy)."""
    page.goto(url)
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    return page


def shoot(page: Page, name: str) -> None:
    """A full-page screenshot at each width, under var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def in_scheme(page: Page, scheme: Scheme) -> None:
    """Show the page as a device set to `scheme` would: its CSS follows at once."""
    page.emulate_media(color_scheme=scheme)
    assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")


def shoot_schemes(page: Page, name: str) -> None:
    """shoot() in light (name-360.png…) and dark (name-dark-360.png…); back to light after."""
    for scheme in SCHEMES:
        in_scheme(page, scheme)
        shoot(page, name if scheme == "light" else f"{name}-dark")
    in_scheme(page, "light")


def axe_source() -> str:
    if not AXE_SOURCE.exists():
        raise AssertionError(f"{AXE_SOURCE} is missing: run `npm ci` at the repository root.")
    return AXE_SOURCE.read_text()


def axe_violations(page: Page, source: str) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now. The context must bypass CSP."""
    # Once per document (a tenth of a second each time): each run reads the page
    # as it is then, whatever width or colour scheme it has been given since.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=source)
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => {
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
          }));
        }"""
    )
    return violations


def blocking(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'])}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


def write_axe_report(report: dict[str, list[dict[str, Any]]]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "axe-report.json").write_text(json.dumps(report, indent=2, sort_keys=True))


def sign_up(page: Page, base: str, *, name: str, email: str, path: str = "/signup") -> None:
    open_page(page, base + path)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()


def log_in(page: Page, base: str, *, email: str) -> None:
    open_page(page, f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/today")


def with_virtual_authenticator(context: BrowserContext, page: Page) -> None:
    """A platform passkey store that says yes, as a phone's fingerprint reader would."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
