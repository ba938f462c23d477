"""Learners' notebooks as submissions: found in files and folders, their exercise cells read, their results kept."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from utils.course.notebook_cells import ExerciseCell, NotebookError, code_cells, exercise_cells
from utils.errors import CourseError
from utils.grade.checks import id_key


@dataclass
class Result:
    """An exercise's grade for one learner: (status, message) per check, and the problem that stopped it, if any."""

    parts: list[tuple[str, str]]
    problem: str | None = None


@dataclass
class Submission:
    """One learner's notebook, its exercise cells and results, or the error that kept it from being graded."""

    student: str
    path: Path
    error: str | None = None
    cells: dict[str, ExerciseCell] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict)


def folder_submissions(folder: Path) -> list[Submission]:
    """The notebooks in `folder` (id = file stem) and in its subfolders, one per student (id = subfolder name)."""
    subs = []
    for entry in sorted(folder.iterdir()):
        if entry.is_file() and entry.suffix == ".ipynb":
            subs.append(Submission(entry.stem, entry))
        elif entry.is_dir() and not entry.name.startswith("."):
            found = sorted(nb for nb in entry.rglob("*.ipynb") if ".ipynb_checkpoints" not in nb.parts)
            if len(found) == 1:
                subs.append(Submission(entry.name, found[0]))
            elif found:
                names = ", ".join(nb.name for nb in found)
                subs.append(Submission(entry.name, entry, f"the folder holds {len(found)} notebooks ({names}); "
                                                          "keep one per student"))
    return subs


def find_submissions(paths: list[str]) -> list[Submission]:
    """Submissions in `paths` (notebook files and folders); no notebook or two students of one name is bad input."""
    subs = []
    for arg in paths:
        path = Path(arg)
        if path.is_file():
            subs.append(Submission(path.stem, path))
        elif path.is_dir():
            subs += folder_submissions(path)
        else:
            raise CourseError(f"{arg} does not exist.")
    if not subs:
        raise CourseError(f"No notebooks found in {', '.join(paths)}.")
    seen: dict[str, Path] = {}
    for sub in subs:
        if sub.student in seen:
            raise CourseError(f"Two submissions are named {sub.student} ({seen[sub.student]} and {sub.path}); "
                              "rename one.")
        seen[sub.student] = sub.path
    return subs


def read_cells(sub: Submission) -> None:
    """Find the exercise cells of `sub`'s notebook, or record why it cannot be read."""
    if sub.error is None:
        try:
            sub.cells = exercise_cells(code_cells(sub.path))
        except NotebookError as err:
            sub.error = str(err).rstrip(".")


def infer_lesson(subs: list[Submission]) -> int:
    """The lesson most exercise markers in the submissions belong to."""
    lessons = Counter(id_key(ex_id)[0] for sub in subs for ex_id in sub.cells)
    if not lessons:
        raise CourseError("No cell in the submissions starts with an `# EXERCISE N.M: name` marker; pass --lesson.")
    return lessons.most_common(1)[0][0]
