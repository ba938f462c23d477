"""Sample submissions of a lesson, made from its notebook, to try the grader (and your hidden tests) on.

    python -m utils.grade.samples 3 books/            # stubs, correct, partial, syntax_error, hostile
    python -m utils.grade.samples 3 books/ --count 30 # and more learners, alternately correct and partial
    python -m utils.grade books/                      # then grade them

`correct` pastes `solutions/lessonNN.py` into every exercise cell, `stubs` is the notebook as it ships, `partial`
solves only the first exercise, `syntax_error` breaks the first one, and `hostile` makes its first three exercises
loop forever, call `sys.exit`, and patch the checks while returning an object that claims to equal anything.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from utils.course.notebook_cells import exercise_cells
from utils.course.paths import REPO_ROOT
from utils.errors import CourseError
from utils.grade.plan import make_plan

HOSTILE = [  # the first three exercise cells of the hostile submission, and the problem the grader then names
    ("while True:\n    pass\n", "timed out"),
    ("import sys\n\nsys.exit(0)\n", "cell error"),
    ("import utils.checking\n\nutils.checking.expect = lambda *args, **kwargs: None\n\n\nclass Liar:\n"
     "    def __eq__(self, other):\n        return True\n\n\ndef {name}(*args, **kwargs):\n    return Liar()\n",
     "tampered"),
]


def lesson_notebook(lesson: int) -> Path:
    """The notebook of lesson `lesson` in lessons/, or CourseError."""
    found = sorted((REPO_ROOT / "lessons").glob(f"{lesson:02d}_*.ipynb"))
    if not found:
        raise CourseError(f"There is no notebook lessons/{lesson:02d}_*.ipynb.")
    return found[0]


def with_cells(source: Path, cells: dict[str, str]) -> dict:
    """Notebook `source` as JSON with the exercise cells named in `cells` (by id) replaced."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        found = exercise_cells(["".join(cell["source"])]) if cell["cell_type"] == "code" else {}
        for ex_id in found.keys() & cells.keys():
            cell["source"] = cells[ex_id].splitlines(keepends=True)
    return notebook


def samples(lesson: int, count: int = 5) -> dict[str, dict]:
    """`count` submissions (at least the five kinds) of lesson `lesson`, by student name, as notebook JSON."""
    plan = make_plan(lesson, [], {})
    solution = (REPO_ROOT / "solutions" / f"lesson{lesson:02d}.py").read_text(encoding="utf-8")
    correct = {ex.id: f"# EXERCISE {ex.id}: {ex.name}\n{solution}" for ex in plan}
    first = plan[0]
    broken = f"# EXERCISE {first.id}: {first.name}\ndef {first.name}(:\n    return None\n"
    attacks = {ex.id: f"# EXERCISE {ex.id}: {ex.name}\n" + code.replace("{name}", ex.name)
               for ex, (code, _) in zip(plan, HOSTILE, strict=False)}
    kinds = {"stubs": {}, "correct": correct, "partial": {first.id: correct[first.id]},
             "syntax_error": correct | {first.id: broken}, "hostile": correct | attacks}
    kinds |= {f"learner{i:02d}": correct if i % 2 else kinds["partial"] for i in range(max(count - len(kinds), 0))}
    source = lesson_notebook(lesson)
    return {student: with_cells(source, cells) for student, cells in kinds.items()}


def main(argv: list[str] | None = None) -> int:
    """Command line: write the sample submissions of a lesson into a folder."""
    parser = argparse.ArgumentParser(prog="python -m utils.grade.samples", description=__doc__.splitlines()[0])
    parser.add_argument("lesson", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=5, help="how many submissions (at least the five kinds)")
    args = parser.parse_args(argv)
    try:
        books = samples(args.lesson, args.count)
    except CourseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    clash = sorted(name for name in books if (args.folder / f"{name}.ipynb").exists())
    if clash:
        print(f"error: {args.folder}/{clash[0]}.ipynb already exists; choose an empty folder.", file=sys.stderr)
        return 2
    args.folder.mkdir(parents=True, exist_ok=True)
    for student, notebook in books.items():
        (args.folder / f"{student}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    print(f"Wrote {len(books)} submissions of lesson {args.lesson:02d} to {args.folder}/.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
