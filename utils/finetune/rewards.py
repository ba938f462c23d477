"""Reward functions for `--objective grpo`: read from a Python file the user writes (see configs/rewards/)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

from utils.errors import CourseError


def load_reward_funcs(path: str) -> list[Callable]:
    """The file's REWARD_FUNCS list if it has one, else every public function named reward_* defined in it."""
    file = Path(path).expanduser()
    if file.suffix != ".py" or not file.is_file():
        raise CourseError(f"--reward-funcs {file} is not a Python file.")
    spec = importlib.util.spec_from_file_location(f"course_rewards_{file.stem}", file)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise CourseError(f"--reward-funcs {file} failed to run ({type(err).__name__}: {err}).") from None
    funcs = getattr(module, "REWARD_FUNCS", None)
    if funcs is None:
        funcs = [value for name, value in vars(module).items() if name.startswith("reward_") and callable(value)
                 and getattr(value, "__module__", "") == module.__name__]
    if not isinstance(funcs, list | tuple) or not funcs or not all(callable(f) for f in funcs):
        raise CourseError(f"--reward-funcs {file} defines no reward_* function and no REWARD_FUNCS list of functions.")
    return list(funcs)
