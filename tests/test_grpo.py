"""utils.grpo on hand-computed cases and against trl's GRPOTrainer loss on a tiny random model."""

from __future__ import annotations

import math

import pytest
import torch

from utils.grpo import completion_logprobs, correctness_rewards, extract_answer, group_advantages, grpo_loss, k3_kl


def test_checker_reads_the_last_final_answer() -> None:
    assert extract_answer("3 + 9 = 12. The answer is 12.") == 12
    assert extract_answer("The answer is 1. The answer is -4.") == -4
    assert extract_answer("3 + 9 = 12.") is None
    msgs = [[{"role": "assistant", "content": "The answer is 5."}], "The answer is 6.", "5"]
    assert correctness_rewards(msgs, answer=[5, 5, 5]) == [1.0, 0.0, 0.0]


def test_group_advantages_by_hand() -> None:
    adv = group_advantages(torch.tensor([1.0, 0.0, 0.0, 0.0, 2.0, 2.0]), 2)
    s = math.sqrt(0.5)  # unbiased std of (1, 0)
    assert torch.allclose(adv, torch.tensor([0.5 / (s + 1e-4), -0.5 / (s + 1e-4), 0, 0, 0, 0]))


def test_k3_is_nonnegative_and_zero_on_agreement() -> None:
    logps = torch.tensor([-1.0, -2.0, -0.5])
    assert torch.equal(k3_kl(logps, logps), torch.zeros(3))
    assert (k3_kl(logps, logps + torch.tensor([0.3, -0.7, 2.0])) > 0).all()


def test_loss_by_hand() -> None:
    logps = torch.tensor([[-1.0, -2.0]])
    old = torch.tensor([[-1.5, -2.0]])  # ratio e^0.5 = 1.65 on the first token: clipped at 1.2 for A > 0
    mask = torch.tensor([[1, 1]])
    loss = grpo_loss(logps, old, None, torch.tensor([1.0]), mask)
    assert torch.isclose(loss, torch.tensor(-(1.2 + 1.0) / 2))
    neg = grpo_loss(logps, old, None, torch.tensor([-1.0]), mask)  # A < 0: the unclipped, larger penalty counts
    assert torch.isclose(neg, torch.tensor((math.exp(0.5) + 1.0) / 2))
    ref = logps - 1.0
    with_kl = grpo_loss(logps, logps, ref, torch.tensor([0.0]), mask, beta=0.5)
    assert torch.isclose(with_kl, torch.tensor(0.5 * (math.exp(-1.0) + 1.0 - 1.0)))


@pytest.mark.parametrize("beta", [0.0, 0.1])
def test_matches_trl_compute_loss(tmp_path, beta: float) -> None:
    from datasets import Dataset
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast
    from trl import GRPOConfig, GRPOTrainer

    vocab = {t: i for i, t in enumerate(["<pad>", "</s>", *"abcdefgh"])}
    raw = Tokenizer(models.WordLevel(vocab, unk_token="<pad>"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(tokenizer_object=raw, pad_token="<pad>", eos_token="</s>")
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(vocab), n_embd=16, n_layer=1, n_head=2, n_positions=32,
                                       pad_token_id=0, eos_token_id=1))
    model.save_pretrained(tmp_path / "m")
    tok.save_pretrained(tmp_path / "m")
    args = GRPOConfig(output_dir=str(tmp_path / "out"), report_to="none", beta=beta, num_generations=2,
                      per_device_train_batch_size=4, max_completion_length=4, use_cpu=True,
                      bf16=False)  # its default autocasts to bf16 where the CPU has it; ours runs in float32
    trainer = GRPOTrainer(model=str(tmp_path / "m"), reward_funcs=lambda completions, **_: [0.0] * len(completions),
                          args=args, train_dataset=Dataset.from_list([{"prompt": "a b"}] * 4), processing_class=tok)
    with torch.no_grad():  # make the policy differ from the reference
        for p in trainer.model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    trainer.model.eval()
    prompt_ids, prompt_mask = torch.tensor([[0, 2, 3]] * 4), torch.tensor([[0, 1, 1]] * 4)
    completion_ids = torch.tensor([[4, 5, 1, 0], [6, 1, 0, 0], [7, 8, 9, 1], [2, 2, 2, 2]])
    completion_mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]])
    advantages = group_advantages(torch.tensor([1.0, 0.0, 0.0, 1.0]), 2)
    parts = (prompt_ids, prompt_mask, completion_ids, completion_mask)
    with torch.no_grad():
        logps = completion_logprobs(trainer.model, *parts)
        ref = completion_logprobs(trainer.ref_model, *parts) if beta else None
    # The policy that sampled the completions (old) differs by +-0.4 nats on some tokens: ratios e^(-+0.4) = 0.67 or
    # 1.49 fall outside [0.8, 1.2], so trl's clip and ours are both exercised; the other tokens stay inside.
    old = logps + 0.4 * torch.tensor([[1.0, -1.0, 0.1, 0.0], [-1.0, 1.0, 0.0, 0.0], [0.1, -1.0, 1.0, -0.1],
                                      [-1.0, 0.1, 1.0, -1.0]])
    ratio, adv = torch.exp(logps - old), advantages.unsqueeze(1)
    clipped = (((ratio > 1.2) & (adv > 0)) | ((ratio < 0.8) & (adv < 0))) & completion_mask.bool()
    assert clipped.any() and not clipped[completion_mask.bool()].all()
    inputs = {"prompt_ids": prompt_ids, "prompt_mask": prompt_mask, "completion_ids": completion_ids,
              "completion_mask": completion_mask, "advantages": advantages, "old_per_token_logps": old,
              "num_items_in_batch": completion_mask.sum()}
    if beta:
        inputs["ref_per_token_logps"] = ref
    with torch.no_grad():
        trl_loss = trainer.compute_loss(trainer.model, inputs)
    ours = grpo_loss(logps, old, ref, advantages, completion_mask, beta=beta)
    assert torch.isclose(trl_loss, ours, atol=1e-5), (trl_loss, ours)
    unclipped = grpo_loss(logps, old, ref, advantages, completion_mask, beta=beta, epsilon=10.0)
    assert not torch.isclose(unclipped, ours, atol=1e-3)  # the clip changed the loss: the comparison covers it
