"""Reference solutions for lesson 00's exercises."""

from __future__ import annotations

from typing import Any


def choose_profile(env_value: str, has_gpu: bool) -> str:
    """Return "tiny", "small" or "full": env_value if set (any case), else "full" with a GPU and "tiny" without."""
    name = env_value.strip().lower()
    if not name:
        return "full" if has_gpu else "tiny"
    if name not in ("tiny", "small", "full"):
        raise ValueError(f"unknown profile {env_value!r}")
    return name


def weight_bytes(n_params: int, dtype: str) -> float:
    """Bytes needed to store n_params weights in dtype (fp32, bf16, fp16, int8 or nf4)."""
    bits = {"fp32": 32, "bf16": 16, "fp16": 16, "int8": 8, "nf4": 4}[dtype]
    return n_params * bits / 8


def stage_of(example: dict) -> str:
    """Return "pretraining", "sft" or "alignment" for one training example."""
    keys = set(example)
    if {"chosen", "rejected"} <= keys:
        return "alignment"
    if "messages" in keys or {"prompt", "completion"} <= keys:
        return "sft"
    if keys == {"text"}:
        return "pretraining"
    raise ValueError(f"no training stage uses examples with keys {sorted(keys)}")


def small_gpt2(vocab_size: int, n_positions: int, n_embd: int, n_layer: int, n_head: int) -> tuple[Any, int]:
    """A GPT2LMHeadModel with random weights of these sizes, and its number of distinct parameters."""
    from transformers import GPT2Config, GPT2LMHeadModel

    last = vocab_size - 1  # GPT-2's default bos/eos id, 50256, lies outside a small vocabulary
    config = GPT2Config(vocab_size=vocab_size, n_positions=n_positions, n_embd=n_embd, n_layer=n_layer,
                        n_head=n_head, bos_token_id=last, eos_token_id=last)
    model = GPT2LMHeadModel(config)
    return model, sum(p.numel() for p in model.parameters())
