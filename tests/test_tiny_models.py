"""Tiny bases: one tokenizer, four families, cached, and actually pretrained."""

from __future__ import annotations

import json

import pytest
import torch
from transformers import AutoModelForMaskedLM

from utils import pretrain
from utils.course.models import count_parameters, load_causal_lm, load_encoder, load_seq2seq, load_tokenizer, model_name
from utils.course.profiles import PROFILES
from utils.course.tiny_models import (
    BUILD_X86_PATHS,
    REFERENCE_LOSSES,
    SPECS,
    build_env,
    build_pinned,
    corpus_texts,
    ensure_base,
    is_reference_build,
)
from utils.tokenizer import SPECIAL_TOKENS, train_bpe

TINY = PROFILES["tiny"]


@pytest.fixture(autouse=True)
def tiny_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_PROFILE", "tiny")


def test_tokenizer_round_trips_and_has_fixed_special_ids() -> None:
    tok = load_tokenizer("gpt")
    assert [tok.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS] == list(range(len(SPECIAL_TOKENS)))
    assert tok.pad_token_id == 0 and tok.eos_token == "</s>"
    text = "How do I reset my password? Ask Northwind Cloud."
    assert tok.decode(tok(text)["input_ids"]) == text


def test_tokenizer_training_is_deterministic() -> None:
    texts = corpus_texts()[:300]
    assert train_bpe(texts, 500).to_str() == train_bpe(texts, 500).to_str()


def test_encoder_tokenizer_adds_cls_and_sep() -> None:
    ids = load_tokenizer("encoder")("hello")["input_ids"]
    assert ids[0] == 1 and ids[-1] == 2


def test_chat_template_marks_assistant_text() -> None:
    tok = load_tokenizer("chat")
    chat = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]
    out = tok.apply_chat_template(chat, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    text = tok.decode([i for i, m in zip(out["input_ids"], out["assistant_masks"], strict=True) if m])
    assert text == "Hello.<|im_end|>"


@pytest.mark.parametrize("name", list(SPECS))
def test_bases_are_cached_and_pretrained(name: str) -> None:
    path = ensure_base(name)
    assert ensure_base(name) == path
    info = json.loads((path / "course_build.json").read_text())
    assert info["final_loss"] < info["first_loss"] - 1.0, info


@pytest.mark.parametrize("name", list(SPECS))
def test_bases_are_the_course_reference_build(name: str) -> None:
    if not BUILD_X86_PATHS.items() <= build_env().items():
        pytest.skip("the reference losses are those of the pinned x86 (AVX2) build")
    info = json.loads((ensure_base(name) / "course_build.json").read_text())
    assert is_reference_build(name, info), (info, REFERENCE_LOSSES[name])


def test_factories_return_each_family() -> None:
    assert load_causal_lm("gpt").config.model_type == "gpt2"
    assert load_causal_lm("mistral").config.model_type == "mistral"
    assert load_encoder(num_labels=3).config.model_type == "modernbert"
    assert load_encoder(num_labels=9, task="token").num_labels == 9
    assert load_seq2seq().config.model_type == "t5"


def test_pretrained_gpt_beats_random_on_held_out_text() -> None:
    tok = load_tokenizer("gpt")
    model = load_causal_lm("gpt")
    batch = tok(corpus_texts("test")[:8], return_tensors="pt", padding=True, truncation=True, max_length=64)
    labels = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
    with torch.no_grad():
        loss = model(**batch, labels=labels).loss.item()
    assert loss < 0.6 * torch.log(torch.tensor(float(len(tok)))).item()
    trainable, total = count_parameters(model)
    assert trainable == total < 3_000_000


def test_pretrained_seq2seq_reads_its_encoder() -> None:
    tok = load_tokenizer("seq2seq")
    model = load_seq2seq().eval()
    stream = pretrain.token_stream(corpus_texts("test"), tok)
    batch = next(pretrain.infill_batches(stream, tok, batch_size=32, length=64, seed=1))
    other = torch.roll(torch.arange(32), 1)  # each text decoded against another text's encoder input
    with torch.no_grad():
        own = model(**batch).loss.item()
        shuffled = model(input_ids=batch["input_ids"][other], attention_mask=batch["attention_mask"][other],
                         labels=batch["labels"]).loss.item()
    assert own < shuffled - 0.5, (own, shuffled)  # a decoder that ignores its encoder scores the same on both


def test_pretrained_encoder_uses_context() -> None:
    tok = load_tokenizer("encoder")
    model = AutoModelForMaskedLM.from_pretrained(model_name("encoder")).eval()
    stream = pretrain.token_stream(corpus_texts("test"), tok)
    batch = next(pretrain.mlm_batches(stream, tok, batch_size=32, length=64, seed=1))
    with torch.no_grad():
        loss = model(**batch).loss.item()
    counts = torch.bincount(pretrain.token_stream(corpus_texts(), tok), minlength=len(tok)).float()
    p = counts[counts > 0] / counts.sum()
    unigram = -(p * p.log()).sum().item()  # the best loss without looking at the context
    assert loss < unigram - 2.0, (loss, unigram)


def test_bases_are_the_same_whatever_threads_the_learner_has(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    weights = {}
    for threads in ("1", "8"):
        monkeypatch.setenv("OMP_NUM_THREADS", threads)
        monkeypatch.setenv("MKL_NUM_THREADS", threads)
        build_pinned("tiny-gpt2", tmp_path / threads, steps=15)  # unpinned, 15 steps differ with 1 and 8 threads
        weights[threads] = (tmp_path / threads / "model.safetensors").read_bytes()
    assert weights["1"] == weights["8"]
