"""A lesson's checks by exercise id: the visible ones of utils/exercises/ and the instructor's hidden ones."""

from __future__ import annotations

import importlib

from utils import checking
from utils.course.paths import REPO_ROOT

HIDDEN_FILE = "<hidden tests>"
Checks = dict[str, list[tuple[str, checking.Exercise]]]  # exercise id -> (label, check) per check


class _Once(dict):
    """A registry that refuses a second check for one exercise id from one hidden-tests file."""

    def __setitem__(self, key: str, value: checking.Exercise) -> None:
        if key in self:
            raise ValueError(f"it registers exercise {key} twice")
        super().__setitem__(key, value)


def id_key(ex_id: str) -> tuple[int, ...]:
    """Sort key of an exercise id ("1.10" after "1.9")."""
    return tuple(int(part) for part in ex_id.split("."))


def load_checks(lesson: int, hidden: list[str]) -> Checks:
    """Lesson `lesson`'s checks by exercise id: (label, check) for the visible check, then one per hidden source."""
    checks: Checks = {}
    if (REPO_ROOT / "utils" / "exercises" / f"lesson{lesson:02d}.py").exists():
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
