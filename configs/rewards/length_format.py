"""Example GRPO rewards: `python -m utils.finetune --objective grpo --reward-funcs configs/rewards/length_format.py`.

A reward file defines functions named reward_* (or a REWARD_FUNCS list). trl calls each with the batch's `prompts`
and `completions` (strings, or lists of chat messages for chat data) plus every other data column as keyword
arguments, and sums their scores (one float per completion) into the reward that GRPO maximizes.
"""

from __future__ import annotations

from typing import Any

TARGET_WORDS = 20  # the length reward peaks at this many words


def completion_text(completion: Any) -> str:
    """The text of a completion: itself, or the content of its last chat message."""
    return completion if isinstance(completion, str) else completion[-1]["content"]


def reward_length(completions: list[Any], **kwargs: Any) -> list[float]:
    """1 at TARGET_WORDS words, falling linearly to 0 at none or twice as many."""
    words = [len(completion_text(c).split()) for c in completions]
    return [max(0.0, 1 - abs(n - TARGET_WORDS) / TARGET_WORDS) for n in words]


def reward_format(completions: list[Any], **kwargs: Any) -> list[float]:
    """1 for a completion that ends a sentence (., ! or ?) and leaks no chat markers, else 0."""
    texts = [completion_text(c).strip() for c in completions]
    return [float(t.endswith((".", "!", "?")) and "<|im_" not in t) for t in texts]
