"""Exercise checks: a registry of checks that lessons run as self-checks and `utils.grade` runs as grades."""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class CheckFailed(AssertionError):
    """A check's verdict on a learner's answer, worded for the learner."""


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: its id (e.g. "1.2"), the name the learner defines, points, and its check."""

    id: str
    name: str
    points: float
    run: Callable[[Any], None]


REGISTRY: dict[str, Exercise] = {}


def exercise(ex_id: str, name: str, points: float = 1.0) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register a check function for exercise `ex_id`; it raises CheckFailed with a sentence when wrong."""

    def register(fn: Callable[[Any], None]) -> Callable[[Any], None]:
        REGISTRY[ex_id] = Exercise(ex_id, name, points, fn)
        return fn

    return register


def expect(condition: bool, message: str) -> None:
    """Fail the current check with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_type(value: Any, cls: type, what: str = "the answer") -> None:
    """Fail unless `value` is exactly of class `cls`: subclasses and look-alikes (fake `==`) fail."""
    name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    expect(type(value) is cls, f"{what} should be of type {name}, got {type(value).__name__}.")


def expect_tensor(value: Any, shape: tuple | None = None, dtype: Any = None, what: str = "the answer") -> None:
    """Fail unless `value` is exactly a torch.Tensor, with `shape` and `dtype` when given."""
    import torch

    expect_type(value, torch.Tensor, what)
    if shape is not None:
        got = tuple(value.shape)
        expect(got == tuple(shape), f"{what} should have shape {tuple(shape)}, got {got}.")
    if dtype is not None:
        expect(value.dtype == dtype, f"{what} should have dtype {dtype}, got {value.dtype}.")


def expect_int_list(value: Any, want: list[int], what: str = "the answer") -> None:
    """Fail unless `value` is exactly a list of plain ints equal to trusted `want` (item count first, then values)."""
    expect_type(value, list, what)
    expect(len(value) == len(want), f"{what} should have {len(want)} items, got {len(value)}.")
    expect(all(type(v) is int for v in value), f"{what} should hold plain Python ints.")
    expect(value == want, f"{what} should be {want}, got {value}.")


def expect_optional(value: Any, want: Any, what: str = "the answer") -> None:
    """Fail unless `value` is None where trusted `want` is None, else exactly of want's class and equal to it."""
    if want is None:
        expect(value is None, f"{what} should be None, got {value!r}.")
    else:
        expect(type(value) is type(want), f"{what} should be a {type(want).__name__}, got {type(value).__name__}.")
        expect(value == want, f"{what} should be {want!r}, got {value!r}.")


def expect_close(value: Any, expected: Any, what: str = "the answer", rtol: float = 1e-4, atol: float = 1e-6) -> None:
    """Fail unless `value` matches trusted `expected` (tensor or number) in class, shape and values within tolerance."""
    import torch

    if type(expected) is torch.Tensor:
        expect_tensor(value, tuple(expected.shape), expected.dtype, what)
        if expected.is_floating_point() or expected.is_complex():
            gap = (value - expected).abs().max().item() if value.numel() else 0.0
            expect(torch.allclose(value, expected, rtol=rtol, atol=atol), f"{what} is off by up to {gap:.3g}.")
        else:
            expect(torch.equal(value, expected), f"{what} has the right shape but wrong values.")
        return
    expect(type(value) in (int, float), f"{what} should be a number, got {type(value).__name__}.")
    close = math.isclose(value, expected, rel_tol=rtol, abs_tol=atol)
    expect(close, f"{what} should be about {expected:.6g}, got {value:.6g}.")


def achieved(condition: bool, claim: str) -> None:
    """Assert a claim about what training achieved (loss fell, accuracy beat a baseline); a smoke run on random
    hub stand-ins (COURSE_SMOKE=1) trains too little for such claims, so there it prints the claim unchecked."""
    from utils.course.profiles import smoke_run

    if smoke_run():
        print(f"(smoke run: not checked: {claim})")
        return
    assert condition, claim


def lesson_module(ex_id: str) -> str:
    """Module that holds the visible checks of exercise `ex_id` ("3.2" -> utils.exercises.lesson03)."""
    return f"utils.exercises.lesson{int(ex_id.split('.')[0]):02d}"


def get_exercise(ex_id: str) -> Exercise:
    """Look up an exercise, importing its lesson's check module on first use."""
    if ex_id not in REGISTRY:
        importlib.import_module(lesson_module(ex_id))
    if ex_id not in REGISTRY:
        raise KeyError(f"There is no exercise {ex_id}.")
    return REGISTRY[ex_id]


def verdict(ex: Exercise, answer: Any) -> tuple[str, str]:
    """Run check `ex` on `answer`; return (status, message), status in passed/failed/todo."""
    try:
        ex.run(answer)
    except NotImplementedError:
        return "todo", f"{ex.name} is not written yet: replace `raise NotImplementedError` with your code."
    except CheckFailed as err:
        return "failed", str(err)
    except MemoryError:
        return "failed", f"{ex.name} ran out of memory."
    except Exception as err:  # the learner's code raised: report it as a sentence
        return "failed", f"{ex.name} raised {type(err).__name__}: {err}"
    return "passed", f"{ex.name} passes every visible check."


def run_check(ex_id: str, answer: Any) -> tuple[str, str]:
    """Run exercise `ex_id`'s check on `answer`; return (status, message), status in passed/failed/todo."""
    return verdict(get_exercise(ex_id), answer)


def check(ex_id: str, answer: Any) -> bool:
    """Self-check for learners: print a one-line verdict on `answer` and return whether it passed."""
    status, message = run_check(ex_id, answer)
    mark = {"passed": "PASS", "failed": "FAIL", "todo": "TODO"}[status]
    print(f"[{mark}] Exercise {ex_id}: {message}")
    return status == "passed"
