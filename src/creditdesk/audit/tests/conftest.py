"""Every audit test hashes under a known key; heads go to the test's own log (the root conftest sets it)."""

from pathlib import Path
from typing import Any

import pytest

KEY = "test audit key"


@pytest.fixture(autouse=True)
def audit_key(settings: Any) -> str:
    settings.CREDITDESK_AUDIT_KEY = KEY
    return KEY


@pytest.fixture
def head_log(settings: Any) -> Path:
    return Path(settings.CREDITDESK_AUDIT_HEAD_LOG)
