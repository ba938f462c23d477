"""Every lesson runs top to bottom in `small` and in `full` against the offline stand-ins of the hub models and data
sets (`utils.course.hub_standins`), as a smoke run: COURSE_SMOKE=1 caps steps and rows, and claims about what training
achieves are printed, not checked (random stand-ins learn nothing in two steps). Any other error (API, dtype, shape,
schema, device, a missing file) fails the test. `full` runs on the CPU here; benchmarks/gpu_check.py covers the
GPU."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from utils.course import hub_standins

pytestmark = pytest.mark.slow  # every lesson, twice

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
CASES = [pytest.param(path, profile, id=f"{path.stem}-{profile}") for profile in ("small", "full") for path in LESSONS]


@pytest.fixture(scope="session")
def standin_env() -> dict[str, str]:
    """The environment that points the Hugging Face libraries at the stand-ins (built once, then cached)."""
    return hub_standins.environment(hub_standins.write(hub_standins.default_root()))


@pytest.mark.parametrize(("path", "profile"), CASES)
def test_lesson_runs_on_standins(path: Path, profile: str, standin_env: dict[str, str]) -> None:
    """The lesson runs top to bottom in `profile` against the stand-ins, offline, with steps and rows capped."""
    env = os.environ | standin_env | {"COURSE_PROFILE": profile, "COURSE_SMOKE": "1", "OMP_NUM_THREADS": "1"}
    run = subprocess.run([sys.executable, "-m", "utils.course.notebooks", "run", "--profile", profile, str(path)],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
