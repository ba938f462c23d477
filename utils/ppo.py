"""The pieces of PPO for language models (RLHF): per-token log-probs, KL-penalised rewards, GAE, the clipped
policy loss, the clipped value loss, and a value model (a transformer trunk with a scalar head)."""

from __future__ import annotations

import copy
from typing import Any

import torch
from torch import nn

from utils.chat import position_ids


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of `x` over the positions where `mask` is 1."""
    mask = mask.to(x.dtype)
    return (x * mask).sum() / mask.sum().clamp(min=1.0)


def masked_whiten(x: torch.Tensor, mask: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """`x` shifted and scaled to mean 0 and variance 1 over the masked positions (zero elsewhere)."""
    mean = masked_mean(x, mask)
    var = masked_mean((x - mean) ** 2, mask)
    return (x - mean) * torch.rsqrt(var + eps) * mask.to(x.dtype)


def token_logprobs(model: Any, input_ids: torch.Tensor, attention_mask: torch.Tensor, start: int) -> torch.Tensor:
    """log p(token | tokens before it) under `model` for every token from column `start` on (the response)."""
    logits = model(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids(attention_mask),
                   use_cache=False).logits[:, start - 1 : -1].float()
    return torch.log_softmax(logits, -1).gather(-1, input_ids[:, start:].unsqueeze(-1)).squeeze(-1)


def kl_penalized_rewards(scores: torch.Tensor, logprobs: torch.Tensor, ref_logprobs: torch.Tensor,
                         mask: torch.Tensor, kl_coef: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token rewards: -kl_coef * (log pi - log pi_ref) at every response token, plus the reward model's score at
    the last one; also returns each row's KL estimate, the sum of log pi - log pi_ref over its response."""
    mask = mask.to(logprobs.dtype)
    kl = (logprobs - ref_logprobs) * mask
    rewards = -kl_coef * kl
    last = (mask.cumsum(-1) * mask).argmax(-1)  # index of each row's last response token
    rewards[torch.arange(len(scores)), last] += scores.to(rewards.dtype)
    return rewards, kl.sum(-1)


def gae_advantages(rewards: torch.Tensor, values: torch.Tensor, mask: torch.Tensor, gamma: float = 1.0,
                   lam: float = 0.95) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimation over response tokens: A_t = sum_k (gamma lam)^k delta_{t+k} with
    delta_t = r_t + gamma V_{t+1} - V_t (V = 0 after the last token); returns (advantages, returns = A + V)."""
    mask = mask.to(values.dtype)
    values, rewards = values * mask, rewards * mask
    advantages = torch.zeros_like(values)
    running = torch.zeros_like(values[:, 0])
    for t in reversed(range(values.shape[1])):
        next_value = values[:, t + 1] if t + 1 < values.shape[1] else torch.zeros_like(running)
        delta = rewards[:, t] + gamma * next_value - values[:, t]
        running = (delta + gamma * lam * running) * mask[:, t]
        advantages[:, t] = running
    return advantages, advantages + values


def ppo_clip_loss(logprobs: torch.Tensor, old_logprobs: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
                  clip_range: float = 0.2) -> tuple[torch.Tensor, float]:
    """PPO's clipped surrogate, to minimise: mean of max(-A r, -A clip(r, 1 - eps, 1 + eps)) with the probability
    ratio r = pi / pi_old; also returns the share of tokens where the clip was active."""
    ratio = torch.exp(logprobs - old_logprobs)
    unclipped = -advantages * ratio
    clipped = -advantages * ratio.clamp(1 - clip_range, 1 + clip_range)
    clip_fraction = masked_mean((clipped > unclipped).float(), mask).item()
    return masked_mean(torch.maximum(unclipped, clipped), mask), clip_fraction


def ppo_value_loss(values: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor, mask: torch.Tensor,
                   clip_range: float = 0.2) -> torch.Tensor:
    """Clipped value loss: 0.5 * mean of max((V - R)^2, (V_old + clip(V - V_old, -eps, eps) - R)^2)."""
    clipped = old_values + (values - old_values).clamp(-clip_range, clip_range)
    return 0.5 * masked_mean(torch.maximum((values - returns) ** 2, (clipped - returns) ** 2), mask)


class ValueModel(nn.Module):
    """A value model V(s_t): a copy of a causal LM's transformer trunk with a scalar head, one value per token."""

    def __init__(self, causal_lm: Any) -> None:
        super().__init__()
        self.trunk = copy.deepcopy(causal_lm.base_model)
        device = next(self.trunk.parameters()).device  # the head sits with the trunk but stays fp32 (bf16 trunks too)
        self.head = nn.Linear(causal_lm.config.get_text_config().hidden_size, 1, device=device)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, start: int) -> torch.Tensor:
        """Values of the states before each response token (from column `start` on): the hidden state at t - 1."""
        hidden = self.trunk(input_ids=input_ids, attention_mask=attention_mask,
                            position_ids=position_ids(attention_mask), use_cache=False).last_hidden_state
        return self.head(hidden[:, start - 1 : -1].to(self.head.weight.dtype)).squeeze(-1).float()
