"""Playwright fixtures: one Chromium per session, a fresh context (cookies, storage) per test.

The browser is Debian's Chromium at /usr/bin/chromium; Playwright never downloads one.
Every context sends `Accept-Language: zh-CN`, like the department's own browsers, so a page
opens in the default Simplified Chinese unless a test picks English.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("/tmp/browser-shots")
TIMEOUT_MS = 10_000

@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(chromium: Browser, live_server: Any) -> Iterator[BrowserContext]:
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 860},
                                   accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def log_in(context: BrowserContext, live_server: Any) -> Callable[[User], None]:
    """Give the browser a session for `user` without the login form (test_login covers the form)."""

    def log_in(user: User) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in


@pytest.fixture
def english(context: BrowserContext, live_server: Any) -> None:
    """The language cookie the sidebar switch sets, so the page texts are the English source texts."""
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """Full-page screenshots go to /tmp/browser-shots/, outside the repository."""

    def screenshot(page: Page, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return screenshot

