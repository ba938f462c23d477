"""Reference solutions for lesson 01's exercises."""

from __future__ import annotations

import math

import torch


def sliding_window_mask(n: int, window: int) -> torch.Tensor:
    """An (n, n) float32 mask: 0 where i - window < j <= i (the query and the window - 1 keys before it), else -inf."""
    blocked = torch.ones(n, n, dtype=torch.bool).triu(diagonal=1) | torch.ones(n, n, dtype=torch.bool).tril(-window)
    return torch.zeros(n, n).masked_fill(blocked, float("-inf"))


def pad_batch(sequences: list[list[int]], pad_id: int, side: str = "right") -> tuple[torch.Tensor, torch.Tensor]:
    """Pad id lists to the longest on `side` ("left" or "right"); return (input_ids, attention_mask) as int64."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    width = max(len(s) for s in sequences)
    ids, mask = [], []
    for seq in sequences:
        gap = width - len(seq)
        ids.append([pad_id] * gap + seq if side == "left" else seq + [pad_id] * gap)
        mask.append([0] * gap + [1] * len(seq) if side == "left" else [1] * len(seq) + [0] * gap)
    return torch.tensor(ids), torch.tensor(mask)


def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None) -> torch.Tensor:
    """softmax(q k^T / sqrt(d) + mask) v over the last two dimensions; a query that sees no key gets zeros."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores + mask
    weights = scores.softmax(dim=-1).masked_fill(torch.isneginf(scores).all(dim=-1, keepdim=True), 0.0)
    return weights @ v


def next_token_loss(logits: torch.Tensor, input_ids: torch.Tensor,
                    attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mean cross-entropy of logits at positions 0..T-2 against tokens 1..T-1, skipping targets that are padding."""
    targets = input_ids[:, 1:]
    if attention_mask is not None:
        targets = targets.masked_fill(attention_mask[:, 1:] == 0, -100)
    vocab = logits.shape[-1]
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, vocab), targets.reshape(-1))


def sample(model, input_ids: list[int], max_new_tokens: int, temperature: float = 1.0, top_p: float = 1.0,
           stop_ids=(), generator: torch.Generator | None = None) -> list[int]:
    """Generate up to max_new_tokens ids after input_ids: greedy at temperature 0, else nucleus sampling; a stop id
    ends generation (and is kept). Returns only the new ids."""
    ids, new = list(input_ids), []
    for _ in range(max_new_tokens):
        logits = model(torch.tensor([ids])).logits[0, -1]
        if temperature == 0:
            token = int(logits.argmax())
        else:
            probs = torch.softmax(logits / temperature, dim=-1)
            sorted_probs, order = probs.sort(descending=True)
            before = sorted_probs.cumsum(0) - sorted_probs  # the mass of the tokens ranked above each one
            sorted_probs[before >= top_p] = 0.0  # keep up to and including the token that reaches top_p
            token = int(order[torch.multinomial(sorted_probs / sorted_probs.sum(), 1, generator=generator)])
        ids.append(token)
        new.append(token)
        if token in stop_ids:
            break
    return new
