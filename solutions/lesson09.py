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
