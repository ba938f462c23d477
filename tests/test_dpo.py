"""utils.dpo: sequence log-probabilities agree with the model's own loss, and the DPO loss with its definition."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

from utils.dpo import batch_logprobs, dpo_loss, sequence_logprob


def test_sequence_logprob_is_minus_the_summed_cross_entropy() -> None:
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=30, n_embd=16, n_layer=1, n_head=2, n_positions=32)).eval()
    ids = torch.randint(30, (2, 9))
    mask = torch.tensor([[0, 0, 0, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 1, 1, 0, 0]])
    with torch.no_grad():
        labels = ids.masked_fill(mask == 0, -100)
        for row in range(2):
            out = model(input_ids=ids[row : row + 1], labels=labels[row : row + 1])
            n = int(mask[row, 1:].sum())
            got = batch_logprobs(model, {"input_ids": ids, "attention_mask": torch.ones_like(ids),
                                         "completion_mask": mask})[row]
            assert torch.isclose(got, -out.loss * n, atol=1e-4)


def test_sequence_logprob_ignores_the_first_position_of_the_mask() -> None:
    logits = torch.zeros(1, 3, 4)
    assert torch.isclose(sequence_logprob(logits, torch.tensor([[1, 2, 3]]), torch.tensor([[1, 1, 1]])),
                         2 * torch.log(torch.tensor(0.25)))


def test_dpo_loss() -> None:
    pc, pr, rc, rr = torch.tensor([-10.0, -20.0]), torch.tensor([-30.0, -15.0]), torch.tensor([-12.0, -18.0]), \
        torch.tensor([-25.0, -16.0])
    loss, chosen, rejected = dpo_loss(pc, pr, rc, rr, beta=0.5)
    assert torch.allclose(chosen, torch.tensor([1.0, -1.0])) and torch.allclose(rejected, torch.tensor([-2.5, 0.5]))
    assert torch.isclose(loss, -F.logsigmoid(chosen - rejected).mean())
    start = dpo_loss(pc, pr, pc, pr)[0]
    assert torch.isclose(start, torch.log(torch.tensor(2.0)))


@pytest.mark.parametrize("family", ["gpt2", "llama", "qwen2", "mistral", "gpt_neox", "opt"])
def test_batch_logprobs_keeps_only_the_answer_logits_and_agrees_with_all_of_them(family: str) -> None:
    from transformers import AutoConfig, AutoModelForCausalLM

    sizes = dict(vocab_size=50, hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                 num_key_value_heads=2, n_embd=16, n_layer=1, n_head=2, ffn_dim=32, word_embed_proj_dim=16,
                 max_position_embeddings=64)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(family, **sizes)).eval()
    ids = torch.randint(50, (3, 10))
    mask = torch.tensor([[0] * 6 + [1] * 4, [0] * 4 + [1] * 3 + [0] * 3, [0] * 10])  # the last row has no answer
    batch = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "completion_mask": mask}
    with torch.no_grad():
        every = sequence_logprob(model(input_ids=ids).logits, ids, mask)
        assert torch.allclose(batch_logprobs(model, batch), every, atol=1e-5) and every[2] == 0
        assert batch_logprobs(model, batch | {"completion_mask": torch.zeros_like(mask)}).eq(0).all()
