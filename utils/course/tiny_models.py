"""Tiny offline bases (GPT-2, Mistral, ModernBERT, T5 families): built from configs, pretrained briefly, cached on disk.

Run `python -m utils.course.tiny_models` to build them all (once; later runs reuse the cache) and print a table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import tokenizers
import torch
import transformers
from filelock import FileLock
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    AutoModelForMaskedLM,
    AutoModelForSeq2SeqLM,
    PreTrainedTokenizerFast,
)

from utils import pretrain
from utils.course.paths import DATA_DIR, REPO_ROOT, cache_dir
from utils.errors import CourseError
from utils.tokenizer import VOCAB_SIZE, train_bpe, wrap

BUILD_VERSION = 2  # bump to invalidate every cached base after a change in how they are built (2: pinned build)
IDS = {"pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2}
# The numbers of a CPU run depend on the thread count and on the vector code paths (AVX2, AVX-512) of torch, MKL and
# oneDNN. Bases are built with one thread and, on x86, the AVX2 paths, so every machine builds CI's bases to the bit.
BUILD_THREADS = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "RAYON_NUM_THREADS": "1"}
BUILD_X86_PATHS = {"ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}
# The bases every lesson's tiny numbers come from: (first, final) training loss of the pinned build with the versions
# in requirements.txt (measured on x86 Xeons, AVX2 paths, bit-identical across rebuilds). `main` reports a mismatch.
REFERENCE_LOSSES = {"tiny-gpt2": (7.806, 2.939), "tiny-mistral": (7.906, 1.766), "tiny-modernbert": (7.923, 2.862),
                    "tiny-t5": (8.503, 1.887)}


@dataclass(frozen=True)
class TinySpec:
    """How to build one tiny base: its transformers config, tokenizer style, objective and training budget."""

    model_type: str
    config: dict
    objective: str  # causal | mlm | infill
    steps: int
    batch_size: int = 16
    length: int = 64
    lr: float = 3e-3
    warmup: int = 30
    mask_prob: float = 0.15  # share of tokens the masked-LM objective hides


SPECS: dict[str, TinySpec] = {
    "tiny-gpt2": TinySpec("gpt2", dict(n_embd=128, n_layer=4, n_head=4, n_positions=256, **IDS), "causal", 400),
    "tiny-mistral": TinySpec(
        "mistral",
        dict(hidden_size=128, intermediate_size=344, num_hidden_layers=4, num_attention_heads=4,
             num_key_value_heads=2, head_dim=32, max_position_embeddings=512, sliding_window=None,
             tie_word_embeddings=True, **IDS),
        "causal", 400),
    "tiny-modernbert": TinySpec(
        "modernbert",
        dict(hidden_size=128, num_hidden_layers=4, num_attention_heads=4, intermediate_size=512,
             max_position_embeddings=256, cls_token_id=1, sep_token_id=2, **IDS),
        "mlm", 800, lr=2e-3, warmup=50, mask_prob=0.3),  # a tiny BERT stayed at the unigram loss (6.3)
    "tiny-t5": TinySpec(
        "t5",
        dict(d_model=128, d_kv=32, d_ff=512, num_layers=2, num_heads=4, feed_forward_proj="gated-gelu",
             dropout_rate=0.0, tie_word_embeddings=True, decoder_start_token_id=2, **IDS),
        "infill", 600, lr=2e-3),  # a tiny BART (learned absolute positions) never learned to read its encoder here
}
AUTO = {"causal": AutoModelForCausalLM, "mlm": AutoModelForMaskedLM, "infill": AutoModelForSeq2SeqLM}


def corpus_texts(split: str = "train") -> list[str]:
    """The pretraining corpus (data/pretrain/<split>.jsonl) as a list of documents."""
    path = DATA_DIR / "pretrain" / f"{split}.jsonl"
    if not path.exists():
        raise CourseError(f"{path} is missing; run `python data/make_data.py` to write the course data.")
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def recipe_key(name: str) -> str:
    """A short hash of everything a base depends on, so a change in recipe, corpus or library version rebuilds it."""
    corpus = (DATA_DIR / "pretrain" / "train.jsonl").read_bytes()
    versions = [torch.__version__, transformers.__version__, tokenizers.__version__]
    recipe = json.dumps([BUILD_VERSION, VOCAB_SIZE, repr(SPECS[name]), versions], sort_keys=True).encode()
    return hashlib.sha256(recipe + hashlib.sha256(corpus).digest()).hexdigest()[:12]


def base_dir(name: str) -> Path:
    """The cache folder of tiny base `name` for the current recipe."""
    return cache_dir() / "tiny" / f"{name}-{recipe_key(name)}"


def course_tokenizer() -> Path:
    """Train (once) and cache the course BPE tokenizer; return its folder."""
    path = cache_dir() / "tiny" / f"tokenizer-{recipe_key('tiny-gpt2')[:8]}"
    if not (path / "tokenizer.json").exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path.parent / "tokenizer.lock")):  # bases built side by side share one tokenizer
            if not (path / "tokenizer.json").exists():
                tmp = path.with_suffix(".tmp")
                shutil.rmtree(tmp, ignore_errors=True)
                tmp.mkdir(parents=True)
                train_bpe(corpus_texts()).save(str(tmp / "tokenizer.json"))
                tmp.rename(path)
                prune_stale("tokenizer", path)
    return path


def prune_stale(prefix: str, keep: Path) -> None:
    """Remove cached builds named `prefix-*` made from an older recipe or corpus, keeping `keep`."""
    for old in keep.parent.glob(f"{prefix}-*"):
        if old != keep and old.suffix != ".tmp":
            shutil.rmtree(old, ignore_errors=True)


def build_env() -> dict[str, str]:
    """The environment a base is built in: this one, with the thread count and (on CPUs with AVX2) the code paths
    pinned."""
    pinned = dict(BUILD_THREADS)
    if torch.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512"):  # x86 with AVX2; other CPUs keep their own
        pinned |= BUILD_X86_PATHS
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return os.environ | pinned | {"PYTHONPATH": path}


def build_pinned(name: str, out: Path, steps: int | None = None) -> None:
    """Build tiny base `name` into `out` in a fresh process with the pinned environment of `build_env`."""
    cmd = [sys.executable, "-m", "utils.course.tiny_models", "--build", name, "--out", str(out)]
    cmd += ["--steps", str(steps)] if steps else []
    run = subprocess.run(cmd, env=build_env(), cwd=REPO_ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise CourseError(f"Building tiny base {name} failed: {run.stderr.strip().splitlines()[-1:]}")


def build(name: str, out: Path, steps: int | None = None) -> dict:
    """Build tiny base `name` into `out`: config -> random weights -> pretraining (`steps`, default the spec's) ->
    save with its tokenizer."""
    spec = SPECS[name]
    steps = steps or spec.steps
    torch.manual_seed(0)
    from tokenizers import Tokenizer

    raw = Tokenizer.from_file(str(course_tokenizer() / "tokenizer.json"))
    tok: PreTrainedTokenizerFast = wrap(raw, "decoder" if spec.objective == "causal" else "encoder")
    config = AutoConfig.for_model(spec.model_type, vocab_size=len(tok), **spec.config)
    model = AUTO[spec.objective].from_config(config)
    stream = pretrain.token_stream(corpus_texts(), tok)
    if spec.objective == "causal":
        batches = pretrain.causal_batches(stream, spec.batch_size, spec.length)
    elif spec.objective == "mlm":
        batches = pretrain.mlm_batches(stream, tok, spec.batch_size, spec.length, mask_prob=spec.mask_prob)
    else:
        batches = pretrain.infill_batches(stream, tok, spec.batch_size, spec.length)
    start = time.perf_counter()
    losses = pretrain.train(model, batches, steps, lr=spec.lr, warmup=spec.warmup)
    seconds = time.perf_counter() - start
    tmp = out.with_suffix(".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    info = {"name": name, "params": sum(p.numel() for p in model.parameters()), "steps": steps,
            "first_loss": round(sum(losses[:10]) / 10, 3), "final_loss": round(sum(losses[-10:]) / 10, 3),
            "seconds": round(seconds, 1)}
    (tmp / "course_build.json").write_text(json.dumps(info, indent=2))
    tmp.rename(out)
    return info


def is_reference_build(name: str, info: dict) -> bool:
    """Whether a base's build record (course_build.json) has the losses of the course's reference build."""
    return (info["first_loss"], info["final_loss"]) == REFERENCE_LOSSES[name]


def ensure_base(name: str) -> Path:
    """Return the cached folder of tiny base `name`, building it first if needed (safe across processes)."""
    if name not in SPECS:
        raise CourseError(f"There is no tiny base called {name!r}; the tiny bases are: {', '.join(SPECS)}.")
    path = base_dir(name)
    if not (path / "course_build.json").exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path.parent / f"{name}.lock")):
            if not (path / "course_build.json").exists():
                print(f"Building tiny base {name} (once; cached in {path.parent}) ...", file=sys.stderr)
                build_pinned(name, path)
                prune_stale(name, path)
    return path


def main(argv: list[str] | None = None) -> None:
    """Build every tiny base that is not cached yet and print a table of them (`--build NAME --out DIR`: build one
    base in this process, as build_pinned does in its pinned environment)."""
    parser = argparse.ArgumentParser(prog="python -m utils.course.tiny_models", description=main.__doc__)
    parser.add_argument("--build", choices=SPECS, help="build this one base into --out, in this process")
    parser.add_argument("--out", type=Path, help="folder to build into (with --build)")
    parser.add_argument("--steps", type=int, help="pretraining steps (with --build; default: the spec's)")
    args = parser.parse_args(argv)
    if args.build:
        if not args.out:
            parser.error("--build needs --out")
        build(args.build, args.out, args.steps)
        return
    with ThreadPoolExecutor(min(len(SPECS), os.cpu_count() or 1)) as pool:  # one thread each: side by side
        paths = dict(zip(SPECS, pool.map(ensure_base, SPECS), strict=True))
    print(f"{'base':<16}{'params':>10}{'steps':>7}{'loss start':>12}{'loss end':>10}{'build s':>9}  course's  folder")
    infos = {name: json.loads((path / "course_build.json").read_text()) for name, path in paths.items()}
    differ = [name for name, info in infos.items() if not is_reference_build(name, info)]
    for name, info in infos.items():
        print(f"{name:<16}{info['params']:>10,}{info['steps']:>7}{info['first_loss']:>12}{info['final_loss']:>10}"
              f"{info['seconds']:>9}  {'differs' if name in differ else 'same':<8}  {paths[name]}")
    if differ:
        print(f"Not the course's reference build (other library versions or another CPU): {', '.join(differ)}. The "
              "lessons still run, but their tiny numbers will differ from those printed in the course.")


if __name__ == "__main__":
    main()
