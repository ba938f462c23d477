"""Write the course's synthetic data sets under data/: `python data/make_data.py [--out DIR] [--check]`.

Which tasks there are, their splits and their columns come from the registry `utils.course.tasks.TASKS`; a task's
rows come from `make_<task>()` in the generator module the registry names, `data/generators/<generator>.py`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
for folder in (DATA_DIR, DATA_DIR.parent):  # data/ for `generators`, the repository root for `utils`
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from generators.common import SEED, Row  # noqa: E402

from utils.course.tasks import TASKS  # noqa: E402


def maker(task: str) -> Callable[[], dict[str, list[Row]]]:
    """The function that makes `task`'s rows: `make_<task>` of the generator module the registry names."""
    return getattr(importlib.import_module(f"generators.{TASKS[task].generator}"), f"make_{task}")


def task_rows(task: str) -> dict[str, list[Row]]:
    """`task`'s rows per split, checked against the registry: exactly its splits, and rows with exactly its columns."""
    spec, splits = TASKS[task], maker(task)()
    if tuple(splits) != spec.splits:
        raise ValueError(f"make_{task}() returned the splits {', '.join(splits)}; utils.course.tasks lists "
                         f"{', '.join(spec.splits)}.")
    for split, rows in splits.items():
        for number, row in enumerate(rows, 1):
            if tuple(row) != spec.columns:
                raise ValueError(f"Row {number} of {task}/{split} has the keys {', '.join(row)}; "
                                 f"utils.course.tasks lists {', '.join(spec.columns)}.")
    return splits


def write_all(out_dir: Path) -> list[tuple[str, str, int, int]]:
    """Write every task's splits as JSON lines under `out_dir`; return (task, split, rows, bytes) per file."""
    report = []
    for task in TASKS:
        for split, rows in task_rows(task).items():
            path = out_dir / task / f"{split}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")
            path.write_bytes(data)
            report.append((task, split, len(rows), len(data)))
    return report


def data_files(root: Path) -> list[str]:
    """The generated files under `root`, as sorted relative paths."""
    return sorted(str(p.relative_to(root)) for task in TASKS for p in (root / task).glob("*.jsonl"))


def check(data_dir: Path) -> str | None:
    """Regenerate into a temporary folder; return a sentence on the first difference from `data_dir`, or None."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        write_all(fresh)
        expected, present = data_files(fresh), data_files(data_dir)
        if expected != present:
            missing = sorted(set(expected) - set(present)) or sorted(set(present) - set(expected))
            return f"The data files differ from a fresh run ({missing[0]} is missing or extra); run data/make_data.py."
        for name in expected:
            if (fresh / name).read_bytes() != (data_dir / name).read_bytes():
                return f"{name} differs from a fresh run of data/make_data.py; run it again and commit the result."
    return None


def print_report(report: list[tuple[str, str, int, int]], seconds: float) -> None:
    """Print a Markdown table of rows and sizes per file, with the total and the generation time."""
    print("| task | split | rows | size (KB) |")
    print("|---|---|---:|---:|")
    for task, split, rows, size in report:
        print(f"| {task} | {split} | {rows} | {size / 1024:.0f} |")
    total = sum(size for *_, size in report)
    print(f"| **total** | | {sum(r for _, _, r, _ in report)} | {total / 1024:.0f} |")
    print(f"\nGenerated in {seconds:.1f} s with seed {SEED}.")


def main(argv: list[str] | None = None) -> int:
    """Generate the data sets (or, with --check, verify the committed ones); return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="folder to write into (default: data/)")
    parser.add_argument("--check", action="store_true", help="verify that the files in --out match a fresh run")
    args = parser.parse_args(argv)
    if args.check:
        problem = check(args.out)
        print(problem or f"All data files under {args.out} match a fresh run.")
        return 1 if problem else 0
    start = time.perf_counter()
    report = write_all(args.out)
    print_report(report, time.perf_counter() - start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
