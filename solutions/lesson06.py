"""Reference solutions of lesson 06's exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def bradley_terry_loss(chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor) -> torch.Tensor:
    """Mean over pairs of -log sigmoid(chosen_rewards - rejected_rewards), as a 0-dim tensor."""
    return -F.logsigmoid(chosen_rewards - rejected_rewards).mean()


def sequence_logprob(logits: torch.Tensor, input_ids: torch.Tensor, completion_mask: torch.Tensor) -> torch.Tensor:
    """Per-row sum of the log-probabilities of the completion tokens; logits (B, T, V), ids and mask (B, T)."""
    logprobs = torch.log_softmax(logits[:, :-1], dim=-1).gather(-1, input_ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return (logprobs * completion_mask[:, 1:]).sum(dim=-1)


def dpo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, ref_chosen: torch.Tensor,
             ref_rejected: torch.Tensor, beta: float = 0.1) -> tuple:
    """(mean -log sigmoid(r_chosen - r_rejected), r_chosen, r_rejected) with r = beta * (policy - reference)."""
    chosen_rewards = beta * (policy_chosen - ref_chosen)
    rejected_rewards = beta * (policy_rejected - ref_rejected)
    return -F.logsigmoid(chosen_rewards - rejected_rewards).mean(), chosen_rewards, rejected_rewards


def gae(rewards: torch.Tensor, values: torch.Tensor, gamma: float = 1.0, lam: float = 0.95) -> tuple:
    """(advantages, returns), both (B, T), from rewards (B, T) and values (B, T + 1) whose last column bootstraps."""
    steps = rewards.shape[1]
    advantages = torch.zeros_like(rewards)
    running = torch.zeros_like(rewards[:, 0])  # A_{t+1}: 0 after the last step
    for t in reversed(range(steps)):
        delta = rewards[:, t] + gamma * values[:, t + 1] - values[:, t]
        running = delta + gamma * lam * running
        advantages[:, t] = running
    return advantages, advantages + values[:, :steps]
