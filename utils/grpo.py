"""GRPO written out: a verifiable reward (the answer checker), group-relative advantages and trl's clipped loss with
the k3 KL estimate to a reference."""

from __future__ import annotations

import re

import torch

FINAL = re.compile(r"The answer is (-?\d+)")


def completion_text(completion: str | list[dict[str, str]]) -> str:
    """The text of a completion, given as a string or as a list of chat messages (trl's conversational form)."""
    if isinstance(completion, str):
        return completion
    return "".join(message["content"] for message in completion)


def extract_answer(text: str) -> int | None:
    """The integer of the last `The answer is <n>` in `text`, or None when there is none."""
    found = FINAL.findall(text)
    return int(found[-1]) if found else None


def correctness_rewards(completions: list, answer: list[int], **_: object) -> list[float]:
    """trl reward function: 1.0 where the completion's final answer (`The answer is <n>`) equals `answer`, else 0.0."""
    return [float(extract_answer(completion_text(c)) == int(a)) for c, a in zip(completions, answer, strict=True)]


def group_advantages(rewards: torch.Tensor, group_size: int, eps: float = 1e-4) -> torch.Tensor:
    """(r_i - mean of its group) / (std of its group + eps) for consecutive groups of `group_size` rewards.

    The std is the unbiased one (Bessel's correction), as in trl's GRPOTrainer (scale_rewards="group")."""
    groups = rewards.view(-1, group_size)
    mean = groups.mean(dim=1, keepdim=True)
    std = groups.std(dim=1, keepdim=True)
    return ((groups - mean) / (std + eps)).view(-1)


def k3_kl(logps: torch.Tensor, ref_logps: torch.Tensor) -> torch.Tensor:
    """Per-token k3 estimate of KL(pi || pi_ref) from sampled tokens: exp(d) - d - 1 with d = log pi_ref - log pi."""
    delta = ref_logps - logps
    return torch.exp(delta) - delta - 1


def grpo_loss(logps: torch.Tensor, old_logps: torch.Tensor, ref_logps: torch.Tensor | None, advantages: torch.Tensor,
              mask: torch.Tensor, beta: float = 0.0, epsilon: float = 0.2) -> torch.Tensor:
    """trl's default GRPO loss (loss_type="dapo"): the per-token clipped surrogate with advantage A_i of its
    sequence, plus beta x the k3 KL weighted by the ratio, summed over the completion tokens of the batch and divided
    by their number. Tensors (B, T) but advantages (B,); ref_logps may be None when beta is 0."""
    ratio = torch.exp(logps - old_logps)
    adv = advantages.unsqueeze(1)
    per_token = -torch.min(ratio * adv, torch.clamp(ratio, 1 - epsilon, 1 + epsilon) * adv)
    if beta:
        per_token = per_token + beta * k3_kl(logps, ref_logps) * ratio
    return (per_token * mask).sum() / mask.sum().clamp(min=1)


def completion_logprobs(model: torch.nn.Module, prompt_ids: torch.Tensor, prompt_mask: torch.Tensor,
                        completion_ids: torch.Tensor, completion_mask: torch.Tensor) -> torch.Tensor:
    """log pi(token) of each completion token (B, T_completion), prompts padded on the left, completions on the
    right."""
    ids = torch.cat([prompt_ids, completion_ids], dim=1)
    attention = torch.cat([prompt_mask, completion_mask], dim=1)
    logits = model(input_ids=ids, attention_mask=attention).logits[:, prompt_ids.shape[1] - 1: -1].float()
    return torch.log_softmax(logits, dim=-1).gather(-1, completion_ids.unsqueeze(-1)).squeeze(-1)
