"""What a run writes: points per learner, the gradebook, nbgrader's CSV and each learner's feedback."""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

from utils.grade.checks import id_key
from utils.grade.plan import GradedExercise
from utils.grade.submissions import Result, Submission

NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]
STATUS_WORDS = {"passed": "passed", "failed": "failed", "todo": "to do"}


def fmt(points: float) -> str:
    """Points as written in the gradebook: 2, 1.5."""
    return f"{points:g}"


def earned(ex: GradedExercise, result: Result) -> float:
    """Points `result` earns on `ex`: the points of each check that passed."""
    return sum(points for (_, points), (status, _) in zip(ex.parts, result.parts, strict=True) if status == "passed")


def score(sub: Submission, plan: list[GradedExercise]) -> float:
    """Points `sub` earned on the exercises of `plan`."""
    return sum(earned(ex, sub.results[ex.id]) for ex in plan)


def max_score(plan: list[GradedExercise]) -> float:
    """Points of `plan` when every check passes."""
    return sum(ex.max for ex in plan)


def write_gradebook(subs: list[Submission], plan: list[GradedExercise], out: Path) -> None:
    """gradebook.csv: one row per learner, points per exercise, total, max and what kept exercises from a grade."""
    with (out / "gradebook.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *(ex.id for ex in plan), "total", "max", "error"])
        for sub in subs:
            points = [earned(ex, sub.results[ex.id]) for ex in plan]
            problems = "; ".join(f"{ex.id} {sub.results[ex.id].problem}" for ex in plan if sub.results[ex.id].problem)
            writer.writerow([sub.student, *map(fmt, points), fmt(sum(points)), fmt(max_score(plan)),
                             sub.error or problems])


def write_nbgrader(subs: list[Submission], plan: list[GradedExercise], lesson: int, out: Path) -> None:
    """nbgrader.csv: the columns of `nbgrader export` (CsvExportPlugin), one row per learner."""
    with (out / "nbgrader.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(NBGRADER_COLUMNS)
        for sub in subs:
            stamp = str(datetime.fromtimestamp(sub.path.stat().st_mtime, timezone.utc)) if sub.path.is_file() else ""
            points = float(score(sub, plan))
            writer.writerow([f"lesson{lesson:02d}", "", stamp, sub.student, "", "", "", points, 0.0, points,
                             float(max_score(plan))])


def feedback(sub: Submission, plan: list[GradedExercise], lesson: int) -> str:
    """A learner's feedback in Markdown: points and, per exercise, each check's verdict in words (no test code)."""
    lines = [f"# Lesson {lesson:02d}: feedback for {sub.student}", ""]
    if sub.error:
        return "\n".join([*lines, f"Not graded: {sub.error}.", ""])
    lines += [f"**{fmt(score(sub, plan))} / {fmt(max_score(plan))} points**", ""]
    for ex in plan:
        result = sub.results[ex.id]
        lines += [f"## Exercise {ex.id} `{ex.name}`: {fmt(earned(ex, result))} / {fmt(ex.max)}", ""]
        if result.problem:
            lines.append(f"- Checks not run: {result.parts[0][1]}")
        for (label, _), (status, message) in zip(ex.parts, result.parts, strict=True) if not result.problem else []:
            lines.append(f"- {label}: {STATUS_WORDS[status]}" + ("" if status == "passed" else f": {message}"))
        cell = sub.cells.get(ex.id)
        if cell and cell.copies > 1:
            lines.append(f"- {cell.copies} cells are marked EXERCISE {ex.id}; the last one was graded.")
        lines.append("")
    strays = sorted(set(sub.cells) - {ex.id for ex in plan}, key=id_key)
    if strays:
        lines += [f"Cells marked EXERCISE {', '.join(strays)} are not exercises of lesson {lesson} and were not "
                  "graded.", ""]
    return "\n".join(lines)
