"""`python -m utils.grade SUBMISSIONS...`: grade the exercise cells of learners' notebooks into a gradebook."""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from utils.course.notebook_cells import ExerciseCell, NotebookError, code_cells, exercise_cells, plain_python
from utils.errors import CourseError
from utils.grade_worker import REPO, id_key, load_checks

WORKER = Path(__file__).with_name("grade_worker.py")
SANDBOXES = (
    (["unshare", "--user", "--map-root-user", "--net", "--pid", "--fork", "--mount-proc"],
     "private user, network and process namespaces"),
    (["unshare", "--net", "--pid", "--fork", "--mount-proc"], "private network and process namespaces"),
    (["unshare", "--user", "--map-root-user", "--net"], "private user and network namespaces"),
    (["unshare", "--net"], "a private network namespace"),
)
PASS_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "HF_HOME", "HF_HUB_CACHE", "TORCH_HOME", "XDG_CACHE_HOME")
WORKER_START_S = 60.0
OUTPUT_LIMIT = 2000
NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]
STATUS_WORDS = {"passed": "passed", "failed": "failed", "todo": "to do"}


@dataclass
class Exercise:
    """One exercise as graded: id, the name learners define, and its checks as (label, points)."""

    id: str
    name: str
    parts: list[tuple[str, float]]

    @property
    def max(self) -> float:
        """Points of the exercise when every check passes."""
        return sum(points for _, points in self.parts)


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


def fmt(points: float) -> str:
    """Points as written in the gradebook: 2, 1.5."""
    return f"{points:g}"


def earned(ex: Exercise, result: Result) -> float:
    """Points `result` earns on `ex`: the points of each check that passed."""
    return sum(points for (_, points), (status, _) in zip(ex.parts, result.parts, strict=True) if status == "passed")


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


def read_hidden(paths: list[str]) -> list[tuple[Path, str]]:
    """(path, source) of each hidden-tests file named by --tests (a .py file or a folder of them)."""
    files = []
    for arg in paths:
        path = Path(arg)
        if not path.exists():
            raise CourseError(f"--tests {arg} does not exist.")
        found = sorted(path.glob("*.py")) if path.is_dir() else [path]
        if not found:
            raise CourseError(f"--tests {arg} holds no .py files.")
        files += found
    return [(path, path.read_text(encoding="utf-8")) for path in files]


def read_points(path: str | None) -> dict[str, float]:
    """Exercise totals from a YAML or JSON file mapping ids to points ({"1.2": 3})."""
    if path is None:
        return {}
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as err:
        raise CourseError(f"--points {path} cannot be read ({err}).") from None
    if not isinstance(data, dict) or not all(type(v) in (int, float) and v >= 0 for v in data.values()):
        raise CourseError(f'--points {path} should map exercise ids to points, like {{"1.2": 3}}.')
    return {str(key): float(value) for key, value in data.items()}


def make_plan(lesson: int, hidden: list[tuple[Path, str]], totals: dict[str, float]) -> list[Exercise]:
    """The exercises of `lesson` with their checks (visible, then hidden) and points, `totals` overriding."""
    for name, sources in [(f"utils/exercises/lesson{lesson:02d}.py", []), *((f"--tests {p}", [s]) for p, s in hidden)]:
        try:
            load_checks(lesson, sources)
        except Exception as err:  # course or instructor code: report it as a sentence
            raise CourseError(f"{name} could not be loaded: {type(err).__name__}: {err}.") from None
    try:
        checks = load_checks(lesson, [source for _, source in hidden])
    except ValueError as err:
        raise CourseError(f"The hidden tests disagree: {err}.") from None
    if not checks:
        raise CourseError(f"There are no checks for lesson {lesson}: utils/exercises/lesson{lesson:02d}.py does not "
                          "exist and --tests adds none.")
    unknown = sorted(set(totals) - set(checks))
    if unknown:
        raise CourseError(f"--points names {', '.join(unknown)}, not exercises of lesson {lesson} "
                          '(quote ids in YAML: "1.10").')
    plan = []
    for ex_id, parts in checks.items():
        points = [float(ex.points) for _, ex in parts]
        if ex_id in totals:  # the new total, split across the checks in the ratio of their own points
            points = [totals[ex_id] * (p / sum(points) if sum(points) else 1 / len(points)) for p in points]
        plan.append(Exercise(ex_id, parts[0][1].name, list(zip([label for label, _ in parts], points, strict=True))))
    return plan


def sandbox_prefix() -> tuple[list[str], str]:
    """The `unshare` command that isolates each worker where the OS allows it, and what it isolates."""
    for prefix, what in SANDBOXES:
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix, what
    return [], "no namespaces (unshare is unavailable here), so network is blocked inside Python only"


@dataclass
class Setup:
    """What every worker of one grading run shares."""

    lesson: int
    hidden: list[str]
    timeout: float
    memory_mb: int
    deny: list[str]
    prefix: list[str]


def worker_env() -> dict[str, str]:
    """A small environment for workers: none of the caller's secrets, offline, one thread per process."""
    env = {k: v for k, v in os.environ.items() if k in PASS_ENV or k.startswith("COURSE_")}
    return env | {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false",
                  "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


class Worker:
    """A sandboxed worker process: loads the checks once, then grades one submission at a time in a fresh fork."""

    def __init__(self, setup: Setup, scratch: str) -> None:
        self.nonce, self.scratch, self.timeout = secrets.token_hex(16), scratch, setup.timeout
        self.proc = subprocess.Popen([*setup.prefix, sys.executable, "-I", str(WORKER)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=scratch, env=worker_env(),
                                     text=True, start_new_session=True)
        self.lines: queue.Queue[dict | None] = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()
        self.send({"nonce": self.nonce, "lesson": setup.lesson, "hidden": setup.hidden, "timeout": setup.timeout,
                   "memory_mb": setup.memory_mb, "output_limit": OUTPUT_LIMIT, "deny": setup.deny})
        ready = self.receive(WORKER_START_S)
        if ready is None or "fatal" in ready:
            self.stop()
            why = ready["fatal"] if ready else f"it stopped or took over {WORKER_START_S:g} s to start"
            raise CourseError(f"The grading worker could not load the checks: {why}.")

    def read(self) -> None:
        """Queue the lines the worker tags with this run's secret (graded code cannot know it), then None at EOF."""
        for line in self.proc.stdout:
            tag, _, payload = line.partition(" ")
            if tag == self.nonce:
                self.lines.put(json.loads(payload))
        self.lines.put(None)

    def send(self, item: dict) -> None:
        """Write one JSON line to the worker."""
        with contextlib.suppress(OSError):
            self.proc.stdin.write(json.dumps(item) + "\n")
            self.proc.stdin.flush()

    def receive(self, timeout: float) -> dict | None:
        """The worker's next line, or None if it ended or said nothing for `timeout` seconds."""
        try:
            return self.lines.get(timeout=max(timeout, 0.01))
        except queue.Empty:
            return None

    def grade(self, sub: Submission, todo: list[Exercise]) -> tuple[dict[str, Result], bool]:
        """Results of `sub`'s exercises `todo` as far as the worker got, and whether it finished (else it stops)."""
        cells = [{"id": ex.id, "name": ex.name, "marker": sub.cells[ex.id].name,
                  "source": plain_python(sub.cells[ex.id].source)} for ex in todo]
        results: dict[str, Result] = {}
        with tempfile.TemporaryDirectory(dir=self.scratch, ignore_cleanup_errors=True) as tmp:
            self.send({"cells": cells, "tmp": tmp})
            deadline = time.monotonic() + 30 + len(todo) * (self.timeout + 9)
            while (item := self.receive(deadline - time.monotonic())) is not None:
                if item.get("done"):
                    return results, True
                results[item["exercise"]] = Result([(status, message) for status, message in item["parts"]],
                                                   item["problem"])
        self.stop()
        return results, False

    def stop(self) -> None:
        """End the worker and everything in its process group."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


class Pool:
    """The run's workers, started on first use and replaced when graded code brings one down."""

    def __init__(self, setup: Setup, size: int, scratch: str) -> None:
        self.setup, self.scratch, self.started = setup, scratch, []
        self.idle: queue.Queue[Worker | None] = queue.Queue()
        for _ in range(size):
            self.idle.put(None)

    def grade(self, sub: Submission, todo: list[Exercise]) -> dict[str, Result]:
        """Results of `sub`'s exercises `todo` from an idle worker, as far as it got before graded code ended it."""
        worker = self.idle.get()
        try:
            if worker is None:
                worker = Worker(self.setup, self.scratch)
                self.started.append(worker)
            results, finished = worker.grade(sub, todo)
            worker = worker if finished else None
            return results
        finally:
            self.idle.put(worker)

    def close(self) -> None:
        """Stop every worker."""
        for worker in self.started:
            worker.stop()


def missing(ex: Exercise, sub: Submission) -> Result:
    """The result of an exercise whose cell is not in the notebook, saying where it may have gone."""
    moved = [cell.id for cell in sub.cells.values() if cell.name == ex.name]
    hint = f" (a cell defining `{ex.name}` is marked EXERCISE {moved[0]} instead)" if moved else \
        "; was the cell deleted, or its first line changed?"
    message = f"no code cell starts with `# EXERCISE {ex.id}: {ex.name}`{hint}"
    return Result([("failed", message)] * len(ex.parts), "missing")


def grade(sub: Submission, plan: list[Exercise], pool: Pool) -> Submission:
    """Grade every exercise of `plan` for `sub`; if graded code brings its worker down, go on in a new one."""
    todo = []
    for ex in plan:
        if sub.error:
            sub.results[ex.id] = Result([("failed", sub.error)] * len(ex.parts), "not graded")
        elif ex.id in sub.cells:
            todo.append(ex)
        else:
            sub.results[ex.id] = missing(ex, sub)
    while todo:
        results = pool.grade(sub, todo)
        sub.results.update({ex.id: results[ex.id] for ex in todo if ex.id in results})
        rest = [ex for ex in todo if ex.id not in sub.results]
        if rest:  # the worker ended while grading rest[0]: that exercise earns nothing, the others go on
            message = "the grader's process stopped while running this exercise (did the code kill it?)."
            sub.results[rest[0].id] = Result([("failed", message)] * len(rest[0].parts), "worker died")
        todo = rest[1:]
    return sub


def write_gradebook(subs: list[Submission], plan: list[Exercise], out: Path) -> None:
    """gradebook.csv: one row per learner, points per exercise, total, max and what kept exercises from a grade."""
    with (out / "gradebook.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *(ex.id for ex in plan), "total", "max", "error"])
        for sub in subs:
            points = [earned(ex, sub.results[ex.id]) for ex in plan]
            problems = "; ".join(f"{ex.id} {sub.results[ex.id].problem}" for ex in plan if sub.results[ex.id].problem)
            writer.writerow([sub.student, *map(fmt, points), fmt(sum(points)), fmt(sum(ex.max for ex in plan)),
                             sub.error or problems])


def write_nbgrader(subs: list[Submission], plan: list[Exercise], lesson: int, out: Path) -> None:
    """nbgrader.csv: the columns of `nbgrader export` (CsvExportPlugin), one row per learner."""
    top = sum(ex.max for ex in plan)
    with (out / "nbgrader.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(NBGRADER_COLUMNS)
        for sub in subs:
            score = sum(earned(ex, sub.results[ex.id]) for ex in plan)
            stamp = str(datetime.fromtimestamp(sub.path.stat().st_mtime, timezone.utc)) if sub.path.is_file() else ""
            writer.writerow([f"lesson{lesson:02d}", "", stamp, sub.student, "", "", "", float(score), 0.0,
                             float(score), float(top)])


def feedback(sub: Submission, plan: list[Exercise], lesson: int) -> str:
    """A learner's feedback in Markdown: points and, per exercise, each check's verdict in words (no test code)."""
    lines = [f"# Lesson {lesson:02d}: feedback for {sub.student}", ""]
    if sub.error:
        return "\n".join([*lines, f"Not graded: {sub.error}.", ""])
    total = sum(earned(ex, sub.results[ex.id]) for ex in plan)
    lines += [f"**{fmt(total)} / {fmt(sum(ex.max for ex in plan))} points**", ""]
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
    private = [*(sub.path for sub in subs), *(path for path, _ in hidden), *map(Path, args.tests), REPO / "solutions",
               out / "feedback", out / "gradebook.csv", out / "nbgrader.csv"]  # graded code may not open these
    deny = [str(path.resolve()) for path in private]
    prefix, isolation = sandbox_prefix()
    setup = Setup(lesson, [source for _, source in hidden], args.timeout, args.memory, deny, prefix)
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        pool = Pool(setup, min(args.jobs, len(subs)), scratch)
        try:
            with ThreadPoolExecutor(args.jobs) as threads:
                for sub in threads.map(lambda s: grade(s, plan, pool), subs):
                    total = sum(earned(ex, sub.results[ex.id]) for ex in plan)
                    print(f"  {sub.student}: {fmt(total)} / {fmt(sum(ex.max for ex in plan))}", flush=True)
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
