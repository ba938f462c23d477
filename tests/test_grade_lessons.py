"""The grader on every real lesson: sample submissions made from the lesson notebook (as it ships, solved, half
done, with a syntax error, hostile) get exactly the gradebook they earned."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from utils import grade
from utils.course.notebook_cells import code_cells, exercise_cells
from utils.grade.samples import HOSTILE, samples

pytestmark = pytest.mark.slow  # grades whole notebooks

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = {int(path.name[:2]): path for path in sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))}
LESSONS = [n for n, path in NOTEBOOKS.items() if exercise_cells(code_cells(path))]
TIMEOUT = 10  # seconds per exercise (the hostile infinite loop costs this much); reference checks take < 2 s


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_gradebook_is_exact(lesson: int, tmp_path: Path) -> None:
    """Stubs earn 0, solutions earn every point, and each broken or hostile exercise earns 0 with its problem named."""
    plan = grade.make_plan(lesson, [], {})
    assert len(plan) >= 3, f"lesson {lesson:02d} has {len(plan)} exercises; every lesson needs at least 3"
    books = tmp_path / "books"
    books.mkdir()
    for student, notebook in samples(lesson).items():
        (books / f"{student}.ipynb").write_text(json.dumps(notebook))
    command = [sys.executable, "-m", "utils.grade", str(books), "--out", str(tmp_path / "out"), "--jobs", "2",
               "--timeout", str(TIMEOUT)]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr

    top = [grade.fmt(ex.max) for ex in plan]

    def row(student: str, points: list[str], error: str = "") -> list[str]:
        """An expected gradebook row."""
        total = grade.fmt(sum(float(p) for p in points))
        return [student, *points, total, grade.fmt(sum(ex.max for ex in plan)), error]

    zero = ["0"] * len(plan)
    attacked = len(HOSTILE)
    expected = [
        ["student", *(ex.id for ex in plan), "total", "max", "error"],
        row("correct", top),
        row("hostile", [*zero[:attacked], *top[attacked:]],
            "; ".join(f"{ex.id} {problem}" for ex, (_, problem) in zip(plan, HOSTILE, strict=False))),
        row("partial", [top[0], *zero[1:]]),
        row("stubs", zero),
        row("syntax_error", ["0", *top[1:]], f"{plan[0].id} syntax error"),
    ]
    with (tmp_path / "out" / "gradebook.csv").open(newline="") as fh:
        table = [[*r[:-1], r[-1].split(" (")[0]] for r in csv.reader(fh)]
    assert table == expected, run.stdout
    stubs = (tmp_path / "out" / "feedback" / "stubs.md").read_text()
    assert "is not written yet" in stubs


def test_sample_submissions_refuse_to_overwrite(tmp_path: Path) -> None:
    """Writing samples into a folder that already holds one of them stops with one sentence and keeps the file."""
    from utils.grade.samples import main

    (tmp_path / "correct.ipynb").write_text("my work")
    assert main(["3", str(tmp_path)]) == 2
    assert (tmp_path / "correct.ipynb").read_text() == "my work"
    assert main(["3", str(tmp_path / "fresh")]) == 0 and len(list((tmp_path / "fresh").iterdir())) == 5
