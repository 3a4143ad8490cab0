"""Test settings for the whole suite: files in a temporary folder, a fast password hash, browser tests only
where Debian's Chromium is installed."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def test_settings(settings: Any, tmp_path: Path) -> None:
    """Uploaded files and the exported audit heads in a temporary folder; a fast password hash, since tests log in
    hundreds of users."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CREDITDESK_AUDIT_HEAD_LOG = tmp_path / "audit-head.log"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def source_language() -> Iterator[None]:
    """Tests assert exact messages in the source language; each page request still picks its own."""
    with translation.override("en"):
        yield


@pytest.fixture
def manager(db: None) -> Any:
    """A credit manager: keeps credit files, sets exchange rates, reads the audit trail."""
    from creditdesk.testing.factories import UserFactory

    return UserFactory(username="wang.manager", role="credit_manager")


@pytest.fixture
def analyst(db: None) -> Any:
    """A credit analyst: keeps credit files and imports them."""
    from creditdesk.testing.factories import UserFactory

    return UserFactory(username="chen.analyst", role="credit_analyst")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason="browser tests need Debian's chromium at /usr/bin/chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config: pytest.Config) -> None:
    """Playwright's sync API runs an event loop in the test thread; the ORM calls between steps stay synchronous."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
