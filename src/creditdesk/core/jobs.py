"""The daily job list: each domain adds its nightly step here, in the order they must run."""

from collections.abc import Callable

from creditdesk.audit.services import seal_audit_chain
from creditdesk.collections.services import judge_promises
from creditdesk.limits.overrides import lapse_releases
from creditdesk.limits.services import run_limit_calendar

DAILY_JOBS: list[tuple[str, Callable[[], object]]] = [
    ("credit limit calendar", run_limit_calendar),
    ("lapsed order releases", lapse_releases),
    ("promises to pay", judge_promises),
    ("seal audit chain", seal_audit_chain),
]


def run_daily_jobs() -> dict[str, object]:
    """Run every daily job in order and report what each did."""
    return {name: job() for name, job in DAILY_JOBS}

