"""The demo's promises to pay: late payers' promises of the last year, judged from the demo ledger."""

from collections import Counter

import pytest
from django.utils import timezone

from creditdesk.collections.models import PromiseToPay
from creditdesk.collections.services import paid_towards
from creditdesk.limits.tests.test_demo import TODAY, load

pytestmark = pytest.mark.django_db


def test_a_seed_gives_these_promises_each_judged_as_the_nightly_job_does():
    out = load()
    promises = list(PromiseToPay.objects.select_related("customer"))
    summary = Counter(promise.status for promise in promises)
    assert f"{len(promises)} promises to pay: {summary['kept']} kept, {summary['broken']} broken." in out
    assert summary == {"kept": 9, "broken": 19}
    for promise in promises:
        assert timezone.localdate(promise.recorded_at) < promise.promised_for
        if promise.status == "open":
            assert (promise.promised_for >= TODAY, promise.judged_on) == (True, None)
        else:
            assert promise.judged_on == TODAY
            assert (paid_towards(promise) >= promise.amount) == (promise.status == "kept")
