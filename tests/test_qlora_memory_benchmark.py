"""benchmarks/qlora_memory.py: the tiny profile builds an NF4 Mistral on CPU, trains a step and prints its table."""

from __future__ import annotations

import importlib

import pytest
import torch

qlora_memory = importlib.import_module("benchmarks.qlora_memory")


def test_tiny_profile_runs_and_reports(capsys: pytest.CaptureFixture[str]) -> None:
    assert qlora_memory.main(["--profile", "tiny", "--steps", "1", "--lengths", "16"]) == 0
    out = capsys.readouterr().out
    assert "profile tiny on cpu" in out and "peak MB" in out
    row = out.strip().splitlines()[-1].split()
    tokens, weights, expected, peak = int(row[0]), float(row[1]), float(row[2]), float(row[3])
    assert tokens == 16 and peak > weights
    assert abs(weights - expected) < 0.02 * expected  # measured bytes of the NF4 model = 4.127 bits per weight


def test_the_built_model_is_nf4_with_random_weights() -> None:
    import bitsandbytes as bnb

    model = qlora_memory.build_nf4_model(dict(qlora_memory.TINY_MISTRAL, num_hidden_layers=1), torch.device("cpu"),
                                         torch.float32)
    layers = [m for m in model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert len(layers) == 7 and all(m.weight.quant_state.nested for m in layers)
    assert not any(p.is_meta for p in model.parameters())
    ids = torch.randint(0, 100, (1, 8))
    assert torch.isfinite(model(input_ids=ids, labels=ids).loss)


@pytest.mark.skipif(torch.cuda.is_available(), reason="the message is for machines without a GPU")
def test_full_profile_without_gpu_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert qlora_memory.main([]) == 2
    assert "No CUDA GPU here" in capsys.readouterr().out
