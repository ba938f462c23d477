"""What graded code may not do in a worker's child: the audit hook, resource limits and the check for patched code."""

from __future__ import annotations

import contextlib
import math
import os
import resource
import signal
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from utils.grade.checks import HIDDEN_FILE

FILE_LIMIT = 64 * 2**20
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
Snapshot = list[tuple[str, dict[str, Any], dict[str, Any], bool]]  # (label, namespace, watched entries, grader's own)


def watched(value: Any, _callable: Callable = callable, _issubclass: Callable = issubclass, _type: type = type) -> bool:
    """Whether rebinding a module or class attribute to or from `value` changes behaviour (code, not data); the
    builtins it uses are bound at import, so graded code that patches builtins cannot blind it."""
    return _callable(value) or _issubclass(_type(value), (property, classmethod, staticmethod, types.ModuleType))


def snapshot(extra: list[dict[str, Any]]) -> Snapshot:
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


def changes(snap: Snapshot, _watched: Callable = watched, _type: type = type, _function: type = types.FunctionType,
            _vars: Callable = vars) -> list[str]:
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
