"""utils.ppo: KL-penalised rewards, GAE, the clipped losses and the value model, on hand-computed cases."""

from __future__ import annotations

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel

from utils.ppo import (
    ValueModel,
    gae_advantages,
    kl_penalized_rewards,
    masked_mean,
    masked_whiten,
    ppo_clip_loss,
    ppo_value_loss,
    token_logprobs,
)


def test_masked_mean_and_whiten() -> None:
    x, mask = torch.tensor([[1.0, 3.0, 100.0]]), torch.tensor([[1, 1, 0]])
    assert masked_mean(x, mask).item() == 2.0
    white = masked_whiten(x, mask)
    assert white[0, 2] == 0 and torch.allclose(white[0, :2], torch.tensor([-1.0, 1.0]), atol=1e-4)


def test_kl_penalized_rewards_put_the_score_on_the_last_answer_token() -> None:
    logp, ref = torch.tensor([[-1.0, -2.0, -3.0], [-1.0, -1.0, -1.0]]), torch.tensor([[-1.5, -2.0, -1.0], [-2.0] * 3])
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])
    rewards, kl = kl_penalized_rewards(torch.tensor([5.0, -1.0]), logp, ref, mask, kl_coef=0.1)
    assert torch.allclose(rewards, torch.tensor([[-0.05, 5.0, 0.0], [-0.1, -0.1, -1.1]]))
    assert torch.allclose(kl, torch.tensor([0.5, 3.0]))


def test_gae_with_gamma_and_lambda_one_is_reward_to_go_minus_value() -> None:
    rewards, values = torch.tensor([[0.0, 0.0, 1.0, 0.0]]), torch.tensor([[0.5, 0.2, 0.1, 9.0]])
    mask = torch.tensor([[1, 1, 1, 0]])
    advantages, returns = gae_advantages(rewards, values, mask, gamma=1.0, lam=1.0)
    assert torch.allclose(returns, torch.tensor([[1.0, 1.0, 1.0, 0.0]]))
    assert torch.allclose(advantages, torch.tensor([[0.5, 0.8, 0.9, 0.0]]))
    one_step, _ = gae_advantages(rewards, values, mask, gamma=1.0, lam=0.0)  # lam = 0: the TD error
    assert torch.allclose(one_step, torch.tensor([[-0.3, -0.1, 0.9, 0.0]]))


def test_ppo_clip_loss_stops_the_gain_beyond_the_clip() -> None:
    old, mask = torch.zeros(1, 2), torch.ones(1, 2)
    advantages = torch.tensor([[1.0, -1.0]])
    inside, clipped = ppo_clip_loss(torch.log(torch.tensor([[1.1, 0.9]])), old, advantages, mask, 0.2)
    assert inside.item() == pytest.approx(-(1.1 - 0.9) / 2) and clipped == 0.0
    logp = torch.log(torch.tensor([[2.0, 0.5]])).requires_grad_()
    outside, clipped = ppo_clip_loss(logp, old, advantages, mask, 0.2)
    assert outside.item() == pytest.approx(-(1.2 - 0.8) / 2) and clipped == 1.0
    outside.backward()
    assert torch.all(logp.grad == 0)  # nothing to gain from moving further


def test_ppo_value_loss_is_half_the_squared_error_inside_the_clip() -> None:
    values, old, returns, mask = torch.tensor([[1.0]]), torch.tensor([[0.9]]), torch.tensor([[2.0]]), torch.ones(1, 1)
    assert ppo_value_loss(values, old, returns, mask, 0.2).item() == pytest.approx(0.5)
    far = ppo_value_loss(torch.tensor([[3.0]]), torch.tensor([[0.0]]), torch.tensor([[3.0]]), mask, 0.2)
    assert far.item() == pytest.approx(0.5 * 2.8**2)  # the clipped prediction 0.2 is far from the return


def test_token_logprobs_and_value_model_cover_the_answer_columns() -> None:
    torch.manual_seed(0)
    lm = GPT2LMHeadModel(GPT2Config(vocab_size=25, n_embd=16, n_layer=1, n_head=2, n_positions=32)).eval()
    ids, attention = torch.randint(1, 25, (2, 7)), torch.tensor([[0, 1, 1, 1, 1, 1, 1], [1] * 7])
    logp = token_logprobs(lm, ids, attention, start=4)
    with torch.no_grad():
        alone = torch.log_softmax(lm(ids[:1, 1:]).logits, -1)[0, 2:5].gather(-1, ids[0, 4:, None]).squeeze(-1)
    assert logp.shape == (2, 3) and torch.allclose(logp[0], alone, atol=1e-5)  # left padding does not shift
    values = ValueModel(lm)(ids, attention, start=4)
    assert values.shape == (2, 3) and torch.all(values == 0)  # the head starts at zero
    assert all(p.data_ptr() != q.data_ptr() for p, q in zip(ValueModel(lm).trunk.parameters(), lm.parameters(),
                                                           strict=True))


def test_value_model_on_a_bf16_checkpoint(tmp_path) -> None:
    # transformers 5 loads hub checkpoints in their stored dtype (bf16 for SmolLM2, Qwen): the head must cope.
    from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=40, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=32)
    LlamaForCausalLM(config).to(torch.bfloat16).save_pretrained(tmp_path)
    lm = AutoModelForCausalLM.from_pretrained(tmp_path)
    assert lm.dtype == torch.bfloat16
    model = ValueModel(lm)
    ids, attention = torch.randint(1, 40, (2, 6)), torch.ones(2, 6, dtype=torch.long)
    values = model(ids, attention, start=3)
    (values - 1.0).pow(2).mean().backward()
    assert values.dtype == torch.float32 and values.shape == (2, 3)
    assert model.head.weight.dtype == torch.float32 and model.head.weight.grad is not None
