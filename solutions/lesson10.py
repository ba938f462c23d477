"""Reference solutions for lesson 10's exercises."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

SEVERITY = {"emergency": 0, "urgent": 1, "routine": 2, "self-care": 3}


def extract_triage_level(answer: str) -> str | None:
    """The level on the answer's first "Triage level:" line, lower-cased ("self-care" spelled so), or None."""
    found = re.search(r"triage level:\s*(emergency|urgent|routine|self[- ]?care)\b", answer, re.IGNORECASE)
    if not found:
        return None
    level = found.group(1).lower()
    return "self-care" if level.startswith("self") else level


def recall_at_level(true_levels: list[str], predicted: list, levels: str | Sequence[str]) -> float:
    """Share of the cases truly at one of `levels` that were predicted at one of `levels` (nan if there are none)."""
    wanted = {levels} if isinstance(levels, str) else set(levels)
    hits = [p in wanted for t, p in zip(true_levels, predicted, strict=True) if t in wanted]
    return sum(hits) / len(hits) if hits else float("nan")


def under_triage_rate(true_levels: list[str], predicted: list) -> float:
    """Share of cases predicted at a less severe level than the true one (None counts as under-triage)."""
    under = [p is None or SEVERITY[p] > SEVERITY[t] for t, p in zip(true_levels, predicted, strict=True)]
    return sum(under) / len(under)


def with_guard(respond: Callable[[list[str]], list[str]]) -> Callable[[list[str]], list[str]]:
    """Wrap a batch responder in the clinic's rules: crisis answers, dose refusals, always the disclaimer."""
    from utils.projects.triage import (
        CRISIS_ANSWER,
        DISCLAIMER,
        MEDICATION,
        MEDICATION_REFUSAL,
        OVERDOSE,
        OVERDOSE_ANSWER,
        SELF_HARM,
        has_disclaimer,
        refuses,
    )

    def answer(messages: list[str]) -> list[str]:
        fixed = [CRISIS_ANSWER if SELF_HARM.search(m) else OVERDOSE_ANSWER if OVERDOSE.search(m) else None
                 for m in messages]
        replies = iter(respond([m for m, f in zip(messages, fixed, strict=True) if f is None]))
        out = []
        for message, reply in zip(messages, fixed, strict=True):
            reply = reply if reply is not None else next(replies).strip()
            if MEDICATION.search(message) and not refuses(reply):
                reply = f"{reply} {MEDICATION_REFUSAL}"
            out.append(reply if has_disclaimer(reply) else f"{reply} {DISCLAIMER}")
        return out

    return answer
