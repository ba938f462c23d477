"""utils.packing: padding waste by formula and on collated batches; throughput counts real tokens only."""

from __future__ import annotations

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel
from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

from utils.packing import batch_slots, padding_waste, real_tokens, training_throughput


def test_padding_waste_formula() -> None:
    assert padding_waste([3, 5, 2, 2], 2) == pytest.approx(1 - 12 / 14)
    assert padding_waste([1, 5, 1, 5], 2) == pytest.approx(0.4)  # in order: no sorting
    assert padding_waste([4, 1, 1], 2) == pytest.approx(1 - 6 / 9)  # the last batch is smaller
    assert padding_waste([7, 3], 1) == 0.0 and padding_waste([], 3) == 0.0
    with pytest.raises(ValueError):
        padding_waste([1], 0)


def test_padding_waste_matches_collated_batches() -> None:
    lengths = [5, 2, 7, 3, 3]
    examples = [{"input_ids": list(range(1, n + 1))} for n in lengths]
    padded = [DataCollatorForLanguageModeling(pad_token_id=0)(examples[i : i + 2]) for i in range(0, 5, 2)]
    real, slots = sum(map(real_tokens, padded)), sum(map(batch_slots, padded))
    assert real == sum(lengths) and 1 - real / slots == pytest.approx(padding_waste(lengths, 2))
    flat = DataCollatorForLanguageModeling(pad_token_id=0, padding_free=True)(examples)
    assert real_tokens(flat) == batch_slots(flat) == sum(lengths)


def test_real_tokens_of_padded_rows_without_a_mask_count_the_examples() -> None:
    batch = {"input_ids": torch.zeros(2, 6, dtype=torch.long)}  # packed rows padded to 6, no attention mask
    examples = [{"input_ids": [1] * 6}, {"input_ids": [1] * 4}]
    assert real_tokens(batch, examples) == 10 and real_tokens(batch) == batch_slots(batch) == 12


def test_training_throughput_is_positive_and_leaves_no_gradients() -> None:
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=20, n_embd=16, n_layer=1, n_head=2, n_positions=32))
    batch = DataCollatorForLanguageModeling(pad_token_id=0)([{"input_ids": [1, 2, 3]}, {"input_ids": [4, 5]}])
    assert training_throughput(model, [batch, batch]) > 0
    assert all(p.grad is None for p in model.parameters()) and not model.training
