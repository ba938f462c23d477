"""Reference solutions for lesson 00's exercises."""

from __future__ import annotations


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
