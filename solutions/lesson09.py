"""Reference solutions for lesson 09's exercises."""

from __future__ import annotations

import re
from collections.abc import Callable


def chunk_tokens(ids: list[int], size: int, overlap: int = 0) -> list[list[int]]:
    """Windows of at most `size` ids, consecutive windows sharing `overlap` ids, covering all of `ids`."""
    if not 0 <= overlap < size:
        raise ValueError(f"need 0 <= overlap < size, got overlap={overlap} and size={size}")
    return [list(ids[start : start + size]) for start in range(0, max(len(ids) - overlap, 1), size - overlap)]


def unsupported_numbers(summary: str, source: str) -> list[str]:
    """Sorted numbers (commas removed) written in summary but not in source."""

    def numbers(text: str) -> set[str]:
        return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}

    return sorted(numbers(summary) - numbers(source))


def map_reduce_words(text: str, summarize: Callable[[list[str]], list[str]], size: int) -> str:
    """Summarize windows of `size` words, join the summaries, repeat until one window is left; summarize that."""
    while True:
        words = text.split()
        windows = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
        if len(windows) <= 1:
            return summarize([text])[0]
        text = " ".join(summarize(windows))


def seq2seq_collate(features: list[dict[str, list[int]]], pad_id: int, decoder_start_id: int) -> dict:
    """Pad a batch for an encoder-decoder: inputs with pad_id (mask 0), labels with -100, decoder inputs shifted."""
    import torch

    def pad(rows: list[list[int]], value: int) -> torch.Tensor:
        width = max(len(row) for row in rows)
        return torch.tensor([row + [value] * (width - len(row)) for row in rows], dtype=torch.long)

    labels = pad([f["labels"] for f in features], -100)
    decoder_input_ids = torch.cat([torch.full_like(labels[:, :1], decoder_start_id), labels[:, :-1]], dim=1)
    return {"input_ids": pad([f["input_ids"] for f in features], pad_id),
            "attention_mask": pad([f["attention_mask"] for f in features], 0), "labels": labels,
            "decoder_input_ids": decoder_input_ids.masked_fill(decoder_input_ids == -100, pad_id)}
