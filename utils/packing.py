"""Padding against packing: how many batch slots padding wastes, and training throughput in real tokens per second."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

import torch


def padding_waste(lengths: Sequence[int], batch_size: int) -> float:
    """Share of token slots that are padding when consecutive examples are batched `batch_size` at a time and each
    batch is padded to its longest example (0.0 for no examples)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    slots = sum(max(lengths[i : i + batch_size]) * len(lengths[i : i + batch_size])
                for i in range(0, len(lengths), batch_size))
    return 1.0 - sum(lengths) / slots if slots else 0.0


def batch_slots(batch: dict[str, torch.Tensor]) -> int:
    """Token slots a collated batch occupies, padding included."""
    return int(batch["input_ids"].numel())


def real_tokens(batch: dict[str, torch.Tensor], examples: Sequence[dict[str, Any]] | None = None) -> int:
    """Tokens of a collated batch that are not padding: the attention mask's ones; without a mask (padding-free or
    packed rows) the total length of the `examples` it was collated from when given, else every slot."""
    if "attention_mask" in batch:
        return int(batch["attention_mask"].sum())
    if examples is not None:
        return min(batch_slots(batch), sum(len(example["input_ids"]) for example in examples))
    return batch_slots(batch)


def training_throughput(model: torch.nn.Module, batches: Iterable[dict[str, torch.Tensor]]) -> float:
    """Real (non-pad) tokens per second of forward + backward passes over `batches` (gradients are discarded)."""
    model.train()
    device = next(model.parameters()).device
    tokens, seconds = 0, 0.0
    for batch in batches:
        inputs = {k: v.to(device) for k, v in batch.items()
                  if k in ("input_ids", "attention_mask", "position_ids", "labels")}
        start = time.perf_counter()
        model(**inputs, use_cache=False).loss.backward()
        if device.type == "cuda":
            torch.cuda.synchronize()  # GPU work is asynchronous: wait for it before reading the clock
        seconds += time.perf_counter() - start
        tokens += real_tokens(batch)
    model.zero_grad(set_to_none=True)
    model.eval()
    return tokens / seconds
