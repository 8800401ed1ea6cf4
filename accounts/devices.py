"""A device in plain words, from its user agent: what a security notice says
instead of the header itself, which a client writes as it likes (a URL in it
would reach the account's inbox under attune's name). The web app's Settings
names devices the same way (web/static/web/js/lib/devices.js)."""

from __future__ import annotations

import re

_BROWSERS = [
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
]
_SYSTEMS = [
    (r"iPhone", "an iPhone"),
    (r"iPad", "an iPad"),
    (r"Android", "Android"),
    (r"CrOS", "ChromeOS"),
    (r"Windows", "Windows"),
    (r"Macintosh|Mac OS X", "a Mac"),
    (r"Linux", "Linux"),
]


def _first(rules: list[tuple[str, str]], text: str) -> str | None:
    return next((name for pattern, name in rules if re.search(pattern, text)), None)


def device_name(user_agent: str | None) -> str:
    """ "Firefox on Windows", "The attune app", "A device we don't recognise"."""
    text = user_agent or ""
    browser, system = _first(_BROWSERS, text), _first(_SYSTEMS, text)
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    if system:
        return f"A device running {re.sub(r'^an? ', '', system)}"
    if re.match(r"attune|okhttp|CFNetwork|Dart/", text, re.IGNORECASE):
        return "The attune app"
    return "A device we don't recognise"
