"""Visible checks for lesson 00's exercises."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from transformers import GPT2Config, GPT2LMHeadModel

from utils.checking import exercise, expect, expect_type


@exercise("0.1", "choose_profile")
def check_choose_profile(choose_profile: Callable[[str, bool], str]) -> None:
    """choose_profile follows setup()'s rule."""
    cases = [("", True, "full"), ("", False, "tiny"), ("small", True, "small"), ("TINY", True, "tiny"),
             ("full", False, "full"), (" Small ", False, "small")]
    for env, gpu, want in cases:
        got = choose_profile(env, gpu)
        expect(type(got) is str, f"choose_profile({env!r}, {gpu}) should return a str, got {type(got).__name__}")
        expect(got == want, f"choose_profile({env!r}, has_gpu={gpu}) should be {want!r}, got {got!r}")
    try:
        choose_profile("huge", False)
    except ValueError:
        return
    expect(False, "choose_profile('huge', False) should raise ValueError for an unknown profile")


@exercise("0.2", "weight_bytes")
def check_weight_bytes(weight_bytes: Callable[[int, str], float]) -> None:
    """weight_bytes knows the width of each format."""
    cases = [(7_000_000_000, "bf16", 14e9), (10, "fp32", 40), (10, "fp16", 20), (10, "int8", 10), (10, "nf4", 5),
             (3, "nf4", 1.5)]
    for n, dtype, want in cases:
        got = weight_bytes(n, dtype)
        kind = type(got).__name__
        expect(type(got) in (int, float), f"weight_bytes({n}, {dtype!r}) should return a number, got {kind}")
        expect(abs(float(got) - want) < 1e-6 * max(1.0, want), f"weight_bytes({n:,}, {dtype!r}) should be {want:,}, "
                                                                f"got {got:,}")


@exercise("0.3", "stage_of")
def check_stage_of(stage_of: Callable[[dict], str]) -> None:
    """stage_of tells the three stages' data apart."""
    cases = [({"text": "Raw text."}, "pretraining"), ({"messages": []}, "sft"),
             ({"prompt": "Q", "completion": "A"}, "sft"),
             ({"prompt": "Q", "chosen": "A", "rejected": "B"}, "alignment")]
    for example, want in cases:
        got = stage_of(example)
        expect(type(got) is str and got == want, f"stage_of({example}) should be {want!r}, got {got!r}")
    try:
        stage_of({"label": 1})
    except ValueError:
        return
    expect(False, "stage_of({'label': 1}) should raise ValueError: it is no training stage's data")


def gpt2_formula(vocab_size: int, n_positions: int, n_embd: int, n_layer: int) -> int:
    """Distinct parameters of a GPT-2 with tied input and output embeddings and a 4 * n_embd MLP."""
    return (vocab_size + n_positions) * n_embd + n_layer * (12 * n_embd**2 + 13 * n_embd) + 2 * n_embd


@exercise("0.4", "small_gpt2")
def check_small_gpt2(small_gpt2: Callable[..., tuple[Any, int]]) -> None:
    """small_gpt2 builds a random GPT2LMHeadModel of the given sizes and counts its distinct parameters."""
    for vocab, positions, width, layers, heads in [(300, 32, 16, 2, 2), (1000, 64, 32, 3, 4)]:
        sizes = dict(vocab_size=vocab, n_positions=positions, n_embd=width, n_layer=layers, n_head=heads)
        what = "small_gpt2(" + ", ".join(f"{k}={v}" for k, v in sizes.items()) + ")"
        result = small_gpt2(**sizes)
        expect_type(result, tuple, what)
        expect(len(result) == 2, f"{what} should return two things (model, n_params), got {len(result)}.")
        model, n_params = result
        expect_type(model, GPT2LMHeadModel, f"the model from {what}")
        expect_type(model.config, GPT2Config, f"the model's config from {what}")
        got_sizes = {k: getattr(model.config, k) for k in sizes}
        expect(got_sizes == sizes, f"the model from {what} should be configured with {sizes}, got {got_sizes}.")
        expect(model.config.n_inner is None, f"the model from {what} should keep GPT-2's MLP width, 4 * n_embd "
                                             f"(n_inner=None), got n_inner={model.config.n_inner}.")
        head, embed = model.get_output_embeddings().weight, model.get_input_embeddings().weight
        expect(head is embed, f"the model from {what} should tie its output head to the token embedding (GPT-2's "
                              "default, tie_word_embeddings=True).")
        want = gpt2_formula(vocab, positions, width, layers)
        actual = sum(p.numel() for p in model.parameters())
        expect(actual == want, f"the model from {what} has {actual:,} parameters; a GPT-2 of these sizes has {want:,}.")
        expect_type(n_params, int, f"the count from {what}")
        expect(n_params != want + vocab * width, f"{what}: the count {n_params:,} counts the tied output head a second "
                                                 "time; model.parameters() yields a shared tensor once.")
        expect(n_params == want, f"{what} should count {want:,} parameters, got {n_params:,}.")
        ids = torch.randint(0, vocab, (2, 5))
        with torch.no_grad():
            logits = model(ids).logits
        expect(tuple(logits.shape) == (2, 5, vocab), f"the model from {what} should give logits of shape "
                                                     f"(2, 5, {vocab}) for 2 rows of 5 tokens, got "
                                                     f"{tuple(logits.shape)}.")
