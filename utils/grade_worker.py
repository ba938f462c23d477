"""Grading worker: loads the checks once, then runs each exercise cell and its checks in a fresh sandboxed child."""

from __future__ import annotations

import builtins
import contextlib
import importlib
import json
import math
import os
import resource
import select
import signal
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HIDDEN_FILE = "<hidden tests>"
RESULT_FD = 3
MESSAGE_LIMIT = 500
FILE_LIMIT = 64 * 2**20
STATUSES = ("passed", "failed", "todo")
REFUSED = types.MappingProxyType({
    **dict.fromkeys(("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
                     "pty.spawn"), "starting processes"),
    **dict.fromkeys(("os.kill", "os.killpg"), "sending signals"),
    **dict.fromkeys(("resource.setrlimit", "resource.prlimit"), "changing resource limits"),
    **dict.fromkeys(("gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames", "sys.settrace",
                     "sys.setprofile"), "inspecting the grader"),
})
PATH_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "os.remove", "os.rename", "os.link", "os.symlink",
                         "os.truncate", "os.chmod", "os.chown", "os.rmdir", "os.mkdir", "os.utime", "os.chdir",
                         "shutil.copyfile", "shutil.copytree", "shutil.rmtree", "shutil.move", "glob.glob"})
CODE_ATTRS = frozenset({"__code__", "f_code", "gi_code", "cr_code", "ag_code"})


class _Once(dict):
    """A registry that refuses a second check for one exercise id from one hidden-tests file."""

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self:
            raise ValueError(f"it registers exercise {key} twice")
        super().__setitem__(key, value)


def id_key(ex_id: str) -> tuple[int, ...]:
    """Sort key of an exercise id ("1.10" after "1.9")."""
    return tuple(int(part) for part in ex_id.split("."))


def load_checks(lesson: int, hidden: list[str]) -> dict[str, list[tuple[str, Any]]]:
    """Lesson `lesson`'s checks by exercise id: (label, Exercise) for the visible check, then one per hidden source."""
    from utils import checking

    checks: dict[str, list[tuple[str, Any]]] = {}
    if (REPO / "utils" / "exercises" / f"lesson{lesson:02d}.py").exists():
        importlib.import_module(f"utils.exercises.lesson{lesson:02d}")
        checks = {i: [("visible check", ex)] for i, ex in checking.REGISTRY.items() if id_key(i)[0] == lesson}
    saved = checking.REGISTRY
    try:
        for number, source in enumerate(hidden):
            checking.REGISTRY = _Once()
            exec(compile(source, HIDDEN_FILE, "exec"), {"__name__": f"hidden_tests_{number}"})
            for ex_id, ex in checking.REGISTRY.items():
                if id_key(ex_id)[0] != lesson:
                    continue
                parts = checks.setdefault(ex_id, [])
                if parts and parts[0][1].name != ex.name:
                    raise ValueError(f"it calls exercise {ex_id} `{ex.name}`, the lesson calls it `{parts[0][1].name}`")
                parts.append(("hidden check", ex))
    finally:
        checking.REGISTRY = saved
    return dict(sorted(checks.items(), key=lambda item: id_key(item[0])))


def watched(value: Any, _callable: Callable = callable, _issubclass: Callable = issubclass, _type: type = type) -> bool:
    """Whether rebinding a module or class attribute to or from `value` changes behaviour (code, not data); the
    builtins it uses are bound at import, so graded code that patches builtins cannot blind it."""
    return _callable(value) or _issubclass(_type(value), (property, classmethod, staticmethod, types.ModuleType))


def snapshot(extra: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], dict[str, Any], bool]]:
    """(label, live namespace, copy of its watched entries, whether it is the grader's own) of the namespaces checks
    rely on: builtins, the course's modules and this one, the hidden tests', and the public names of the public
    modules of the packages those refer to (torch, ...)."""
    own = ("builtins", "utils", "__main__")
    spaces = [("hidden tests", space, True) for space in extra]
    spaces += [(name, vars(module), True) for name, module in list(sys.modules.items()) if name.split(".")[0] in own]
    roots = {value.__name__.split(".")[0] for _, space, _ in spaces for value in list(space.values())
             if issubclass(type(value), types.ModuleType)} - set(own)
    for name, module in list(sys.modules.items()):
        parts = name.split(".")
        if parts[0] in roots and not any(p.startswith("_") for p in parts) and isinstance(module, types.ModuleType):
            spaces.append((name, vars(module), False))
    return [(label, space, {k: v for k, v in space.items() if watched(v) and (mine or not k.startswith("_"))}, mine)
            for label, space, mine in spaces]


def changes(snap: list[tuple[str, dict[str, Any], dict[str, Any], bool]], _watched: Callable = watched,
            _type: type = type, _function: type = types.FunctionType, _vars: Callable = vars) -> list[str]:
    """Code attributes rebound or deleted in the namespaces of `snapshot()`, except a library wrapping its own
    function as it runs (torch wraps torch.manual_seed on first use); they are put back, so the grader's own code
    runs unpatched afterwards. Builtins it uses are bound at import, so patching builtins cannot blind it."""
    found = []
    for label, live, saved, mine in snap:
        for key, value in saved.items():
            now = live.get(key, found)
            if now is value or not (_watched(value) or _watched(now)):
                continue
            if not mine and _type(now) is _function and _vars(now).get("__wrapped__") is value \
                    and not now.__code__.co_filename.startswith("<exercise"):
                continue
            found.append(f"{label}.{key}")
            live[key] = value
    return found


def inodes(paths: list[str]) -> set[tuple[int, int]]:
    """(device, inode) of each existing path: files stay recognisable whatever path, link or `..` reaches them."""
    found = set()
    for path in paths:
        with contextlib.suppress(OSError):
            info = os.stat(path)
            found.add((info.st_dev, info.st_ino))
    return found


def sandbox(denied: set[tuple[int, int]]) -> Callable[[], None]:
    """Install an audit hook (code cannot remove one) refusing network, processes, signals, rlimits, introspection of
    the grader and its files (`denied` inodes); it acts once the returned function is called."""
    stat, fspath, refused, code_attrs = os.stat, os.fspath, REFUSED, CODE_ATTRS  # bound before graded code runs
    getframe, ctypes_dir = sys._getframe, os.path.dirname(contextlib.__file__) + os.sep + "ctypes" + os.sep
    state, me = {"on": False, "busy": False}, str(os.getpid())

    def grader_path(arg: Any) -> bool:
        try:
            path = fspath(arg)
        except TypeError:
            return False
        path = path.decode(errors="surrogateescape") if type(path) is bytes else path
        parts: list[str] = []
        for part in path.split("/"):
            parts = parts[:-1] if part == ".." else parts if part in ("", ".") else [*parts, part]
        if path.startswith("/") and parts[:1] == ["proc"] and len(parts) > 1 and parts[1].isdigit() and parts[1] != me:
            return True  # another process's /proc entry
        while path:
            try:
                found = stat(path)
            except (OSError, ValueError):
                found = None
            if found is not None and (found.st_dev, found.st_ino) in denied:
                return True
            path = path.rpartition("/")[0]
        return False

    def called_by_graded_code() -> bool:
        frame = getframe(3)  # past this function, reason() and hook(): the code that caused the event
        while frame is not None and frame.f_code.co_filename.startswith(ctypes_dir):
            frame = frame.f_back
        return frame is not None and frame.f_code.co_filename.startswith("<exercise")

    def reason(event: str, args: tuple) -> str | None:
        if event.startswith(("socket.", "urllib.")):
            return "network access"
        if event.startswith("ctypes.") and called_by_graded_code():  # libraries load C libraries as they import
            return "ctypes"
        if event in refused:
            return refused[event]
        if event in PATH_EVENTS and any(grader_path(a) for a in args if type(a) is not int):
            return "opening the grader's files"
        if event == "object.__setattr__" and args[1] == "__code__" and called_by_graded_code():
            return "replacing a function's code"
        if event == "object.__getattr__" and args[1] in code_attrs and called_by_graded_code():
            code = getattr(args[0], args[1], None)  # libraries (logging, warnings) read frames' code as they run
            if getattr(code, "co_filename", "") == HIDDEN_FILE:
                return "reading the code of hidden tests"
        return None

    def hook(event: str, args: tuple) -> None:
        if not state["on"] or state["busy"]:
            return
        state["busy"] = True
        try:
            why = reason(event, args)
        finally:
            state["busy"] = False
        if why:
            raise PermissionError(f"the grader does not allow {why} ({event})")

    sys.addaudithook(hook)
    return lambda: state.update(on=True)


def limit_resources(timeout: float, memory_mb: int) -> None:
    """Cap the child's CPU time, address space (its baseline plus `memory_mb`), file sizes and core dumps."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    cpu = math.ceil(timeout) + 1
    limits = [(resource.RLIMIT_CPU, cpu, cpu + 1), (resource.RLIMIT_FSIZE, FILE_LIMIT, FILE_LIMIT),
              (resource.RLIMIT_CORE, 0, 0)]
    with contextlib.suppress(OSError, IndexError, ValueError):  # no /proc (macOS): RLIMIT_AS is not enforced there
        base = int(Path("/proc/self/status").read_text().split("VmSize:")[1].split()[0]) * 1024
        limits.append((resource.RLIMIT_AS, base + memory_mb * 2**20, base + memory_mb * 2**20))
    for kind, soft, hard in limits:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(kind, (soft, hard))


def clip(text: Any) -> str:
    """An exact `str` of at most MESSAGE_LIMIT characters, whatever object graded code slipped in."""
    return str.__getitem__(text, slice(0, MESSAGE_LIMIT)) if issubclass(type(text), str) else "(no message)"


def describe(err: BaseException) -> str:
    """`Type: message` of an exception raised by graded code, even one whose printing fails."""
    try:
        return clip(f"{type(err).__name__}: {err}")
    except BaseException:  # graded code controls __str__
        return "an exception that cannot be printed"


def child(cell: dict, parts: list[tuple[str, Any]], setup: dict, denied: set[tuple[int, int]], out_w: int,
          res_w: int, snap: list) -> None:
    """In the forked child: sandbox, run the cell, run each check on its answer, write one JSON line per result."""
    from utils.checking import verdict

    # Everything used after graded code starts is bound here, so patching modules cannot reach it.
    write, dumps, find_changes, missing = os.write, json.dumps, changes, object()
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
            status, message = verdict(ex, answer)
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


def grade_cell(cell: dict, parts: list[tuple[str, Any]], setup: dict, denied: set[tuple[int, int]],
               nonce: bytearray, snap: list) -> dict:
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


def grade_submission(job: dict, setup: dict, checks: dict, nonce: bytearray, snap: list) -> None:
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


if __name__ == "__main__":  # run by utils.grade as `python -I utils/grade_worker.py`, so make `utils` importable
    sys.path.insert(0, str(REPO))
    main()
