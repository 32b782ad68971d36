"""Shared fixtures: the sample plans in samples/ and the optional ../shared folder beside the checkout.

``../shared`` (real plans, the output contract) sits next to the checkout on the project's
machines and may be missing on a user's machine: tests that need it skip with a reason, never fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GRAMMARS = ROOT / "grammars"
SHARED = Path(__file__).resolve().parents[2] / "shared"
REALPLANS = SHARED / "realplans"

SAMPLE_PATHS: list[Path] = sorted(SAMPLES.glob("*.txt"))
REALPLAN_PATHS: list[Path] = sorted(REALPLANS.glob("*.txt")) if REALPLANS.is_dir() else []

SHARED_MISSING = f"{SHARED} is absent: the shared real-plan folder lives beside the checkout on the project's machines only"


def require_shared(sub: str = "") -> Path:
    """Return ``SHARED / sub``, or skip the calling test with a clear reason when it is absent."""
    path = SHARED / sub if sub else SHARED
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared folder lives beside the checkout on the project's machines only")
    return path


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    assert SAMPLES.is_dir(), f"samples/ missing at {SAMPLES}"
    return SAMPLES


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    assert SAMPLE_PATHS, f"no *.txt samples in {SAMPLES}"
    return SAMPLE_PATHS


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout; skips the test when it does not exist."""
    return require_shared()


@pytest.fixture(scope="session")
def realplans_dir() -> Path:
    """../shared/realplans; skips the test when it does not exist."""
    return require_shared("realplans")
