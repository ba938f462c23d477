"""`python -m utils.grade SUBMISSIONS...`: grade the exercise cells of learners' notebooks into a gradebook."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from utils.course.paths import REPO_ROOT
from utils.errors import CourseError
from utils.grade.plan import make_plan, read_hidden, read_points
from utils.grade.pool import Pool, Setup, grade, sandbox_prefix
from utils.grade.report import feedback, fmt, max_score, score, write_gradebook, write_nbgrader
from utils.grade.submissions import find_submissions, infer_lesson, read_cells


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line of `python -m utils.grade`."""
    parser = argparse.ArgumentParser(prog="python -m utils.grade", description=__doc__)
    parser.add_argument("submissions", nargs="+", help="notebooks, or folders of notebooks or of student folders")
    parser.add_argument("--lesson", type=int, help="lesson number (default: from the exercise markers)")
    parser.add_argument("--tests", action="append", default=[], help="hidden tests: a .py file or a folder of them")
    parser.add_argument("--points", help="YAML or JSON file of exercise totals, e.g. {'1.2': 3}")
    parser.add_argument("--out", default="grades", help="output folder (default: grades)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per exercise (default: 60)")
    parser.add_argument("--memory", type=int, default=4096, help="MB each exercise may allocate (default: 4096)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once")
    parser.add_argument("--nbgrader-csv", action="store_true", help="also write nbgrader.csv (nbgrader export)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    """Grade the submissions named by `args`; write the gradebook and feedback; 1 if some notebook was unreadable."""
    start = time.perf_counter()
    if not hasattr(os, "fork"):
        raise CourseError("Grading needs Linux or macOS (it forks a process per exercise); on Windows, use WSL.")
    if args.timeout <= 0 or args.memory <= 0 or args.jobs < 1:
        raise CourseError("--timeout, --memory and --jobs must be positive.")
    subs = find_submissions(args.submissions)
    for sub in subs:
        read_cells(sub)
    lesson = args.lesson if args.lesson is not None else infer_lesson(subs)
    hidden = read_hidden(args.tests)
    plan = make_plan(lesson, hidden, read_points(args.points))
    out = Path(args.out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    # graded code may not open these
    private = [*(sub.path for sub in subs), *(path for path, _ in hidden), *map(Path, args.tests),
               REPO_ROOT / "solutions", out / "feedback", out / "gradebook.csv", out / "nbgrader.csv"]
    deny = [str(path.resolve()) for path in private]
    prefix, isolation = sandbox_prefix()
    setup = Setup(lesson, [source for _, source in hidden], args.timeout, args.memory, deny, prefix)
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        pool = Pool(setup, min(args.jobs, len(subs)), scratch)
        try:
            with ThreadPoolExecutor(args.jobs) as threads:
                for sub in threads.map(lambda s: grade(s, plan, pool), subs):
                    print(f"  {sub.student}: {fmt(score(sub, plan))} / {fmt(max_score(plan))}", flush=True)
        finally:
            pool.close()
    write_gradebook(subs, plan, out)
    for sub in subs:
        (out / "feedback" / f"{sub.student}.md").write_text(feedback(sub, plan, lesson), encoding="utf-8")
    if args.nbgrader_csv:
        write_nbgrader(subs, plan, lesson, out)
    print(f"Graded {len(subs)} submissions of lesson {lesson:02d} in {time.perf_counter() - start:.1f} s "
          f"(isolation: {isolation}). Gradebook: {out / 'gradebook.csv'}; feedback: {out / 'feedback'}/.")
    bad = [sub.student for sub in subs if sub.error]
    if bad:
        print(f"error: {len(bad)} submission(s) could not be graded ({', '.join(bad)}); the gradebook's error column "
              "says why.", file=sys.stderr)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point: run, turning bad input into one sentence and a non-zero exit status."""
    try:
        return run(parse_args(argv))
    except CourseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
