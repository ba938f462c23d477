"""utils.reward: the Bradley-Terry loss, pairwise accuracy, win rate, and scoring answers with a reward model."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from transformers import AutoModelForSequenceClassification

from utils.course.models import load_tokenizer, model_name
from utils.reward import bradley_terry_loss, pairwise_accuracy, reward_scores, win_rate


def test_bradley_terry_loss() -> None:
    chosen, rejected = torch.tensor([1.0, -2.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])
    assert torch.isclose(bradley_terry_loss(chosen, rejected), -F.logsigmoid(chosen - rejected).mean())
    assert torch.isclose(bradley_terry_loss(torch.zeros(4), torch.zeros(4)), torch.log(torch.tensor(2.0)))
    assert torch.isfinite(bradley_terry_loss(torch.tensor([-500.0]), torch.tensor([500.0])))


def test_pairwise_accuracy_and_win_rate() -> None:
    a, b = torch.tensor([1.0, 2.0, 3.0, 0.0]), torch.tensor([0.0, 2.0, 4.0, -1.0])
    assert pairwise_accuracy(a, b) == pytest.approx(0.5)
    assert win_rate(a, b) == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    with pytest.raises(ValueError):
        win_rate(a, b[:2])


def test_reward_scores_read_the_last_real_token() -> None:
    tokenizer = load_tokenizer("chat")
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(model_name("chat"), num_labels=1).eval()
    prompts = [[{"role": "user", "content": "How do I sign in?"}], [{"role": "user", "content": "Hi"}]]
    answers = ["Open the sign-in page and enter your email address.", "Hello."]
    batched = reward_scores(model, tokenizer, prompts, answers, batch_size=2)
    alone = torch.cat([reward_scores(model, tokenizer, [p], [a]) for p, a in zip(prompts, answers, strict=True)])
    assert batched.shape == (2,) and torch.allclose(batched, alone, atol=1e-5)
    with pytest.raises(ValueError):
        reward_scores(model, tokenizer, prompts, answers[:1])
