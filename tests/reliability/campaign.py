"""Shared by the reliability campaign: the Hypothesis settings and the count of generated cases.

Every property runs under :data:`CAMPAIGN`: derandomized (the same cases on every run and
machine, so CI is reproducible), no deadline (JAX compiles on first use) and no example
database. ``RNN_NODES_CAMPAIGN_SCALE=10 pytest tests/reliability`` multiplies every
``max_examples`` by 10 for a longer search. The cases each property ran are counted by
:func:`count` and printed at the end of the test session (``conftest.py``).
"""

import collections
import os

from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("RNN_NODES_CAMPAIGN_SCALE", "1"))

CAMPAIGN = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)

CASES = collections.Counter()
"""Property name -> generated cases run in this session."""


def examples(n):
    """Settings of the campaign with ``n`` examples (times ``RNN_NODES_CAMPAIGN_SCALE``)."""
    return settings(CAMPAIGN, max_examples=max(1, round(n * SCALE)))


def count(name):
    """Count one generated case of the property ``name``."""
    CASES[name] += 1
