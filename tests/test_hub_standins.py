"""utils.course.hub_standins: every hub model and data set loads offline under its real name, with its real facts.

The checks run in a subprocess (this file run as a script) with the stand-ins' environment, because the Hugging Face
libraries read their cache and offline variables when they are imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from utils.course.hub_facts import DATASETS, MODELS

AUTO = {"ForMaskedLM": "AutoModelForMaskedLM", "ForConditionalGeneration": "AutoModelForSeq2SeqLM",
        "ForCausalLM": "AutoModelForCausalLM", "LMHeadModel": "AutoModelForCausalLM"}  # else AutoModel (no head)
CHAT = [{"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello"}]


def probe_model(name: str) -> dict:
    """What the stand-in of model `name` loads as, through the Auto classes a lesson uses."""
    import transformers

    auto = next((cls for end, cls in AUTO.items() if MODELS[name].architecture.endswith(end)), "AutoModel")
    model = getattr(transformers, auto).from_pretrained(name)
    tok = transformers.AutoTokenizer.from_pretrained(name)
    ids = tok("Hello world, this is a test.")["input_ids"]
    words = tok([" Ada", " met", " Lin"], is_split_into_words=True)
    return {"class": type(model).__name__, "dtype": str(model.dtype).removeprefix("torch."), "len": len(tok),
            "ids": {t: tok.convert_tokens_to_ids(t) for t in MODELS[name].special},
            "roles": {role: getattr(tok, f"{role}_token") for role in ("bos", "eos", "unk", "pad", "cls", "sep",
                                                                       "mask")},
            "first": ids[0], "last": ids[-1], "word_ids": words.word_ids(), "max_length": tok.model_max_length,
            "decoded": tok.decode(ids, skip_special_tokens=True),
            "uncased": tok("Reset My Password")["input_ids"] == tok("reset my password")["input_ids"],
            "chat": tok.apply_chat_template(CHAT, tokenize=False, add_generation_prompt=True)
            if tok.chat_template else None}


def probe_dataset(name: str) -> dict:
    """What `load_dataset(name, config[, revision=])` returns offline: splits, rows, columns and label names."""
    from datasets import load_dataset

    facts = DATASETS[name]
    ds = load_dataset(name, facts.config, revision=facts.revision)
    features = ds[next(iter(ds))].features
    return {"splits": {split: len(part) for split, part in ds.items()}, "columns": list(features),
            "labels": {c: list(getattr(f, "feature", f).names) for c, f in features.items()
                       if hasattr(getattr(f, "feature", f), "names")},
            "row": {k: v for k, v in ds[next(iter(ds))][0].items() if k in ("chosen", "label")}}


def probe_tasks() -> dict:
    """What `load_task(task)` returns in the full profile for every task with a hub data set."""
    from utils.course.data import TASKS, label_names, load_task
    from utils.course.profiles import resolve_profile

    profile = resolve_profile()[0]
    out = {}
    for task, spec in TASKS.items():
        if spec.hub:
            ds = load_task(task, profile)
            out[task] = {"splits": {s: ds[s].column_names for s in ds}, "rows": len(ds["train"]),
                         "labels": {c: label_names(ds["train"], c) for c in spec.labels or {}}}
    return out


def probe_retriever() -> dict:
    """What lesson 08's `make_retriever` builds in the full profile: its class and the shape of its similarities."""
    from utils.course.profiles import resolve_profile
    from utils.projects.qa.retrieval import make_retriever

    retriever = make_retriever(["How do I reset my password?", "Can I delete my account?"], ["A", "B"],
                               resolve_profile()[0])
    return {"class": type(retriever).__name__, "shape": list(retriever.similarities(["password"]).shape)}


def probe() -> dict:
    """Everything the tests check, gathered in one process."""
    return {"models": {name: probe_model(name) for name in MODELS},
            "datasets": {name: probe_dataset(name) for name in DATASETS}, "tasks": probe_tasks(),
            "retriever": probe_retriever()}


@pytest.fixture(scope="module")
def seen() -> dict:
    """Build the stand-ins (once; reused from the course cache) and probe them in a subprocess with their env."""
    from utils.course.hub_standins import default_root, environment, write

    root = write(default_root())
    env = {**os.environ, **environment(root), "COURSE_PROFILE": "full", "COURSE_SMOKE": "1"}
    done = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("name", list(MODELS))
def test_model_loads_by_its_real_name(seen: dict, name: str) -> None:
    facts, got = MODELS[name], seen["models"][name]
    assert got["class"] == facts.architecture and got["dtype"] == facts.dtype
    assert got["len"] == facts.vocab and got["ids"] == facts.special
    assert got["max_length"] == facts.model_max_length
    for role, token in facts.roles.items():
        assert got["roles"][role] == token, role
    assert "this is a test" in got["decoded"]
    assert got["uncased"] == (facts.tokenizer == "wordpiece")  # uncased BERT lower-cases; the others keep case


@pytest.mark.parametrize("name", list(MODELS))
def test_tokenizer_adds_what_the_real_one_adds(seen: dict, name: str) -> None:
    facts, got = MODELS[name], seen["models"][name]
    special, role_id = set(facts.special.values()), {r: facts.special.get(t) for r, t in facts.roles.items()}
    assert (got["first"] == role_id.get("bos")) == facts.add_bos
    assert (got["last"] == role_id.get("eos")) == facts.add_eos
    if "cls" in facts.roles:
        assert (got["first"], got["last"]) == (facts.special["[CLS]"], facts.special["[SEP]"])
        words = got["word_ids"]
        assert words[0] is None and words[-1] is None and sorted(set(words[1:-1])) == [0, 1, 2]
    elif not facts.add_bos and not facts.add_eos:
        assert got["first"] not in special and got["last"] not in special


@pytest.mark.parametrize("name", list(MODELS))
def test_chat_template_as_the_real_one(seen: dict, name: str) -> None:
    facts, chat = MODELS[name], seen["models"][name]["chat"]
    assert (chat is None) == (facts.chat_template is None)
    if chat is not None:
        assert "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n" in chat
        assert chat.endswith("<|im_start|>assistant\n")
        assert chat.startswith(f"<|im_start|>system\n{facts.default_system}<|im_end|>\n")


@pytest.mark.parametrize("name", list(DATASETS))
def test_dataset_loads_by_its_real_name(seen: dict, name: str) -> None:
    facts, got = DATASETS[name], seen["datasets"][name]
    assert list(got["splits"]) == list(facts.splits) and all(0 < n <= facts.splits[s] for s, n in got["splits"].items())
    assert got["columns"] == list(facts.features)
    for column, spec in facts.features.items():
        inner = spec.get("list", spec) if isinstance(spec, dict) else spec
        if isinstance(inner, dict) and "class_label" in inner:
            assert got["labels"][column] == inner["class_label"]


def test_preference_rows_repeat_the_user_turn(seen: dict) -> None:
    row = seen["datasets"]["trl-lib/ultrafeedback_binarized"]["row"]
    assert [m["role"] for m in row["chosen"]] == ["user", "assistant"]
    assert seen["datasets"]["stanfordnlp/imdb"]["row"]["label"] in (0, 1)


def test_sentence_encoder_loads_for_the_qa_retriever(seen: dict) -> None:
    assert seen["models"]["sentence-transformers/all-MiniLM-L6-v2"]["class"] == "BertModel"
    assert seen["retriever"] == {"class": "EmbeddingRetriever", "shape": [1, 2]}


def test_every_hub_task_loads_in_the_course_schema(seen: dict) -> None:
    from utils.course.data import NER_LABELS, SENTIMENT_LABELS, TASKS

    tasks = seen["tasks"]
    assert set(tasks) == {task for task, spec in TASKS.items() if spec.hub}
    for task, got in tasks.items():
        assert got["splits"] == {"train": list(TASKS[task].columns), "test": list(TASKS[task].columns)}
        assert 0 < got["rows"] <= 24  # a smoke run caps the rows
    assert tasks["classification"]["labels"] == {"label": SENTIMENT_LABELS}
    assert tasks["ner"]["labels"] == {"ner_tags": NER_LABELS}


if __name__ == "__main__":
    print(json.dumps(probe()))
