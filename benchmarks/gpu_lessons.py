"""Run lessons top to bottom in `full` on a GPU machine with no hub and no Jupyter: a smoke run against the stand-ins.

    python benchmarks/gpu_lessons.py lessons/04_qlora_mistral.ipynb lessons/06_rlhf_dpo.ipynb --out table.md

Each lesson's code cells run in one namespace in this process (cwd lessons/, as Jupyter runs them), with
COURSE_PROFILE=full, COURSE_SMOKE=1 and the Hugging Face libraries pointed at `utils.course.hub_standins` (built here
first). It proves the GPU code path (devices, dtypes, 4-bit layers, memory) of every step; the stand-ins are tiny,
so times and memory say nothing of the real models (benchmarks/gpu_check.py measures those). Prints a table:
lesson, status, seconds, peak GPU memory, and the first error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def code_cells(path: Path) -> list[str]:
    """The source of a notebook's code cells, in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def run_lesson(path: Path) -> tuple[str, float, str]:
    """Execute every code cell of `path` in a fresh namespace; return status, seconds and the first error."""
    import torch

    namespace: dict = {"__name__": "__main__", "display": print}
    start = time.perf_counter()
    here = Path.cwd()
    os.chdir(path.parent)
    try:
        for number, source in enumerate(code_cells(path)):
            try:
                exec(compile(source, f"{path.name}[cell {number}]", "exec"), namespace)
            except NotImplementedError:  # an exercise stub; its check cell reports it and goes on
                continue
        return "ok", time.perf_counter() - start, ""
    except Exception as err:  # every error is the result this script reports
        last = traceback.format_exception(err)[-3:]
        return "error", time.perf_counter() - start, "".join(last).strip().replace("\n", " | ")[:400]
    finally:
        os.chdir(here)
        namespace.clear()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


def main() -> int:
    """Build the stand-ins, run the lessons, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="+", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from utils.course import hub_standins

    os.environ |= hub_standins.environment(hub_standins.write(hub_standins.default_root()))
    os.environ |= {"COURSE_PROFILE": "full", "COURSE_SMOKE": "1", "MPLBACKEND": "Agg"}
    import torch

    rows = ["| lesson | status | s | peak GPU GiB | first error |", "| --- | --- | --- | --- | --- |"]
    failed = 0
    for path in args.lessons:
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        status, seconds, error = run_lesson(path.resolve())
        peak = torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else 0.0
        failed += status != "ok"
        rows.append(f"| {path.stem} | {status} | {seconds:.0f} | {peak:.2f} | {error} |")
        print(rows[-1], flush=True)
    table = "\n".join(rows)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
