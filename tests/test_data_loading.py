"""utils.course.data: the same schema in every profile, and one clear sentence for a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest
from datasets import ClassLabel, Dataset, DatasetDict, Features, List, Value

from utils.course.data import (
    CONVERTERS,
    NER_LABELS,
    SENTIMENT_LABELS,
    TASKS,
    course_labels,
    label_names,
    load_hub,
    load_task,
)
from utils.course.hub_facts import DATASETS
from utils.course.profiles import PROFILES
from utils.errors import CourseError

TINY = PROFILES["tiny"]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    """Write rows as JSON lines."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.parametrize("task", list(TASKS))
def test_every_task_loads_with_its_columns(task: str) -> None:
    ds = load_task(task, profile=TINY)
    assert "test" in ds
    for split in ds.values():
        assert tuple(split.column_names) == TASKS[task].columns and len(split) > 0


def test_every_hub_set_has_its_facts_and_converter() -> None:
    hubs = [spec.hub for spec in TASKS.values() if spec.hub]
    assert {hub.name for hub in hubs} == set(DATASETS)
    assert all(hub.convert is None or hub.convert in CONVERTERS for hub in hubs)


def test_labels_become_class_labels() -> None:
    ds = load_task("ner", profile=TINY)
    assert label_names(ds["train"], "ner_tags") == NER_LABELS
    assert isinstance(ds["train"][0]["ner_tags"][0], int)
    assert label_names(load_task("classification", profile=TINY)["train"]) == ["negative", "positive"]


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    bad = write_jsonl(tmp_path / "ner.jsonl", [{"tokens": ["Ada"], "tags": ["B-PER"]}])
    with pytest.raises(CourseError, match=r"ner\.jsonl has no column 'ner_tags' \(it has: tokens, tags\)\.$"):
        load_task("ner", files={"train": bad})


def test_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match=r"does not exist\.$"):
        load_task("classification", files={"train": tmp_path / "nope.jsonl"})


def test_unknown_label_and_bad_json(tmp_path: Path) -> None:
    bad = write_jsonl(tmp_path / "c.jsonl", [{"text": "ok", "label": "meh"}])
    with pytest.raises(CourseError, match=r"Row 1 of .* has the label 'meh' in 'label', which is not one of"):
        load_task("classification", files={"train": bad})
    broken = tmp_path / "b.jsonl"
    broken.write_text('{"text": "ok", "label": "positive"}\n{"text": \n')
    with pytest.raises(CourseError, match=r"Line 2 of .* is not valid JSON"):
        load_task("classification", files={"train": broken})


def test_empty_file_and_unknown_task(tmp_path: Path) -> None:
    empty = tmp_path / "e.jsonl"
    empty.write_text("")
    with pytest.raises(CourseError, match="holds no rows"):
        load_task("classification", files={"train": empty})
    with pytest.raises(CourseError, match="There is no task 'poetry'"):
        load_task("poetry")


def test_csv_files_load(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("text,label\nGreat,positive\nAwful,negative\n")
    ds = load_task("classification", files={"train": path})
    assert ds["train"]["label"] == [1, 0]


def test_hub_label_names_become_the_course_names() -> None:
    hub = Dataset.from_dict({"text": ["bad", "good"], "label": [0, 1]},
                            features=Features({"text": Value("string"), "label": ClassLabel(names=["neg", "pos"])}))
    ds = course_labels(hub, "classification")
    assert label_names(ds) == SENTIMENT_LABELS and ds["label"] == [0, 1]
    three = hub.cast_column("label", ClassLabel(names=["neg", "mixed", "pos"]))
    with pytest.raises(CourseError, match=r"has 3 labels \(neg, mixed, pos\); the course expects 2"):
        course_labels(three, "classification")


def test_hub_sets_load_at_their_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    rows = {"id": ["0"], "tokens": [["Ada"]], "ner_tags": [[1]]}
    features = Features({"id": Value("string"), "tokens": List(Value("string")), "ner_tags": List(ClassLabel(
        names=NER_LABELS))})

    def fake_load_dataset(name: str, config: str | None, **kwargs: object) -> DatasetDict:
        calls.append((name, config, kwargs))
        return DatasetDict({s: Dataset.from_dict(rows, features=features) for s in ("train", "test")})

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    ds = load_hub("ner", PROFILES["full"])
    assert calls == [("eriktks/conll2003", None, {"revision": DATASETS["eriktks/conll2003"].revision})]
    assert label_names(ds["train"], "ner_tags") == NER_LABELS
