"""Offline stand-ins of the hub models and data sets of the small and full profiles, under their real names.

`python -m utils.course.hub_standins` builds them from `utils.course.hub_facts` (once; later runs reuse the build) and
prints the environment that points the Hugging Face libraries at them: with it, the course's unchanged
`from_pretrained("Qwen/Qwen2.5-0.5B-Instruct")` and `load_dataset("stanfordnlp/imdb")` work offline. Models keep
their real architecture, vocabulary size, special token ids and stored dtype, with a few layers of random weights;
tokenizers are trained on the course corpus and padded with filler entries to the real vocabulary; data sets keep
their real configs, splits and features, with a few hundred synthetic rows from the course's own data/ files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock

from utils.course.hub_facts import CHUNK_TAG_COUNT, DATASETS, MODELS, NER_TAGS, POS_TAG_COUNT, ModelFacts
from utils.course.paths import DATA_DIR, cache_dir
from utils.course.tasks import TASKS

BUILD_VERSION = 2  # bump to rebuild every stand-in after a change in how they are built
STAMP_FILE = "standins.json"
BODY_SIZE = 1500  # trained entries of each tokenizer; the rest of the real vocabulary is filler
ROWS = 200  # synthetic rows per data set split (fewer where the real split is smaller)
LAYERS = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, head_dim=16)
SHRINK: dict[str, dict[str, Any]] = {  # model_type -> sizes for CPU; everything else stays as the real config
    "gpt2": dict(n_embd=64, n_layer=2, n_head=4),
    "llama": LAYERS,
    "qwen2": LAYERS,
    "mistral": LAYERS,
    "modernbert": dict(hidden_size=64, intermediate_size=128, num_hidden_layers=3, num_attention_heads=4),
    "t5": dict(d_model=64, d_ff=128, d_kv=16, num_layers=2, num_decoder_layers=2, num_heads=4),
    "bert": dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4),
}
SENTIMENT = ["negative", "positive"]  # the course's label names in data/classification, in imdb's id order
HELPDESK_INTENTS = [("ACCOUNT", "manage_account"), ("PAYMENT", "check_payment"), ("SERVICE", "report_problem")]


def stamp() -> str:
    """A hash of everything the stand-ins are built from: this recipe's version, the facts and the course data."""
    digest = hashlib.sha256(str(BUILD_VERSION).encode())
    sources = [Path(__file__).with_name("hub_facts.py"), *sorted(DATA_DIR.glob("*/*.jsonl"))]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def commit_sha(name: str, key: str) -> str:
    """The made-up commit hash a stand-in repository's snapshot is filed under."""
    return hashlib.sha1(f"{key}:{name}".encode()).hexdigest()


def corpus() -> list[str]:
    """Texts the stand-in tokenizers are trained on: the course's pretraining corpus."""
    from utils.course.data import read_rows

    return [row["text"] for row in read_rows(DATA_DIR / "pretrain" / "train.jsonl")]


def train_body(kind: str, texts: list[str]):
    """A small tokenizer of family `kind` (byte-bpe, sentencepiece-bpe, unigram, wordpiece) trained on `texts`, no
    specials."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    if kind == "unigram":
        tok = Tokenizer(models.Unigram())
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
        tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
        tok.train_from_iterator(texts, trainers.UnigramTrainer(vocab_size=BODY_SIZE, show_progress=False))
        return tok
    if kind == "wordpiece":  # uncased BERT: lower-cased, split at spaces and punctuation, "##" continues a word
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tok.normalizer = normalizers.BertNormalizer(lowercase=True)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.decoder = decoders.WordPiece()
        tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=BODY_SIZE, show_progress=False))
        return tok
    if kind == "sentencepiece-bpe":
        tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True))
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")
        tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                         decoders.Strip(" ", 1, 0)])
        tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=BODY_SIZE, show_progress=False))
        return tok
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(texts, trainers.BpeTrainer(
        vocab_size=BODY_SIZE, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    return tok


def fill_vocabulary(body, facts: ModelFacts):
    """`body` grown to exactly `facts.vocab` entries: the specials at their real ids, the trained entries (after
    sentencepiece's 256 byte tokens) in the free ids from 0 up, and unreachable filler entries in the rest."""
    from tokenizers import Tokenizer

    data = json.loads(body.to_str())
    model = data["model"]
    unigram = model["type"] == "Unigram"
    trained = [piece for piece, _ in model["vocab"]] if unigram else sorted(model["vocab"], key=model["vocab"].get)
    scores = dict(model["vocab"]) if unigram else {}
    if facts.tokenizer == "sentencepiece-bpe":
        trained = [f"<0x{byte:02X}>" for byte in range(256)] + trained
    by_id = {i: token for token, i in facts.special.items()}
    queue = iter(t for t in trained if t not in facts.special)
    tokens = [by_id.get(i) or next(queue, None) or f"<filler_{i}>" for i in range(facts.vocab)]
    if unigram:
        model["vocab"] = [[t, scores.get(t, 0.0 if t in facts.special else -1000.0)] for t in tokens]
        model["unk_id"] = facts.special[facts.roles["unk"]]
    else:
        model["vocab"] = {t: i for i, t in enumerate(tokens)}
    data["added_tokens"] = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                             "normalized": False, "special": True} for t, i in sorted(facts.special.items(),
                                                                                      key=lambda kv: kv[1])]
    return Tokenizer.from_str(json.dumps(data))


def chat_template(facts: ModelFacts) -> str | None:
    """The course's own ChatML template (a default system turn when the chat has none), or None like the real one."""
    if facts.chat_template is None:
        return None
    if facts.chat_template != "chatml":
        raise ValueError(f"no stand-in chat template for the format {facts.chat_template!r}")
    system = ""
    if facts.default_system:
        system = ("{%- if not messages or messages[0]['role'] != 'system' %}"
                  "{{ '<|im_start|>system\\n' + " + json.dumps(facts.default_system) + " + '<|im_end|>\\n' }}"
                  "{%- endif %}")
    return (system + "{%- for message in messages %}"
            "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
            "{%- endfor %}"
            "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}")


def build_tokenizer(facts: ModelFacts, body):
    """The stand-in tokenizer of a model: real vocabulary size, specials and roles, bos/eos/cls handling."""
    from tokenizers import processors
    from transformers import PreTrainedTokenizerFast

    tok = fill_vocabulary(body, facts)
    roles = {f"{role}_token": token for role, token in facts.roles.items() if token is not None}
    if "cls" in facts.roles:
        cls, sep = facts.roles["cls"], facts.roles["sep"]
        tok.post_processor = processors.TemplateProcessing(
            single=f"{cls} $A {sep}", pair=f"{cls} $A {sep} $B:1 {sep}:1",
            special_tokens=[(cls, facts.special[cls]), (sep, facts.special[sep])])
    flags = {k: True for k, on in (("add_bos_token", facts.add_bos), ("add_eos_token", facts.add_eos)) if on}
    extra = [t for t in facts.special if t not in roles.values()]
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, model_max_length=facts.model_max_length,
                                   extra_special_tokens=extra, **roles, **flags)
    fast.chat_template = chat_template(facts)
    return fast


def build_model(facts: ModelFacts, seed: int = 0):
    """The stand-in model: the real config with CPU sizes, seeded random weights in the stored dtype."""
    import torch
    import transformers

    settings = {**facts.config, **SHRINK[facts.config["model_type"]]}
    model_type = settings.pop("model_type")
    config = transformers.AutoConfig.for_model(model_type, architectures=[facts.architecture], **settings)
    torch.manual_seed(seed)
    model = getattr(transformers, facts.architecture)(config).to(getattr(torch, facts.dtype))
    model.config.dtype = facts.dtype
    return model


def write_model(name: str, facts: ModelFacts, body, hub: Path, key: str) -> dict:
    """Save the stand-in of model `name` in the hub cache layout (refs/main -> snapshots/<sha>); return its row."""
    repo = hub / f"models--{name.replace('/', '--')}"
    sha = commit_sha(name, key)
    model, tokenizer = build_model(facts), build_tokenizer(facts, body)
    model.save_pretrained(repo / "snapshots" / sha)
    tokenizer.save_pretrained(repo / "snapshots" / sha)
    settings_path = repo / "snapshots" / sha / "tokenizer_config.json"
    settings = json.loads(settings_path.read_text())  # absent roles written out, so no class default fills them in
    settings.update({f"{role}_token": None for role, token in facts.roles.items() if token is None})
    settings_path.write_text(json.dumps(settings, indent=2))
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(sha)
    return {"name": name, "class": facts.architecture, "params": sum(p.numel() for p in model.parameters()),
            "vocab": len(tokenizer), "dtype": facts.dtype}


def link_duplicates(folder: Path) -> None:
    """Hard-link files of equal content under `folder`: models that shrink to the same stand-in share their disk."""
    first: dict[str, Path] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in first:
            path.unlink()
            os.link(first[digest], path)
        else:
            first[digest] = path


def feature(spec: Any):
    """A `datasets` feature from its hub_facts spelling ("string", {"class_label": [...]}, {"list": ...}, {...})."""
    from datasets import ClassLabel, List, Value

    if isinstance(spec, str):
        return Value(spec)
    if "class_label" in spec:
        return ClassLabel(names=spec["class_label"])
    if "list" in spec:
        return List(feature(spec["list"]))
    return {column: feature(inner) for column, inner in spec.items()}


def source_rows(task: str, split: str) -> list[dict]:
    """The course's own rows of data/<task>: the train file for a train split, the test file for any other."""
    from utils.course.data import read_rows

    return read_rows(DATA_DIR / task / ("train.jsonl" if split == "train" else "test.jsonl"))


def wikitext_row(row: dict, split: str, rng: random.Random) -> dict:
    """A wikitext row: a paragraph of the course's pretraining corpus."""
    return {"text": row["text"]}


def imdb_row(row: dict, split: str, rng: random.Random) -> dict:
    """An imdb row: a course review with its label id (-1, no label, in the unsupervised split as on the hub)."""
    return {"text": row["text"], "label": -1 if split == "unsupervised" else SENTIMENT.index(row["label"])}


def conll_row(row: dict, split: str, rng: random.Random) -> dict:
    """A CoNLL-2003 row: a course NER sentence with tag ids, and random POS and chunk tag ids."""
    tokens = row["tokens"]
    return {"id": str(rng.randrange(100_000)), "tokens": tokens,
            "pos_tags": [rng.randrange(POS_TAG_COUNT) for _ in tokens],
            "chunk_tags": [rng.randrange(CHUNK_TAG_COUNT) for _ in tokens],
            "ner_tags": [NER_TAGS.index(tag) for tag in row["ner_tags"]]}


def billsum_row(row: dict, split: str, rng: random.Random) -> dict:
    """A BillSum row: a course document, its summary, and its first sentence as the title."""
    return {"text": row["document"], "summary": row["summary"], "title": row["document"].split(". ")[0]}


def bitext_row(row: dict, split: str, rng: random.Random) -> dict:
    """A Bitext row: a course help-desk question and answer, with a made-up category and intent."""
    turns = {m["role"]: m["content"] for m in row["messages"]}
    category, intent = rng.choice(HELPDESK_INTENTS)
    return {"flags": "B", "instruction": turns["user"], "category": category, "intent": intent,
            "response": turns["assistant"]}


def ultrafeedback_row(row: dict, split: str, rng: random.Random) -> dict:
    """An UltraFeedback row: the user turns followed by the chosen or the rejected answer, with scores."""
    prompt = [{"content": m["content"], "role": m["role"]} for m in row["prompt"] if m["role"] != "system"]
    chosen = rng.choice([7.0, 8.0, 8.5, 9.0, 10.0])
    return {"chosen": prompt + [{"content": m["content"], "role": m["role"]} for m in row["chosen"]],
            "rejected": prompt + [{"content": m["content"], "role": m["role"]} for m in row["rejected"]],
            "score_chosen": chosen, "score_rejected": chosen - rng.choice([1.0, 2.5, 4.0, 6.0])}


ROW_MAKERS: dict[str, Callable[[dict, str, random.Random], dict]] = {  # task -> maker of its hub set's rows
    "pretrain": wikitext_row,
    "classification": imdb_row,
    "ner": conll_row,
    "summarization": billsum_row,
    "helpdesk": bitext_row,
    "preferences": ultrafeedback_row,
}


def synthetic_rows(name: str, split: str, count: int) -> list[dict]:
    """`count` rows of data set `name`'s split, made from the rows of the course task it stands for, seeded."""
    task = next(task.name for task in TASKS.values() if task.hub is not None and task.hub.name == name)
    rng = random.Random(f"{name}/{split}")
    rows = source_rows(task, split)
    rng.shuffle(rows)
    return [ROW_MAKERS[task](rows[i % len(rows)], split, rng) for i in range(count)]


def write_dataset(name: str, datasets_cache: Path, scratch: Path, key: str) -> dict:
    """Prepare data set `name` with the parquet builder, filed where `load_dataset(name, config)` looks offline:
    <HF_DATASETS_CACHE>/<namespace>___<name>/<config>/<version>/<hash>/."""
    from datasets import Dataset, Features
    from datasets.naming import camelcase_to_snakecase
    from datasets.packaged_modules.parquet.parquet import Parquet

    facts = DATASETS[name]
    features = Features({column: feature(spec) for column, spec in facts.features.items()})
    files = {split: str(scratch / f"{split}.parquet") for split in facts.splits}
    for split, real_rows in facts.splits.items():
        rows = synthetic_rows(name, split, min(ROWS, real_rows))
        Dataset.from_list(rows, features=features).to_parquet(files[split])
    namespace, short = name.split("/")
    builder = Parquet(cache_dir=str(scratch / "cache"), dataset_name=short, config_name=facts.config,
                      data_files=files, features=features, hash=commit_sha(name, key)[:16])
    builder.download_and_prepare()
    built = Path(builder._output_dir)
    target = datasets_cache / f"{namespace}___{camelcase_to_snakecase(short)}" / facts.config / built.parent.name
    target.mkdir(parents=True, exist_ok=True)
    shutil.move(built, target / built.name)
    return {"name": name, "config": facts.config, "splits": {split: min(ROWS, n) for split, n in facts.splits.items()}}


def build(root: Path, key: str) -> dict:
    """Build every model and data set stand-in into `root` (emptied first); return the table rows."""
    import datasets

    for part in ("hub", "datasets", "scratch"):
        shutil.rmtree(root / part, ignore_errors=True)
    start = time.perf_counter()
    texts = corpus()
    bodies = {kind: train_body(kind, texts) for kind in sorted({f.tokenizer for f in MODELS.values()})}
    models = [write_model(name, facts, bodies[facts.tokenizer], root / "hub", key) for name, facts in MODELS.items()]
    link_duplicates(root / "hub")
    bars = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        sets = []
        for i, name in enumerate(DATASETS):
            scratch = root / "scratch" / str(i)
            scratch.mkdir(parents=True)
            sets.append(write_dataset(name, root / "datasets", scratch, key))
    finally:
        if bars:
            datasets.enable_progress_bars()
    shutil.rmtree(root / "scratch", ignore_errors=True)
    return {"stamp": key, "seconds": round(time.perf_counter() - start, 1), "models": models, "datasets": sets}


def write(root: Path, force: bool = False) -> Path:
    """Build the stand-ins into `root` unless an up-to-date build is there (safe across processes); return root."""
    root.mkdir(parents=True, exist_ok=True)
    key = stamp()
    with FileLock(str(root / "build.lock")):
        stamp_path = root / STAMP_FILE
        if force or not stamp_path.exists() or json.loads(stamp_path.read_text())["stamp"] != key:
            stamp_path.unlink(missing_ok=True)
            stamp_path.write_text(json.dumps(build(root, key), indent=1))
    return root


def environment(root: Path) -> dict[str, str]:
    """The environment variables that make transformers, datasets and huggingface_hub use the stand-ins offline."""
    return {"HF_HOME": str(root), "HF_HUB_CACHE": str(root / "hub"), "HF_DATASETS_CACHE": str(root / "datasets"),
            "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def default_root() -> Path:
    """Where the stand-ins live by default: <course cache>/hub-standins."""
    return cache_dir() / "hub-standins"


def main(argv: list[str] | None = None) -> None:
    """Build the stand-ins (once) and print what they hold and the environment that uses them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="where to build them (default: the course cache)")
    parser.add_argument("--force", action="store_true", help="rebuild even when an up-to-date build is there")
    args = parser.parse_args(argv)
    root = write((args.root or default_root()).resolve(), force=args.force)
    info = json.loads((root / STAMP_FILE).read_text())
    print(f"{'model':<40}{'class':<28}{'params':>11}{'vocab':>8}  dtype")
    for row in info["models"]:
        print(f"{row['name']:<40}{row['class']:<28}{row['params']:>11,}{row['vocab']:>8}  {row['dtype']}")
    print(f"\n{'data set':<62}{'config':<20}splits (rows)")
    for row in info["datasets"]:
        splits = ", ".join(f"{split} ({rows})" for split, rows in row["splits"].items())
        print(f"{row['name']:<62}{row['config']:<20}{splits}")
    print(f"\nBuilt in {info['seconds']} s into {root}. To use them:")
    for var, value in environment(root).items():
        print(f"export {var}={value}")


if __name__ == "__main__":
    main()
