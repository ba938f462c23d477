"""Long inputs: token windows with overlap, and map-reduce summaries over them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence


def chunk_count(n_tokens: int, size: int, overlap: int) -> int:
    """Windows of `size` tokens, each sharing `overlap` with the previous one, needed to cover `n_tokens`."""
    if not 0 <= overlap < size:
        raise ValueError(f"need 0 <= overlap < size, got overlap={overlap} and size={size}")
    return 1 if n_tokens <= size else 1 + math.ceil((n_tokens - size) / (size - overlap))


def chunk_tokens(ids: Sequence[int], size: int, overlap: int = 0) -> list[list[int]]:
    """Split `ids` into windows of at most `size` tokens; consecutive windows share `overlap` tokens."""
    if not 0 <= overlap < size:
        raise ValueError(f"need 0 <= overlap < size, got overlap={overlap} and size={size}")
    ids, step, chunks = list(ids), size - overlap, []
    for start in range(0, max(len(ids) - overlap, 1), step):
        chunks.append(ids[start : start + size])
    return chunks


def chunk_text(text: str, tokenizer, size: int, overlap: int = 0) -> list[str]:
    """Split `text` into windows of at most `size` tokens of `tokenizer` (with `overlap`), decoded back to text."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    return [tokenizer.decode(chunk).strip() for chunk in chunk_tokens(ids, size, overlap)]


def map_reduce(texts: Sequence[str], summarize: Callable[[list[str]], list[str]], tokenizer, size: int,
               overlap: int = 0, max_rounds: int = 3) -> list[str]:
    """Summaries of long texts: summarize every window (map), join each text's partial summaries, and repeat until
    each text fits one window; then summarize it (reduce). Windows of all texts go to `summarize` in one call."""
    texts = list(texts)
    for _ in range(max_rounds):
        windows = [chunk_text(text, tokenizer, size, overlap) for text in texts]
        long = [i for i, w in enumerate(windows) if len(w) > 1]
        if not long:
            break
        partial = iter(summarize([window for i in long for window in windows[i]]))
        for i in long:
            texts[i] = " ".join(next(partial) for _ in windows[i])
    return summarize(texts)
