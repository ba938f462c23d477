"""How long `python -m utils.grade` takes on a class: 30 sample submissions per lesson (five kinds, hostile ones
included, then learners alternately correct and half done), graded with the default settings but 2 jobs.

    python benchmarks/grading_speed.py                 # every lesson with exercises
    python benchmarks/grading_speed.py --lessons 2 6 --count 100
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

from utils.grade import make_plan  # noqa: E402
from utils.grade.samples import samples  # noqa: E402


def main() -> None:
    """Grade `--count` sample submissions of each lesson and print one row per lesson."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, nargs="+", default=list(range(100)))
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per exercise (the hostile loop's cost)")
    args = parser.parse_args()
    print(f"{'lesson':>6} {'submissions':>11} {'exercises':>9} {'seconds':>8} {'s/submission':>12}")
    for lesson in args.lessons:
        if not (REPO / "utils" / "exercises" / f"lesson{lesson:02d}.py").exists():
            continue
        exercises = len(make_plan(lesson, [], {}))
        with tempfile.TemporaryDirectory() as folder:
            for student, notebook in samples(lesson, args.count).items():
                (Path(folder) / f"{student}.ipynb").write_text(json.dumps(notebook))
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "utils.grade", folder, "--out", f"{folder}/out", "--jobs", "2",
                            "--timeout", str(args.timeout)], cwd=REPO, capture_output=True, check=False)
            seconds = time.perf_counter() - start
        print(f"{lesson:>6} {args.count:>11} {exercises:>9} {seconds:>8.1f} {seconds / args.count:>12.2f}")


if __name__ == "__main__":
    main()
