"""Test-suite glue: make `utils` importable and print how long each lesson notebook took."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NOTEBOOK_SECONDS: dict[str, float] = defaultdict(float)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep each file's tests on one xdist worker (a notebook's cells share one kernel), unless a test names its own
    group: `--dist loadgroup` then spreads the lesson smoke runs one by one."""
    for item in items:
        if not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up the run time of every notebook's cells."""
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        NOTEBOOK_SECONDS[path] += report.duration


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print one line per notebook with its run time."""
    if NOTEBOOK_SECONDS:
        terminalreporter.section("notebook run times (tiny profile)")
        for path, seconds in sorted(NOTEBOOK_SECONDS.items()):
            terminalreporter.write_line(f"{seconds:7.1f} s  {path}")
        terminalreporter.write_line(f"{sum(NOTEBOOK_SECONDS.values()):7.1f} s  in all")
