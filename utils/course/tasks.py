"""The registry of the course's data tasks: splits, columns, label names, hub stand-in and generator of each.

`utils.course.data` loads a task by it, `data/make_data.py` writes a task's files with the generator it names, and
`tests/test_data_files.py` checks the committed files against it. Plain data: this module imports nothing from the
course (and never from `data/`), so lessons, Colab and the generator script can all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

NER_LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
SENTIMENT_LABELS = ["negative", "positive"]
TRIAGE_LEVELS = ["emergency", "urgent", "routine", "self-care"]


@dataclass(frozen=True)
class HubSet:
    """The hub data set that stands for a task in the small and full profiles, and how its rows become the course's."""

    name: str
    config: str | None = None
    splits: tuple[str, str] = ("train", "test")  # the hub's (train, test) splits; "" for test: hold out 5% of train
    rename: dict[str, str] | None = None  # hub column -> course column
    convert: str | None = None  # a row converter of utils.course.data.CONVERTERS, applied after `rename`


@dataclass(frozen=True)
class Task:
    """One data task: its files' splits and columns (in row key order), label names and where its data comes from."""

    name: str
    generator: str  # the module data/generators/<generator>.py, whose make_<name>() returns {split: rows}
    columns: tuple[str, ...]
    splits: tuple[str, ...] = ("train", "test")  # the files data/<name>/<split>.jsonl
    labels: dict[str, list[str]] | None = None  # column -> label names (stored as names in data/ files)
    hub: HubSet | None = None  # None: data/ in every profile


# Append new tasks at the end: a task's position seeds its generator (`rng_for` in data/generators/common.py), so
# inserting, removing or reordering a task changes the data of every task after it.
TASKS: dict[str, Task] = {task.name: task for task in (
    Task("pretrain", "pretrain", ("text",), hub=HubSet("Salesforce/wikitext", "wikitext-2-raw-v1")),
    Task("classification", "reviews", ("text", "label"), labels={"label": SENTIMENT_LABELS},
         hub=HubSet("stanfordnlp/imdb")),
    Task("ner", "news", ("tokens", "ner_tags"), labels={"ner_tags": NER_LABELS}, hub=HubSet("eriktks/conll2003")),
    Task("summarization", "legal", ("document", "summary"),
         hub=HubSet("FiscalNote/billsum", rename={"text": "document"})),
    Task("helpdesk", "helpdesk", ("messages",),
         hub=HubSet("bitext/Bitext-customer-support-llm-chatbot-training-dataset", splits=("train", ""),
                    convert="helpdesk_messages")),
    Task("preferences", "helpdesk", ("prompt", "chosen", "rejected"),
         hub=HubSet("trl-lib/ultrafeedback_binarized", convert="explicit_prompt")),
    Task("triage", "triage", ("symptoms", "level", "messages"), labels={"level": TRIAGE_LEVELS}),
    Task("triage_preferences", "triage", ("prompt", "chosen", "rejected")),
    Task("red_team", "triage", ("prompt", "category", "expected"), splits=("test",)),
    Task("arithmetic", "arithmetic", ("prompt", "completion", "answer")),  # lesson 11: data/ in every profile
    Task("triage_heldout", "triage_heldout", ("message", "level", "why"), splits=("test",),
         labels={"level": TRIAGE_LEVELS}),  # lesson 10: hand-written, data/ in every profile
)}  # fmt: skip
