"""Every lesson's exercises, found automatically: the reference solution passes each check, a stub fails it, and the
lesson notebook's `# EXERCISE` cells are exactly the registered exercises, each a stub that does not pass."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from utils import checking
from utils.course.notebook_cells import code_cells, exercise_cells, plain_python
from utils.grade import id_key, load_checks

REPO = Path(__file__).resolve().parents[1]
CHECKED = {int(path.stem[len("lesson"):]) for path in (REPO / "utils" / "exercises").glob("lesson[0-9][0-9].py")}
NOTEBOOKS = {int(path.name[:2]): path for path in (REPO / "lessons").glob("[0-9][0-9]_*.ipynb")}
LESSONS = sorted(CHECKED | {n for n, path in NOTEBOOKS.items() if exercise_cells(code_cells(path))})


def registered(lesson: int) -> dict[str, checking.Exercise]:
    """The exercises utils/exercises/lessonNN.py registers, by id."""
    importlib.import_module(f"utils.exercises.lesson{lesson:02d}")
    return {ex_id: ex for ex_id, ex in checking.REGISTRY.items() if id_key(ex_id)[0] == lesson}


def stub(*args: Any, **kwargs: Any) -> None:
    """An unsolved exercise."""
    raise NotImplementedError


@pytest.mark.parametrize("lesson", sorted(CHECKED))
def test_solutions_pass_and_stubs_fail(lesson: int) -> None:
    """solutions/lessonNN.py passes every check of the lesson; a stub raising NotImplementedError passes none."""
    exercises = registered(lesson)
    assert exercises, f"utils/exercises/lesson{lesson:02d}.py registers no exercise"
    solutions = importlib.import_module(f"solutions.lesson{lesson:02d}")
    problems = []
    for ex_id, ex in sorted(exercises.items(), key=lambda item: id_key(item[0])):
        if not hasattr(solutions, ex.name):
            problems.append(f"{ex_id}: solutions/lesson{lesson:02d}.py has no `{ex.name}`")
            continue
        status, message = checking.verdict(ex, getattr(solutions, ex.name))
        if status != "passed":
            problems.append(f"{ex_id}: the solution {status}: {message}")
        if checking.verdict(ex, stub)[0] == "passed":
            problems.append(f"{ex_id}: a stub that raises NotImplementedError passes the check")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_notebook_exercise_cells_match_the_checks(lesson: int) -> None:
    """The notebook marks one cell per registered exercise (`# EXERCISE N.M: name` first), and its stub fails."""
    if lesson not in NOTEBOOKS:
        pytest.skip(f"lesson {lesson:02d} has no notebook yet")
    assert lesson in CHECKED, f"{NOTEBOOKS[lesson].name} has exercise cells but no checks module"
    cells = exercise_cells(code_cells(NOTEBOOKS[lesson]))
    exercises = registered(lesson)
    assert {i: c.name for i, c in cells.items()} == {i: ex.name for i, ex in exercises.items()}
    for ex_id, found in cells.items():
        assert found.copies == 1, f"{found.copies} cells are marked EXERCISE {ex_id}"
        assert found.source.startswith(f"# EXERCISE {ex_id}: {found.name}\n"), f"{ex_id}'s marker is not its first line"
        namespace: dict[str, Any] = {}
        exec(compile(plain_python(found.source), f"<exercise {ex_id}>", "exec"), namespace)
        assert checking.verdict(exercises[ex_id], namespace[found.name])[0] != "passed", f"{ex_id}'s stub passes"


def test_hidden_tests_example_loads_and_judges() -> None:
    """docs/hidden_tests_example.py adds checks to lesson 00 that the reference solutions pass and stubs fail."""
    source = (REPO / "docs" / "hidden_tests_example.py").read_text()
    checks = load_checks(0, [source])
    solutions = importlib.import_module("solutions.lesson00")
    hidden = [(ex_id, ex) for ex_id, parts in checks.items() for label, ex in parts if label == "hidden check"]
    assert hidden
    for ex_id, ex in hidden:
        assert checking.verdict(ex, getattr(solutions, ex.name))[0] == "passed", ex_id
        assert checking.verdict(ex, stub)[0] != "passed", ex_id
