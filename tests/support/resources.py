"""What some tests need beyond this checkout, and the one line a run prints when it is missing.

A test marked with a resource's name is left out (deselected) where the resource is missing, and
the run ends with one line per missing resource instead of one skip line per test. Under CI the
PostgreSQL and browser tests are never left out: their fixtures fail, since ``.ci/run`` provides both.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.shared import CASES_DIR


@dataclass(frozen=True)
class Resource:
    marker: str
    tests: str
    missing_because: str
    available: Callable[[], bool]
    required_under_ci: bool


RESOURCES = (
    Resource(
        "postgres",
        "PostgreSQL tests",
        "SFN_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL and sets it)",
        lambda: bool(os.environ.get("SFN_TEST_POSTGRES_URL")),
        required_under_ci=True,
    ),
    Resource(
        "conformance",
        "tests of AWS-recorded cases",
        f"{CASES_DIR} is absent (CI has ../shared beside the checkout)",
        CASES_DIR.is_dir,
        required_under_ci=False,
    ),
    Resource(
        "container",
        "container-stack tests",
        "SFN_TEST_CONTAINER_STACK does not name container-stack.sh (README: Compose)",
        lambda: bool(os.environ.get("SFN_TEST_CONTAINER_STACK")),
        required_under_ci=False,
    ),
    Resource(
        "browser",
        "browser tests",
        "Debian's chromium is not installed (.ci/run installs it)",
        lambda: shutil.which("chromium") is not None,
        required_under_ci=True,
    ),
)


def missing_resource(markers: set[str]) -> Resource | None:
    """The first resource among ``markers`` that this run lacks and may leave out, if any."""
    under_ci = bool(os.environ.get("CI"))
    for resource in RESOURCES:
        lacking = resource.marker in markers and not resource.available()
        if lacking and not (under_ci and resource.required_under_ci):
            return resource
    return None
