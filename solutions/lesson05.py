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


def collate_chat(features: list[dict], pad_token_id: int, pad_to_multiple_of: int | None = None) -> dict:
    """One training batch of tokenized chats: right-padded input_ids, attention_mask, and labels that keep only the
    assistant's tokens (-100 on every other token and on the pads); all int64 tensors of shape (batch, length)."""
    import torch

    width = max(len(f["input_ids"]) for f in features)
    if pad_to_multiple_of:
        width = -(-width // pad_to_multiple_of) * pad_to_multiple_of
    input_ids, attention_mask, labels = [], [], []
    for f in features:
        ids, pad = list(f["input_ids"]), width - len(f["input_ids"])
        input_ids.append(ids + [pad_token_id] * pad)
        attention_mask.append([1] * len(ids) + [0] * pad)  # by position: a real token may have the pad id
        labels.append([t if m else -100 for t, m in zip(ids, f["assistant_masks"], strict=True)] + [-100] * pad)
    return {"input_ids": torch.tensor(input_ids), "attention_mask": torch.tensor(attention_mask),
            "labels": torch.tensor(labels)}
