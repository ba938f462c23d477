"""Faithfulness checks for summaries: every number and every named party in a summary must appear in its source."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from utils.errors import check_pairs

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
NAME = re.compile(r"[A-Z][a-z][\w&-]*(?:\s+[A-Z][a-z][\w&-]*)*")  # acronyms (NDA) and "I" are not names
SENTENCE_START = re.compile(r"(?:^|[.!?;:]\s+)$")


def numbers_in(text: str) -> set[str]:
    """The numbers written in `text`, with thousands commas removed (12,500 -> 12500)."""
    return {match.replace(",", "") for match in NUMBER.findall(text)}


def names_in(text: str) -> set[str]:
    """Capitalised word runs (parties, places, months); a lone or stop word opening a sentence is not a name."""
    names = set()
    for match in NAME.finditer(text):
        words = match.group().split()
        if SENTENCE_START.search(text[: match.start()]) and (len(words) == 1 or words[0].lower() in ENGLISH_STOP_WORDS):
            words = words[1:]
        if words:
            names.add(" ".join(words))
    return names


def faithfulness_violations(summary: str, source: str) -> list[str]:
    """Numbers and names of `summary` that `source` does not contain, sorted (an empty list: faithful)."""
    missing = numbers_in(summary) - numbers_in(source)
    missing |= {name for name in names_in(summary) if not re.search(rf"\b{re.escape(name)}\b", source)}
    return sorted(missing)


def faithfulness_rate(summaries: Sequence[str], sources: Sequence[str]) -> float:
    """Share of summaries with no faithfulness violation against their source."""
    check_pairs(sources, summaries, "as many sources as summaries")
    return sum(not faithfulness_violations(s, d) for s, d in zip(summaries, sources, strict=True)) / len(summaries)


def support_rate(summaries: Sequence[str], sources: Sequence[str]) -> float:
    """Share of all the numbers and names in the summaries that their sources contain (1.0 if there are none)."""
    check_pairs(sources, summaries, "as many sources as summaries")
    claims = sum(len(numbers_in(s)) + len(names_in(s)) for s in summaries)
    missing = sum(len(faithfulness_violations(s, d)) for s, d in zip(summaries, sources, strict=True))
    return 1.0 - missing / claims if claims else 1.0
