"""Task data: `load_task(name)` returns the same columns in every profile (data/ files in tiny, hub sets otherwise).

The tasks themselves (splits, columns, label names, hub stand-ins) are listed in `utils.course.tasks`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from datasets import ClassLabel, Dataset, DatasetDict, Features, List

from utils.course.hub_facts import DATASETS
from utils.course.paths import DATA_DIR
from utils.course.profiles import Profile, resolve_profile
from utils.course.tasks import NER_LABELS, SENTIMENT_LABELS, TASKS, TRIAGE_LEVELS, Task
from utils.errors import CourseError

__all__ = ["CONVERTERS", "HELPDESK_SYSTEM", "NER_LABELS", "SENTIMENT_LABELS", "TASKS", "TRIAGE_LEVELS", "Task",
           "course_labels", "label_names", "load_hub", "load_local", "load_task", "read_rows", "validate"]

HELPDESK_SYSTEM = "You are the Northwind Cloud help-desk assistant. Answer briefly and accurately."


def _messages(row: dict) -> dict:
    """Hub help-desk rows (instruction/response) as a system/user/assistant conversation."""
    return {"messages": [{"role": "system", "content": HELPDESK_SYSTEM},
                         {"role": "user", "content": row["instruction"]},
                         {"role": "assistant", "content": row["response"]}]}


def _preference(row: dict) -> dict:
    """Implicit-prompt preference rows (whole conversations) as explicit prompt/chosen/rejected."""
    from trl import extract_prompt

    return extract_prompt(row)


CONVERTERS: dict[str, Callable[[dict], dict]] = {  # the `convert` names of utils.course.tasks.HubSet
    "helpdesk_messages": _messages,
    "explicit_prompt": _preference,
}


def read_rows(path: Path) -> list[dict]:
    """Read a .jsonl, .json or .csv file into a list of rows, with one clear sentence on failure."""
    if not path.exists():
        hint = " Run `python data/make_data.py` to write the course data." if DATA_DIR in path.parents else ""
        raise CourseError(f"The data file {path} does not exist.{hint}")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        import csv

        return list(csv.DictReader(text.splitlines()))
    if path.suffix == ".json":
        return json.loads(text)
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise CourseError(f"Line {number} of {path} is not valid JSON ({err.msg}).") from None
    return rows


def validate(rows: list[dict], task: str, source: str) -> Dataset:
    """Check that rows carry the task's columns and labels; return them as a Dataset with ClassLabel features."""
    spec = TASKS[task]
    if not rows:
        raise CourseError(f"{source} holds no rows; the {task} task needs at least one.")
    for column in spec.columns:
        if column not in rows[0]:
            raise CourseError(f"{source} has no column {column!r} (it has: {', '.join(rows[0])}).")
    rows = [{c: row[c] for c in spec.columns} for row in rows]
    for column, names in (spec.labels or {}).items():
        allowed = set(names)
        for number, row in enumerate(rows, 1):
            values = row[column] if isinstance(row[column], list) else [row[column]]
            bad = [v for v in values if v not in allowed]
            if bad:
                raise CourseError(f"Row {number} of {source} has the label {bad[0]!r} in {column!r}, "
                                  f"which is not one of: {', '.join(names)}.")
    ds = Dataset.from_list(rows)
    for column, names in (spec.labels or {}).items():
        label = ClassLabel(names=names)
        feature = List(label) if isinstance(rows[0][column], list) else label
        ds = ds.cast(Features({**ds.features, column: feature}))
    return ds


def load_local(task: str, files: dict[str, str | Path] | None = None) -> DatasetDict:
    """Load `task` from files (default: data/<task>/<split>.jsonl), validated against the task's schema."""
    if task not in TASKS:
        raise CourseError(f"There is no task {task!r}; the tasks are: {', '.join(TASKS)}.")
    if files is None:
        folder = DATA_DIR / task
        names = sorted(p.stem for p in folder.glob("*.jsonl")) if folder.exists() else []
        files = {split: folder / f"{split}.jsonl" for split in (names or ["train"])}
    return DatasetDict({split: validate(read_rows(Path(path)), task, str(path)) for split, path in files.items()})


def course_labels(ds: Dataset, task: str) -> Dataset:
    """`ds` with the task's label names in place of the hub's (imdb's neg/pos -> negative/positive), ids kept."""
    for column, names in (TASKS[task].labels or {}).items():
        feature = ds.features[column]
        label = getattr(feature, "feature", feature)
        if not isinstance(label, ClassLabel):
            raise CourseError(f"The column {column!r} of the {task} data is not a class label ({label}).")
        if len(label.names) != len(names):
            raise CourseError(f"The column {column!r} of the {task} data has {len(label.names)} labels "
                              f"({', '.join(label.names)}); the course expects {len(names)}: {', '.join(names)}.")
        if label.names != names:
            course = ClassLabel(names=names)
            ds = ds.cast_column(column, List(course) if feature is not label else course)
    return ds


def load_hub(task: str, profile: Profile, max_rows: int | None = None) -> DatasetDict:
    """Load `task`'s hub data set and bring it to the course schema (needs the network)."""
    from datasets import load_dataset

    hub = TASKS[task].hub
    train_split, test_split = hub.splits
    facts = DATASETS.get(hub.name)
    raw = load_dataset(hub.name, hub.config, revision=facts.revision if facts else None)
    if not test_split:
        raw = raw[train_split].train_test_split(test_size=0.05, seed=0)
        train_split, test_split = "train", "test"
    out = {}
    for split, source in (("train", train_split), ("test", test_split)):
        ds = raw[source].shuffle(seed=0)
        if max_rows:
            ds = ds.select(range(min(max_rows, len(ds))))
        if hub.rename:
            ds = ds.rename_columns({k: v for k, v in hub.rename.items() if k in ds.column_names})
        if hub.convert:
            ds = ds.map(CONVERTERS[hub.convert])
        out[split] = course_labels(ds.select_columns(list(TASKS[task].columns)), task)
    return DatasetDict(out)


def load_task(task: str, profile: Profile | None = None, files: dict[str, str | Path] | None = None) -> DatasetDict:
    """The data of `task` in the course schema: data/ in tiny (or `files`), the hub set in small/full."""
    profile = profile or resolve_profile()[0]
    if task not in TASKS:
        raise CourseError(f"There is no task {task!r}; the tasks are: {', '.join(TASKS)}.")
    if files is not None or profile.offline or TASKS[task].hub is None:
        return load_local(task, files)
    return load_hub(task, profile, max_rows=profile.rows(profile.pick(tiny=None, small=2000, full=None)))


def label_names(ds: Dataset, column: str = "label") -> list[str]:
    """Label names of a ClassLabel column (or of a sequence of ClassLabels)."""
    feature = ds.features[column]
    return list(getattr(feature, "feature", feature).names)
