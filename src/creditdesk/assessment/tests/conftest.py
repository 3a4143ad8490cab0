"""The customer most assessment tests start from: the hand-worked statement and five qualitative answers."""

import pytest

from creditdesk.assessment.tests.factories import customer_on_file


@pytest.fixture
def customer(analyst):
    return customer_on_file(analyst)
