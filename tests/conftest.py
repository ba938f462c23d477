"""Test-suite glue: make `utils` importable and print how long each lesson notebook took."""

from __future__ import annotations

import os
from collections import defaultdict

import pytest

NOTEBOOK_SECONDS: dict[str, float] = defaultdict(float)


@pytest.hookimpl(optionalhook=True)  # defined by xdist: absent under -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """With --dist loadfile: each file's tests on one worker (a notebook's cells share one kernel), except the lesson
    smoke runs, which are spread one by one."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FilesAndSmokeRuns(LoadFileScheduling):
        """loadfile, with every test of tests/test_smoke_lessons.py a unit of its own."""

        def _split_scope(self, nodeid: str) -> str:
            """The unit a test belongs to: its file, or itself for a smoke run."""
            return nodeid if nodeid.startswith("tests/test_smoke_lessons.py") else super()._split_scope(nodeid)

    return FilesAndSmokeRuns(config, log)


@pytest.fixture(scope="module")
def one_thread_offline():
    """One torch thread per test process (two per core oversubscribe a loaded CI box) and no hub calls, for a module
    (`pytestmark = pytest.mark.usefixtures("one_thread_offline")`)."""
    import torch

    before, offline = torch.get_num_threads(), os.environ.get("HF_HUB_OFFLINE")
    torch.set_num_threads(1)
    os.environ["HF_HUB_OFFLINE"] = "1"
    yield
    torch.set_num_threads(before)
    if offline is None:
        os.environ.pop("HF_HUB_OFFLINE")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every lesson notebook's cells are slow tests (they train models); `make test-fast` leaves them out."""
    for item in items:
        if item.nodeid.split("::")[0].endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)


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
