"""The run's sandboxed worker processes, and grading a submission in them whatever its code does to them."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from utils.course.notebook_cells import plain_python
from utils.errors import CourseError
from utils.grade.plan import GradedExercise
from utils.grade.submissions import Result, Submission

WORKER = Path(__file__).with_name("worker.py")
SANDBOXES = (
    (["unshare", "--user", "--map-root-user", "--net", "--pid", "--fork", "--mount-proc"],
     "private user, network and process namespaces"),
    (["unshare", "--net", "--pid", "--fork", "--mount-proc"], "private network and process namespaces"),
    (["unshare", "--user", "--map-root-user", "--net"], "private user and network namespaces"),
    (["unshare", "--net"], "a private network namespace"),
)
PASS_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "HF_HOME", "HF_HUB_CACHE", "TORCH_HOME", "XDG_CACHE_HOME")
WORKER_START_S = 60.0
OUTPUT_LIMIT = 2000


def sandbox_prefix() -> tuple[list[str], str]:
    """The `unshare` command that isolates each worker where the OS allows it, and what it isolates."""
    for prefix, what in SANDBOXES:
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix, what
    return [], "no namespaces (unshare is unavailable here), so network is blocked inside Python only"


@dataclass
class Setup:
    """What every worker of one grading run shares."""

    lesson: int
    hidden: list[str]
    timeout: float
    memory_mb: int
    deny: list[str]
    prefix: list[str]


def worker_env() -> dict[str, str]:
    """A small environment for workers: none of the caller's secrets, offline, one thread per process."""
    env = {k: v for k, v in os.environ.items() if k in PASS_ENV or k.startswith("COURSE_")}
    return env | {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false",
                  "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


class Worker:
    """A sandboxed worker process: loads the checks once, then grades one submission at a time in a fresh fork."""

    def __init__(self, setup: Setup, scratch: str) -> None:
        self.nonce, self.scratch, self.timeout = secrets.token_hex(16), scratch, setup.timeout
        self.proc = subprocess.Popen([*setup.prefix, sys.executable, "-I", str(WORKER)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=scratch, env=worker_env(),
                                     text=True, start_new_session=True)
        self.lines: queue.Queue[dict | None] = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()
        self.send({"nonce": self.nonce, "lesson": setup.lesson, "hidden": setup.hidden, "timeout": setup.timeout,
                   "memory_mb": setup.memory_mb, "output_limit": OUTPUT_LIMIT, "deny": setup.deny})
        ready = self.receive(WORKER_START_S)
        if ready is None or "fatal" in ready:
            self.stop()
            why = ready["fatal"] if ready else f"it stopped or took over {WORKER_START_S:g} s to start"
            raise CourseError(f"The grading worker could not load the checks: {why}.")

    def read(self) -> None:
        """Queue the lines the worker tags with this run's secret (graded code cannot know it), then None at EOF."""
        for line in self.proc.stdout:
            tag, _, payload = line.partition(" ")
            if tag == self.nonce:
                self.lines.put(json.loads(payload))
        self.lines.put(None)

    def send(self, item: dict) -> None:
        """Write one JSON line to the worker."""
        with contextlib.suppress(OSError):
            self.proc.stdin.write(json.dumps(item) + "\n")
            self.proc.stdin.flush()

    def receive(self, timeout: float) -> dict | None:
        """The worker's next line, or None if it ended or said nothing for `timeout` seconds."""
        try:
            return self.lines.get(timeout=max(timeout, 0.01))
        except queue.Empty:
            return None

    def grade(self, sub: Submission, todo: list[GradedExercise]) -> tuple[dict[str, Result], bool]:
        """Results of `sub`'s exercises `todo` as far as the worker got, and whether it finished (else it stops)."""
        cells = [{"id": ex.id, "name": ex.name, "marker": sub.cells[ex.id].name,
                  "source": plain_python(sub.cells[ex.id].source)} for ex in todo]
        results: dict[str, Result] = {}
        with tempfile.TemporaryDirectory(dir=self.scratch, ignore_cleanup_errors=True) as tmp:
            self.send({"cells": cells, "tmp": tmp})
            deadline = time.monotonic() + 30 + len(todo) * (self.timeout + 9)
            while (item := self.receive(deadline - time.monotonic())) is not None:
                if item.get("done"):
                    return results, True
                results[item["exercise"]] = Result([(status, message) for status, message in item["parts"]],
                                                   item["problem"])
        self.stop()
        return results, False

    def stop(self) -> None:
        """End the worker and everything in its process group."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


class Pool:
    """The run's workers, started on first use and replaced when graded code brings one down."""

    def __init__(self, setup: Setup, size: int, scratch: str) -> None:
        self.setup, self.scratch = setup, scratch
        self.started: list[Worker] = []
        self.idle: queue.Queue[Worker | None] = queue.Queue()
        for _ in range(size):
            self.idle.put(None)

    def grade(self, sub: Submission, todo: list[GradedExercise]) -> dict[str, Result]:
        """Results of `sub`'s exercises `todo` from an idle worker, as far as it got before graded code ended it."""
        worker = self.idle.get()
        try:
            if worker is None:
                worker = Worker(self.setup, self.scratch)
                self.started.append(worker)
            results, finished = worker.grade(sub, todo)
            worker = worker if finished else None
            return results
        finally:
            self.idle.put(worker)

    def close(self) -> None:
        """Stop every worker."""
        for worker in self.started:
            worker.stop()


def failed(ex: GradedExercise, message: str, problem: str) -> Result:
    """The result of `ex` when `problem` kept its checks from running: each one failed with `message`."""
    return Result([("failed", message)] * len(ex.parts), problem)


def missing(ex: GradedExercise, sub: Submission) -> Result:
    """The result of an exercise whose cell is not in the notebook, saying where it may have gone."""
    moved = [cell.id for cell in sub.cells.values() if cell.name == ex.name]
    hint = f" (a cell defining `{ex.name}` is marked EXERCISE {moved[0]} instead)" if moved else \
        "; was the cell deleted, or its first line changed?"
    message = f"no code cell starts with `# EXERCISE {ex.id}: {ex.name}`{hint}"
    return failed(ex, message, "missing")


def grade(sub: Submission, plan: list[GradedExercise], pool: Pool) -> Submission:
    """Grade every exercise of `plan` for `sub`; if graded code brings its worker down, go on in a new one."""
    todo = []
    for ex in plan:
        if sub.error:
            sub.results[ex.id] = failed(ex, sub.error, "not graded")
        elif ex.id in sub.cells:
            todo.append(ex)
        else:
            sub.results[ex.id] = missing(ex, sub)
    while todo:
        results = pool.grade(sub, todo)
        sub.results.update({ex.id: results[ex.id] for ex in todo if ex.id in results})
        rest = [ex for ex in todo if ex.id not in sub.results]
        if rest:  # the worker ended while grading rest[0]: that exercise earns nothing, the others go on
            message = "the grader's process stopped while running this exercise (did the code kill it?)."
            sub.results[rest[0].id] = failed(rest[0], message, "worker died")
        todo = rest[1:]
    return sub
