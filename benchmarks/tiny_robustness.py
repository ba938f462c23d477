"""Do the `tiny` lessons' claims hold on a learner's machine, not only on CI's float trajectory?

(a) Builds the tiny bases as a learner with 8 cores would (OMP_NUM_THREADS=8, in a fresh cache) and compares them to
    the bases in the course cache, byte for byte. Where they differ, it runs every lesson on the 8-thread bases.
(b) Runs every lesson in `tiny` under other seeds (COURSE_SEED), so no assert passes on one lucky trajectory only.
It prints a table of pass/fail per lesson (with the failing claim), and exits 1 if anything failed.

    python benchmarks/tiny_robustness.py                  # seeds 1 and 2, every lesson, two lessons at a time
    python benchmarks/tiny_robustness.py --seeds 3 --lessons 05 10 --skip-bases
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LESSONS = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))


def weights_digest(cache: Path) -> dict[str, str]:
    """sha256 of every tiny base's weights in the course cache `cache`, by base folder name minus its recipe hash."""
    return {path.parent.name.rsplit("-", 1)[0]: hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            for path in sorted((cache / "tiny").glob("tiny-*/model.safetensors"))}


def build_bases(cache: Path, threads: int) -> float:
    """Build every tiny base into `cache` from a shell that asks for `threads` threads; return the seconds it took."""
    env = os.environ | {"COURSE_CACHE": str(cache), "COURSE_PROFILE": "tiny", "OMP_NUM_THREADS": str(threads),
                        "MKL_NUM_THREADS": str(threads)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "utils.course.tiny_models"], cwd=REPO, env=env, check=True,
                   capture_output=True)
    return time.perf_counter() - start


def run_lesson(path: Path, env: dict[str, str]) -> tuple[bool, str, float]:
    """Run one lesson top to bottom in tiny: (passed, the failing line if any, seconds)."""
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "utils.course.notebooks", "run", "--profile", "tiny", str(path)],
                         cwd=REPO, env=os.environ | env | {"COURSE_PROFILE": "tiny", "OMP_NUM_THREADS": "1"},
                         capture_output=True, text=True)
    lines = [line for line in run.stdout.splitlines() if "FAILED" in line]
    why = lines[-1].split("FAILED under the tiny profile: ", 1)[-1] if lines else run.stderr.strip()[-200:]
    why = re.sub(r"\x1b\[[0-9;]*m", "", why)  # the kernel's traceback colours
    return run.returncode == 0, "" if run.returncode == 0 else why, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run (a) and (b) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2], help="COURSE_SEED values to run")
    parser.add_argument("--lessons", nargs="+", help="lesson numbers (e.g. 05 10); default: all")
    parser.add_argument("--jobs", type=int, default=2, help="lessons run at once (one thread each)")
    parser.add_argument("--skip-bases", action="store_true", help="skip (a), the 8-thread build of the bases")
    args = parser.parse_args(argv)
    from utils.course.paths import cache_dir

    lessons = [p for p in LESSONS if not args.lessons or p.name[:2] in args.lessons]
    columns: dict[str, dict[str, str]] = {}
    runs: list[tuple[str, dict[str, str]]] = [(f"seed {s}", {"COURSE_SEED": str(s)}) for s in args.seeds]
    if not args.skip_bases:
        built = Path(tempfile.mkdtemp(prefix="tiny-8-threads-"))
        seconds = build_bases(built, threads=8)
        ours, theirs = weights_digest(cache_dir()), weights_digest(built)
        print(f"(a) tiny bases built with 8 threads in {seconds:.0f} s, compared with {cache_dir() / 'tiny'}:")
        for name, digest in theirs.items():
            same = ours.get(name) == digest
            print(f"    {name:<16}{digest}  {'identical' if same else 'DIFFERENT from ' + ours.get(name, '-')}")
        if ours != theirs:
            runs.insert(0, ("8-thread bases", {"COURSE_CACHE": str(built)}))
        else:
            print("    identical to the bit: every lesson computes what it computes on the course cache's bases")
    failed = 0
    for label, env in runs:
        with ThreadPoolExecutor(args.jobs) as pool:
            futures = {pool.submit(run_lesson, path, env): path for path in lessons}
            results = {}
            for done in as_completed(futures):
                results[futures[done]] = ok, why, seconds = done.result()
                outcome = "pass" if ok else f"FAIL: {why}"
                print(f"{label}: {futures[done].stem}: {outcome} ({seconds:.0f} s)", flush=True)
        columns[label] = {p.stem: ("pass" if ok else f"FAIL: {why}") + f" ({s:.0f} s)"
                          for p, (ok, why, s) in results.items()}
        failed += sum(not ok for ok, _, _ in results.values())
    print(f"\n(b) every lesson in tiny, {platform_line()}")
    print(f"{'lesson':<30}" + "".join(f"{label:<28}" for label in columns))
    for path in lessons:
        print(f"{path.stem:<30}" + "".join(f"{columns[label][path.stem]:<28}" for label in columns))
    return 1 if failed else 0


def platform_line() -> str:
    """The machine this ran on, in one line."""
    import torch

    return (f"{platform.machine()} {platform.processor() or ''} {os.cpu_count()} cores, torch {torch.__version__}, "
            f"CPU capability {torch.backends.cpu.get_cpu_capability()}:")


if __name__ == "__main__":
    sys.exit(main())
