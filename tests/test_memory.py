"""utils.memory: the 16-bytes-per-parameter rule, QLoRA's bits, and a tensor-memory meter that counts what it should."""

from __future__ import annotations

import pytest
import torch

from utils.memory import NF4_DQ_BITS, TensorMemory, activation_bytes, measure_peak, training_bytes


def test_full_finetuning_costs_16_bytes_per_parameter() -> None:
    assert sum(training_bytes(1000, "full").values()) == 16_000


def test_lora_and_qlora_bytes() -> None:
    lora = training_bytes(1000, "lora", trainable=10)
    assert lora == {"weights": 2000 + 40, "gradients": 40, "optimizer": 80}
    qlora = training_bytes(1000, "qlora", trainable=10, quantized=800)
    assert qlora["weights"] == pytest.approx(800 * NF4_DQ_BITS / 8 + 200 * 2 + 40)
    assert abs(NF4_DQ_BITS - 4.127) < 1e-3
    with pytest.raises(ValueError):
        training_bytes(1, "half")


def test_checkpointing_cuts_activations() -> None:
    assert activation_bytes(32, 4096, 512, checkpointing=True) < activation_bytes(32, 4096, 512) / 5


def test_tensor_memory_counts_live_and_peak_bytes() -> None:
    held = torch.zeros(1000)
    with TensorMemory(held) as meter:
        assert meter.current == 4000
        a = torch.ones(250_000)
        b = a * 2
        del a, b
        assert meter.current == 4000
    assert meter.peak == 4000 + 2 * 1_000_000


def test_measure_peak_sees_saved_activations() -> None:
    torch.manual_seed(0)
    model = torch.nn.Linear(100, 100)
    x = torch.randn(50, 100)

    def step() -> None:
        model(x).relu().sum().backward()

    result = measure_peak(step, 1, model)
    weights = 4 * (100 * 100 + 100)
    assert result["peak_bytes"] >= weights + 4 * 50 * 100  # at least the weights and one saved activation
    assert result["s_per_step"] > 0
