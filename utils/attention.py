"""Scaled dot-product attention and its masks, written out as lesson 01 teaches them (additive 0 / -inf masks)."""

from __future__ import annotations

import math

import torch


def causal_mask(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """An (n, n) additive mask: 0 where query i may see key j (j <= i), -inf above the diagonal."""
    blocked = torch.ones(n, n, dtype=torch.bool).triu(diagonal=1)
    return torch.zeros(n, n, dtype=dtype).masked_fill(blocked, float("-inf"))


def padding_mask(attention_mask: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """A (batch, 1, 1, keys) additive mask from a tokenizer's 0/1 attention_mask: -inf on padding keys."""
    keep = attention_mask.bool()[:, None, None, :]
    return torch.zeros(keep.shape, dtype=dtype).masked_fill(~keep, float("-inf"))


def decoder_mask(attention_mask: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """A (batch, 1, n, n) additive mask for a decoder: causal and padding together (a key blocked by either is -inf)."""
    return causal_mask(attention_mask.shape[-1], dtype) + padding_mask(attention_mask, dtype)


def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None) -> torch.Tensor:
    """softmax(Q K^T / sqrt(d) + mask) V with an additive mask; a query that sees no key gets zeros, as in torch."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores + mask
    weights = torch.softmax(scores, dim=-1)
    weights = weights.masked_fill(torch.isneginf(scores).all(dim=-1, keepdim=True), 0.0)
    return weights @ v
