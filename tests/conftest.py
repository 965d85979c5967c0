"""Shared test configuration: hypothesis profiles.

``HYPOTHESIS_PROFILE=ci`` (what .ci/run sets) runs more examples than the default local profile;
``HYPOTHESIS_PROFILE=mutation`` runs few, for mutation testing, where the tests run once per mutant.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("mutation", max_examples=15, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
