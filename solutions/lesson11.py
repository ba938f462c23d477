"""Reference solutions of lesson 11's exercises."""

from __future__ import annotations

import re

import torch


def extract_answer(text: str) -> int | None:
    """The integer of the last `The answer is <n>` in `text`, or None when there is none."""
    found = re.findall(r"The answer is (-?\d+)", text)
    return int(found[-1]) if found else None


def group_advantages(rewards: torch.Tensor, group_size: int, eps: float = 1e-4) -> torch.Tensor:
    """(r_i - mean of its group) / (unbiased std of its group + eps) for consecutive groups of `group_size`."""
    groups = rewards.view(-1, group_size)
    return ((groups - groups.mean(1, keepdim=True)) / (groups.std(1, keepdim=True) + eps)).view(-1)


def grpo_loss(logps: torch.Tensor, old_logps: torch.Tensor, ref_logps, advantages: torch.Tensor, mask: torch.Tensor,
              beta: float = 0.0, epsilon: float = 0.2) -> torch.Tensor:
    """Token-mean of the clipped surrogate plus beta * ratio * k3 KL over the masked tokens (trl's "dapo" loss)."""
    ratio = torch.exp(logps - old_logps)
    adv = advantages[:, None]
    per_token = -torch.min(ratio * adv, torch.clamp(ratio, 1 - epsilon, 1 + epsilon) * adv)
    if beta:
        delta = ref_logps - logps
        per_token = per_token + beta * ratio * (torch.exp(delta) - delta - 1)
    return (per_token * mask).sum() / mask.sum()
