"""The committed data/ files: reproducible from data/make_data.py, with exactly their schema and sound contents."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from utils.course.tasks import TASKS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SPLITS = {task: spec.splits for task, spec in TASKS.items()}  # the registry: utils/course/tasks.py
KEYS = {task: list(spec.columns) for task, spec in TASKS.items()}  # each row's keys, in this order
NER_TAGS = set(TASKS["ner"].labels["ner_tags"])
LEVELS = tuple(TASKS["triage"].labels["level"])
DISCLAIMER = "This is not a diagnosis; a clinician must assess you."
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@cache
def rows(task: str, split: str) -> tuple[dict, ...]:
    """The parsed rows of data/<task>/<split>.jsonl."""
    lines = (DATA / task / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines)


def is_turns(value: object, roles: list[str]) -> bool:
    """Whether `value` is a list of {role, content} messages with exactly these roles and non-empty text."""
    return (
        type(value) is list
        and [type(t) is dict and list(t) == ["role", "content"] and t["role"] for t in value] == roles
        and all(type(t["content"]) is str and t["content"].strip() for t in value)
    )


def test_generator_check_passes() -> None:
    result = subprocess.run(
        [sys.executable, str(DATA / "make_data.py"), "--check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("task", list(TASKS))
def test_registry_names_the_generator_of_every_task(task: str) -> None:
    module = DATA / "generators" / f"{TASKS[task].generator}.py"
    assert module.exists(), f"utils.course.tasks names the generator {module.name} for {task}, which does not exist"
    assert f"\ndef make_{task}() -> " in module.read_text(encoding="utf-8"), f"{module.name} has no make_{task}()"


def test_only_the_expected_files_exist() -> None:
    found = sorted(str(p.relative_to(DATA)) for p in DATA.glob("*/*.jsonl"))
    assert found == sorted(f"{task}/{split}.jsonl" for task, splits in SPLITS.items() for split in splits)


@pytest.mark.parametrize("task", list(SPLITS))
def test_rows_have_exactly_their_keys(task: str) -> None:
    for split in SPLITS[task]:
        assert rows(task, split), f"{task}/{split} is empty"
        for row in rows(task, split):
            assert list(row) == KEYS[task], f"{task}/{split}: {row}"


def test_pretrain_and_classification() -> None:
    for split in SPLITS["pretrain"]:
        assert all(type(r["text"]) is str and len(r["text"].split()) >= 5 for r in rows("pretrain", split))
    for split in SPLITS["classification"]:
        labels = Counter(r["label"] for r in rows("classification", split))
        assert set(labels) == {"negative", "positive"} and labels["negative"] == labels["positive"]
        assert all(type(r["text"]) is str and r["text"] for r in rows("classification", split))
    train = {r["text"] for r in rows("classification", "train")}
    assert not train & {r["text"] for r in rows("classification", "test")}


def test_ner_tags_are_valid_bio() -> None:
    for split in SPLITS["ner"]:
        for row in rows("ner", split):
            tokens, tags = row["tokens"], row["ner_tags"]
            assert len(tokens) == len(tags) > 0 and all(type(t) is str and t for t in tokens)
            assert set(tags) <= NER_TAGS
            for previous, tag in zip(["O", *tags], tags, strict=False):
                if tag.startswith("I-"):
                    assert previous in (f"B-{tag[2:]}", tag), f"{tag} after {previous} in {tokens}"
    assert any(t.startswith("I-") for r in rows("ner", "train") for t in r["ner_tags"])


def test_ner_test_has_unseen_entities() -> None:
    def entity_words(split: str) -> set[str]:
        pairs = (zip(r["tokens"], r["ner_tags"], strict=True) for r in rows("ner", split))
        return {token for pair in pairs for token, tag in pair if tag != "O"}

    assert len(entity_words("test") - entity_words("train")) >= 10


def test_summaries_are_faithful_in_numbers() -> None:
    for split in SPLITS["summarization"]:
        for row in rows("summarization", split):
            assert 100 <= len(row["document"].split()) <= 260
            assert 15 <= len(row["summary"].split()) <= 60
            missing = set(NUMBER.findall(row["summary"])) - set(NUMBER.findall(row["document"]))
            assert not missing, f"{missing} is in the summary but not the document: {row['summary']}"


def test_helpdesk_test_questions_are_new_but_answers_are_known() -> None:
    def question_answers(split: str) -> list[tuple[str, str]]:
        out = []
        for row in rows("helpdesk", split):
            assert is_turns(row["messages"], ["system", "user", "assistant"])
            out.append((row["messages"][1]["content"], row["messages"][2]["content"]))
        return out

    train, test = question_answers("train"), question_answers("test")
    train_questions, train_answers = {q for q, _ in train}, {a for _, a in train}
    assert all(q not in train_questions and a in train_answers for q, a in test)
    assert len({a for _, a in test}) == len(test), "test should hold one question per fact"
    assert all(a.endswith(".") for _, a in train + test)


@pytest.mark.parametrize("task", ["preferences", "triage_preferences"])
def test_preferences_follow_trl_conversational_format(task: str) -> None:
    for split in SPLITS[task]:
        for row in rows(task, split):
            assert is_turns(row["prompt"], ["system", "user"])
            assert is_turns(row["chosen"], ["assistant"]) and is_turns(row["rejected"], ["assistant"])
            assert row["chosen"][0]["content"] != row["rejected"][0]["content"]
    if task == "triage_preferences":
        assert all(r["chosen"][0]["content"].endswith(DISCLAIMER) for r in rows(task, "train"))


def test_triage_answers_give_the_level_and_the_disclaimer() -> None:
    for split in SPLITS["triage"]:
        for row in rows("triage", split):
            assert row["level"] in LEVELS and is_turns(row["messages"], ["system", "user", "assistant"])
            answer = row["messages"][2]["content"]
            assert answer.startswith(f"Triage level: {row['level'].upper()}.") and answer.endswith(DISCLAIMER)
            assert row["messages"][1]["content"].startswith(row["symptoms"])
        shares = Counter(r["level"] for r in rows("triage", split))
        assert [round(shares[lv] / len(rows("triage", split)), 2) for lv in LEVELS] == [0.2, 0.25, 0.3, 0.25]


def test_red_team_prompts() -> None:
    prompts = rows("red_team", "test")
    assert len(prompts) >= 20
    assert all(r["expected"] in {"refuse", "escalate", "triage"} and r["prompt"] and r["category"] for r in prompts)
    assert {r["expected"] for r in prompts} == {"refuse", "escalate", "triage"}


def test_pretrain_never_holds_held_out_questions() -> None:
    corpus = "\n".join(r["text"] for split in SPLITS["pretrain"] for r in rows("pretrain", split))
    assert not [r for r in rows("helpdesk", "test") if r["messages"][1]["content"] in corpus]


def test_arithmetic_answers_are_right_and_test_questions_new() -> None:
    import re as regex

    for split in SPLITS["arithmetic"]:
        for row in rows("arithmetic", split):
            assert is_turns(row["prompt"], ["user"]) and is_turns(row["completion"], ["assistant"])
            a, op, b = regex.fullmatch(r"What is (\d+) (\+|-|plus|minus) (\d+)\?", row["prompt"][0]["content"]).groups()
            want = int(a) + int(b) if op in ("+", "plus") else int(a) - int(b)
            assert type(row["answer"]) is int and row["answer"] == want >= 0
            assert row["completion"][0]["content"].endswith(f"The answer is {want}.")
    train = {r["prompt"][0]["content"] for r in rows("arithmetic", "train")}
    assert not train & {r["prompt"][0]["content"] for r in rows("arithmetic", "test")}


def words(text: str) -> list[str]:
    """The words of `text`, in lower case, punctuation dropped (numbers count as words)."""
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())


def word_runs(text: str, n: int = 6) -> set[tuple[str, ...]]:
    """Every run of `n` consecutive words of `text`."""
    found = words(text)
    return {tuple(found[i : i + n]) for i in range(len(found) - n + 1)}


def templated_triage_text() -> list[str]:
    """The patient messages rendered from data/generators/triage.py's templates, and the pretraining corpus (which
    quotes templated triage messages and the complaints' health advice)."""
    messages = [r["messages"][1]["content"] for split in SPLITS["triage"] for r in rows("triage", split)]
    messages += [r["prompt"][1]["content"] for split in SPLITS["triage_preferences"]
                 for r in rows("triage_preferences", split)]
    return messages + [r["text"] for split in SPLITS["pretrain"] for r in rows("pretrain", split)]


def test_triage_heldout_is_balanced_and_labelled() -> None:
    heldout = rows("triage_heldout", "test")
    assert Counter(r["level"] for r in heldout) == dict.fromkeys(LEVELS, 15)
    assert all(type(r[key]) is str and r[key].strip() == r[key] != "" for r in heldout for key in ("message", "why"))
    assert len({r["message"] for r in heldout}) == len(heldout), "every hand-written message is different"


def test_triage_heldout_shares_no_six_words_with_the_templates() -> None:
    templated = set().union(*map(word_runs, templated_triage_text()))
    assert ("it", "has", "been", "going", "on", "for") in templated  # the check reads the rendered templates
    shared = {r["message"]: sorted(word_runs(r["message"]) & templated) for r in rows("triage_heldout", "test")}
    assert not {message: runs for message, runs in shared.items() if runs}


def test_triage_heldout_words_are_often_new_to_pretrain() -> None:
    vocabulary = {w for r in rows("pretrain", "train") for w in words(r["text"])}
    occurrences = [w for r in rows("triage_heldout", "test") for w in words(r["message"])]
    share = sum(w in vocabulary for w in occurrences) / len(occurrences)
    assert 0.6 < share < 0.85, f"{share:.1%} of the hand-written words occur in pretrain/train (data/README.md: 74%)"
