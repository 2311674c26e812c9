"""Fixtures of the Python package's tests: the demo, the national files (``OMZIEN_DATA``, as
the Rust tests read them) and the command line they are checked against (``OMZIEN_BIN``).

Without the national files or the binary a test skips with the reason, except under
``CI=true``, where their absence fails.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

import omzien

REPO = Path(__file__).resolve().parents[3]
IN_CI = os.environ.get("CI") == "true"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def demo() -> omzien.Dataset:
    return omzien.demo()


@pytest.fixture(scope="session")
def national_dir() -> Path:
    root = Path(os.environ.get("OMZIEN_DATA", REPO.parent / "shared" / "data"))
    d = root / "rivm-50090NED"
    if not d.is_dir():
        _missing(f"national files not found at {d} (set OMZIEN_DATA)")
    return d


@pytest.fixture(scope="session")
def national(national_dir: Path) -> omzien.Dataset:
    return omzien.load(national_dir)


def _binary() -> Path | None:
    if "OMZIEN_BIN" in os.environ:
        return Path(os.environ["OMZIEN_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    for profile in ("debug", "release"):
        b = target / profile / "omzien"
        if b.is_file():
            return b
    return None


def binary_path() -> Path:
    """The ``omzien`` binary the answers are checked against."""
    b = _binary()
    if b is None or not b.is_file():
        _missing("the omzien binary was not found (build it, or set OMZIEN_BIN)")
    assert b is not None
    return b


@pytest.fixture(scope="session")
def cli() -> Callable[..., Any]:
    """Runs the ``omzien`` command line and parses its ``--format json`` answer."""
    b = binary_path()

    def run(*args: str) -> Any:
        out = subprocess.run(
            [str(b), *args, "--format", "json"], check=True, capture_output=True, text=True
        )
        return json.loads(out.stdout)

    return run
