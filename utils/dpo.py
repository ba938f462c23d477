"""Direct Preference Optimization from scratch: sequence log-probabilities of completions and the DPO loss."""

from __future__ import annotations

from typing import Any

import torch

from utils.reward import bradley_terry_loss


def sequence_logprob(logits: torch.Tensor, input_ids: torch.Tensor, completion_mask: torch.Tensor) -> torch.Tensor:
    """Sum over completion tokens of log p(token | tokens before it), one value per row: the logits at position t
    predict the token at t + 1, so logits drop their last position and the ids and mask their first."""
    logprobs = torch.log_softmax(logits[:, :-1].float(), dim=-1)
    targets = input_ids[:, 1:]
    token_logprobs = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return (token_logprobs * completion_mask[:, 1:].to(token_logprobs.dtype)).sum(dim=-1)


def batch_logprobs(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """`sequence_logprob` of every row of a padded batch (input_ids, attention_mask, completion_mask) under `model`.

    Only the positions from the one before the earliest answer token onwards go through the LM head
    (`logits_to_keep`): the prompt's logits predict no answer token, and at a 150k vocabulary they cost the most."""
    ids, mask = batch["input_ids"], batch["completion_mask"]
    answer_positions = mask.any(dim=0).nonzero()
    first = max(int(answer_positions[0]), 1) if len(answer_positions) else ids.shape[1]
    keep = ids.shape[1] - first + 1
    logits = model(input_ids=ids, attention_mask=batch["attention_mask"], use_cache=False, logits_to_keep=keep).logits
    return sequence_logprob(logits, ids[:, -keep:], mask[:, -keep:])


def dpo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor, ref_chosen: torch.Tensor,
             ref_rejected: torch.Tensor, beta: float = 0.1) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """DPO's loss: the Bradley-Terry loss of the implicit rewards r = beta * (log pi(y|x) - log pi_ref(y|x)), i.e. the
    mean of -log sigmoid(r_chosen - r_rejected); returns (loss, chosen rewards, rejected rewards)."""
    chosen_rewards = beta * (policy_chosen - ref_chosen)
    rejected_rewards = beta * (policy_rejected - ref_rejected)
    return bradley_terry_loss(chosen_rewards, rejected_rewards), chosen_rewards, rejected_rewards
