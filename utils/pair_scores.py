"""Score answers with a chat model: the log-probability of each answer, and the margin of preference pairs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from utils.chat import IGNORE_INDEX, Message, chat_features
from utils.dpo import batch_logprobs


def chat_batch(tokenizer: Any, prompts: Sequence[Sequence[Message]],
               answers: Sequence[Sequence[Message]]) -> dict[str, torch.Tensor]:
    """Prompt + answer conversations as one right-padded batch: input_ids, attention_mask, and a completion_mask that
    is 1 on each answer's assistant tokens (end-of-turn included), as `utils.dpo.batch_logprobs` reads it."""
    rows = [chat_features(tokenizer, [*p, *a]) for p, a in zip(prompts, answers, strict=True)]
    width = max(len(r["input_ids"]) for r in rows)
    ids = torch.full((len(rows), width), tokenizer.pad_token_id)
    attention = torch.zeros(len(rows), width, dtype=torch.long)
    completion = torch.zeros_like(attention)
    for i, r in enumerate(rows):  # right padding: positions stay 0..n-1 for every row
        n = len(r["input_ids"])
        ids[i, :n] = torch.tensor(r["input_ids"])
        attention[i, :n] = 1
        completion[i, :n] = torch.tensor(r["labels"]) != IGNORE_INDEX
    return {"input_ids": ids, "attention_mask": attention, "completion_mask": completion}


@torch.no_grad()
def answer_logprobs(model: Any, tokenizer: Any, prompts: Sequence[Sequence[Message]],
                    answers: Sequence[Sequence[Message]], batch_size: int = 8) -> torch.Tensor:
    """Sum of log p(token) over each answer's assistant tokens (end-of-turn included), given its prompt."""
    model.eval()
    scores = []
    for start in range(0, len(prompts), batch_size):
        batch = chat_batch(tokenizer, prompts[start : start + batch_size], answers[start : start + batch_size])
        scores.append(batch_logprobs(model, {k: v.to(model.device) for k, v in batch.items()}).cpu())
    return torch.cat(scores)


def preference_margins(model: Any, tokenizer: Any, rows: Sequence[dict], batch_size: int = 8) -> torch.Tensor:
    """log p(chosen) - log p(rejected) for each preference row (prompt, chosen and rejected as messages)."""
    prompts = [r["prompt"] for r in rows]
    chosen = answer_logprobs(model, tokenizer, prompts, [r["chosen"] for r in rows], batch_size)
    rejected = answer_logprobs(model, tokenizer, prompts, [r["rejected"] for r in rows], batch_size)
    return chosen - rejected
