"""Reward models for preference learning: the Bradley-Terry loss, pairwise accuracy, scoring answers, win rates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from utils.chat import Message, inference


def bradley_terry_loss(chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor) -> torch.Tensor:
    """Mean of -log sigmoid(r_chosen - r_rejected): the negative log-likelihood of the preferences under
    Bradley-Terry, where P(chosen beats rejected) = sigmoid(r_chosen - r_rejected)."""
    return -F.logsigmoid(chosen_rewards - rejected_rewards).mean()


def pairwise_accuracy(chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor) -> float:
    """Share of pairs whose chosen answer gets the strictly higher reward."""
    return (chosen_rewards > rejected_rewards).float().mean().item()


@torch.no_grad()
def reward_scores(model: Any, tokenizer: Any, prompts: Sequence[Sequence[Message]], answers: Sequence[str],
                  batch_size: int = 32, max_length: int | None = None) -> torch.Tensor:
    """Scalar reward of each (prompt conversation, assistant answer) from a sequence-classification reward model
    (num_labels=1), read at the last non-pad token as RewardTrainer trains it; returns a float tensor."""
    if len(prompts) != len(answers):
        raise ValueError(f"need one answer per prompt (got {len(prompts)} prompts and {len(answers)} answers)")
    scores = []
    with inference(model, tokenizer, "right"):
        for start in range(0, len(prompts), batch_size):
            chats = [[*p, {"role": "assistant", "content": a}]
                     for p, a in zip(prompts[start : start + batch_size], answers[start : start + batch_size],
                                     strict=True)]
            enc = tokenizer.apply_chat_template(chats, tokenize=True, padding=True, truncation=max_length is not None,
                                                max_length=max_length, return_dict=True, return_tensors="pt")
            enc = {k: v.to(model.device) for k, v in enc.items()}
            scores.append(model(**enc).logits[:, 0].float().cpu())
    return torch.cat(scores)


def win_rate(scores_a: torch.Tensor, scores_b: torch.Tensor) -> float:
    """Share of prompts where answer A scores higher than answer B, ties counting half."""
    if scores_a.shape != scores_b.shape or scores_a.numel() == 0:
        raise ValueError(f"need two score tensors of the same non-empty shape, got {tuple(scores_a.shape)} and "
                         f"{tuple(scores_b.shape)}")
    return ((scores_a > scores_b).float() + 0.5 * (scores_a == scores_b).float()).mean().item()
