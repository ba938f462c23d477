"""The grading worker process: loads the checks once, then runs each exercise cell in a fresh sandboxed child."""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import select
import signal
import sys
import tempfile
import time
from typing import Any

from utils.checking import Exercise, verdict
from utils.grade.checks import Checks, load_checks
from utils.grade.sandbox import Snapshot, changes, inodes, limit_resources, sandbox, snapshot

RESULT_FD = 3
MESSAGE_LIMIT = 500
STATUSES = ("passed", "failed", "todo")


def clip(text: Any) -> str:
    """An exact `str` of at most MESSAGE_LIMIT characters, whatever object graded code slipped in."""
    return str.__getitem__(text, slice(0, MESSAGE_LIMIT)) if issubclass(type(text), str) else "(no message)"


def describe(err: BaseException) -> str:
    """`Type: message` of an exception raised by graded code, even one whose printing fails."""
    try:
        return clip(f"{type(err).__name__}: {err}")
    except BaseException:  # graded code controls __str__
        return "an exception that cannot be printed"


def child(cell: dict, parts: list[tuple[str, Exercise]], setup: dict, denied: set[tuple[int, int]], out_w: int,
          res_w: int, snap: Snapshot) -> None:
    """In the forked child: sandbox, run the cell, run each check on its answer, write one JSON line per result."""
    # Everything used after graded code starts is bound here, so patching modules cannot reach it.
    write, dumps, find_changes, judge, missing = os.write, json.dumps, changes, verdict, object()
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(out_w, 1)
    os.dup2(out_w, 2)
    os.dup2(res_w, RESULT_FD)
    os.closerange(RESULT_FD + 1, 1 << 16)
    limit_resources(setup["timeout"], setup["memory_mb"])
    switch_on = sandbox(denied)
    namespace = {"__name__": "__submission__", "__builtins__": dict(vars(builtins))}
    name = cell["name"]

    def report(**item: Any) -> None:
        write(RESULT_FD, (dumps(item) + "\n").encode())

    def tampered() -> bool:
        changed = find_changes(snap)
        if changed:
            report(problem="tampered", message=f"the code changed {', '.join(changed[:3])}; graded code may not "
                                               "patch the grader or the libraries it uses.")
        return bool(changed)

    switch_on()
    try:
        code = compile(cell["source"], f"<exercise {cell['id']}>", "exec")
    except (SyntaxError, ValueError) as err:
        where = f" (line {err.lineno})" if isinstance(err, SyntaxError) else ""
        report(problem="syntax error", message=f"the cell is not valid Python: {describe(err)}{where}.")
        return
    try:
        exec(code, namespace)
    except BaseException as err:  # graded code may raise anything, SystemExit included
        if not tampered():
            what = "ran out of memory" if issubclass(type(err), MemoryError) else f"raised {describe(err)}"
            report(problem="cell error", message=f"running the cell {what}.")
        return
    if tampered():
        return
    answer = namespace.get(name, missing)
    if answer is missing:
        renamed = f" (its marker names `{cell['marker']}`)" if cell["marker"] != name else ""
        report(problem="not defined", message=f"the cell does not define `{name}`{renamed}.")
        return
    for number, (_, ex) in enumerate(parts):
        try:
            status, message = judge(ex, answer)
        except BaseException as err:  # graded code may raise anything from its own methods
            status, message = "failed", f"{name} raised {describe(err)}"
        if tampered():
            return
        report(part=number, status=status, message=clip(message))


def collect(pid: int, out_r: int, res_r: int, timeout: float, output_limit: int) -> tuple[bytes, bytes, int | None]:
    """Read a child's results and output until it exits or `timeout` passes (then kill it): (results, the last
    `output_limit` bytes of its output, its wait status or None if it timed out)."""
    deadline = time.monotonic() + timeout
    results, tail, status = b"", b"", None
    streams = {out_r, res_r}
    while status is None and time.monotonic() < deadline:
        wait = min(0.05, max(deadline - time.monotonic(), 0))
        ready = select.select(list(streams), [], [], wait)[0] if streams else time.sleep(wait) or []
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                streams.discard(fd)
            elif fd == res_r:
                results = (results + chunk)[: 1 << 16]
            else:
                tail = (tail + chunk)[-output_limit:]
        done, code = os.waitpid(pid, os.WNOHANG)
        status = code if done else None
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if res_r in streams:  # what the child wrote just before it exited
        os.set_blocking(res_r, False)
        with contextlib.suppress(BlockingIOError):
            results = (results + os.read(res_r, 1 << 16))[: 1 << 16]
    os.close(out_r)
    os.close(res_r)
    return results, tail, status


def ended(status: int | None, tail: bytes, timeout: float) -> tuple[str, str]:
    """(problem, message) for a child that stopped before reporting on every check."""
    said = tail.decode(errors="replace").strip()[-300:]
    last = f" Its last output: {said}" if said else ""
    if status is None or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU):
        return "timed out", f"it did not finish within {timeout:g} s."
    if os.WIFSIGNALED(status):
        return "crashed", f"its process crashed ({signal.Signals(os.WTERMSIG(status)).name}).{last}"
    return "exited", (f"its process exited (code {os.WEXITSTATUS(status)}) before the checks finished; "
                      f"graded code must not call os._exit or sys.exit.{last}")


def outcome(ex_id: str, n_parts: int, results: bytes, tail: bytes, status: int | None, timeout: float) -> dict:
    """The parent's view of one exercise: [status, message] per check, and the problem that stopped it, if any."""
    parts: dict[int, list[str]] = {}
    problem = message = None
    for line in results.decode(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            item = json.loads(line)
            if isinstance(item, dict) and "problem" in item and problem is None:
                problem, message = clip(item["problem"]), clip(item.get("message"))
            elif isinstance(item, dict) and item.get("part") in range(n_parts) and item.get("status") in STATUSES:
                parts.setdefault(item["part"], [item["status"], clip(item.get("message"))])
    if problem is None and len(parts) < n_parts:
        problem, message = ended(status, tail, timeout)
    return {"exercise": ex_id, "problem": problem, "parts": [parts.get(i, ["failed", message]) for i in range(n_parts)]}


def grade_cell(cell: dict, parts: list[tuple[str, Exercise]], setup: dict, denied: set[tuple[int, int]],
               nonce: bytearray, snap: Snapshot) -> dict:
    """Fork a child that runs `cell` and its checks; wait for it within the time limit; return its outcome."""
    out_r, out_w = os.pipe()
    res_r, res_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            nonce[:] = bytes(len(nonce))  # the child's copy of the secret is wiped before graded code runs
            os.close(out_r)
            os.close(res_r)
            child(cell, parts, setup, denied, out_w, res_w, snap)
        finally:
            os._exit(0)
    os.close(out_w)
    os.close(res_w)
    results, tail, status = collect(pid, out_r, res_r, setup["timeout"], setup["output_limit"])
    return outcome(cell["id"], len(parts), results, tail, status, setup["timeout"])


def grade_submission(job: dict, setup: dict, checks: Checks, nonce: bytearray, snap: Snapshot) -> None:
    """Grade one submission in a fresh fork of this (pristine) process, then end whatever its code left running."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setpgid(0, 0)
            os.chdir(job["tmp"])
            os.environ["TMPDIR"] = job["tmp"]
            tempfile.tempdir = None
            # The grader's files and this process's and the worker's /proc entries, as inodes: graded code never
            # holds the paths (this copy drops them), so it has to guess where hidden tests live, and then is refused.
            denied = inodes([*setup.pop("deny"), f"/proc/{os.getpid()}", f"/proc/{os.getppid()}"])
            for cell in job["cells"]:
                emit(nonce, grade_cell(cell, checks[cell["id"]], setup, denied, nonce, snap))
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    if os.getpid() == 1:  # init of our own pid namespace: every other process in it is graded code's leftover
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            while True:
                os.waitpid(-1, 0)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def emit(nonce: bytearray, item: dict) -> None:
    """Send one line to the parent, tagged with the run's secret nonce."""
    sys.stdout.write(f"{nonce.decode()} {json.dumps(item)}\n")
    sys.stdout.flush()


def main() -> None:
    """Read the run's setup (a JSON line on stdin), load the checks once, then grade each submission (one JSON line
    each) in a fresh fork, printing nonce-tagged outcomes and a `done` line per submission."""
    setup = json.loads(sys.stdin.readline())
    nonce = bytearray(setup.pop("nonce").encode())
    try:
        checks = load_checks(setup["lesson"], setup.pop("hidden"))
    except Exception as err:  # reported to the parent, which stops the run
        emit(nonce, {"fatal": f"{type(err).__name__}: {err}"})
        return
    snap = snapshot([ex.run.__globals__ for parts in checks.values() for _, ex in parts])
    emit(nonce, {"ready": True})
    for line in sys.stdin:
        grade_submission(json.loads(line), setup, checks, nonce, snap)
        emit(nonce, {"done": True})


if __name__ == "__main__":
    main()
