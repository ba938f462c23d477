"""Reference solutions of lesson 05's exercises."""

from __future__ import annotations


def render_chatml(messages: list[dict], add_generation_prompt: bool = False) -> str:
    """The ChatML text of `messages` (dicts with "role" and "content"), plus the assistant header if asked."""
    text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return text + ("<|im_start|>assistant\n" if add_generation_prompt else "")


def assistant_only_labels(input_ids: list[int], assistant_mask: list[int]) -> list[int]:
    """Token ids where assistant_mask is 1, -100 elsewhere (same length as input_ids)."""
    if len(input_ids) != len(assistant_mask):
        raise ValueError("input_ids and assistant_mask differ in length")
    return [int(t) if m else -100 for t, m in zip(input_ids, assistant_mask, strict=True)]


def padding_waste(lengths: list[int], batch_size: int) -> float:
    """Share of slots that are pads when consecutive examples are batched and padded to each batch's longest."""
    batches = [lengths[i : i + batch_size] for i in range(0, len(lengths), batch_size)]
    slots = sum(max(b) * len(b) for b in batches)
    return 1.0 - sum(lengths) / slots if slots else 0.0
