"""utils.quantization: round-trip errors within their bounds, and the same codes as bitsandbytes on CPU."""

from __future__ import annotations

import pytest
import torch

from utils.quantization import (
    SCHEMES,
    absmax_dequantize,
    absmax_quantize,
    binary_quantize,
    bit_pattern,
    bits_per_param,
    blockwise_dequantize,
    blockwise_quantize,
    double_dequantize,
    double_quantize,
    fake_quantize_linears,
    int8_matmul,
    nf4_codebook,
    nf4_dequantize,
    nf4_quantize,
    pack_4bit,
    reconstruct,
    ternary_quantize,
    zeropoint_dequantize,
    zeropoint_quantize,
)


@pytest.fixture
def weight() -> torch.Tensor:
    """A weight-like matrix: normal, std 0.02, with a length that is not a multiple of the block."""
    torch.manual_seed(0)
    return torch.randn(48, 100) * 0.02


def test_bit_patterns() -> None:
    assert bit_pattern(1.0, torch.float32) == "0 01111111 " + "0" * 23
    assert bit_pattern(-2.0, torch.bfloat16) == "1 10000000 0000000"
    assert bit_pattern(1.0, torch.float16) == "0 01111 0000000000"


def test_absmax_and_zeropoint_errors_are_at_most_half_a_step(weight: torch.Tensor) -> None:
    q, scale = absmax_quantize(weight)
    assert q.dtype == torch.int8 and q.abs().max() == 127
    assert (absmax_dequantize(q, scale) - weight).abs().max() <= scale / 2 + 1e-9
    q, scale, zero = zeropoint_quantize(weight)
    assert q.dtype == torch.uint8 and q.min() == 0 and q.max() == 255
    assert (zeropoint_dequantize(q, scale, zero) - weight).abs().max() <= scale / 2 + 1e-7


def test_blockwise_scales_per_block(weight: torch.Tensor) -> None:
    q, scale = blockwise_quantize(weight, block=64)
    assert q.shape == (75, 64) and scale.shape == (75, 1)
    back = blockwise_dequantize(q, scale, weight.shape)
    assert back.shape == weight.shape
    errors = (back - weight).reshape(-1)
    steps = scale.repeat_interleave(64).reshape(-1)[: weight.numel()]
    assert bool((errors.abs() <= steps / 2 + 1e-9).all())


def test_nf4_matches_bitsandbytes(weight: torch.Tensor) -> None:
    import bitsandbytes.functional as F

    torch.testing.assert_close(nf4_codebook(), F.get_4bit_type("nf4", device="cpu"), rtol=0, atol=1e-6)
    codes, absmax = nf4_quantize(weight)
    packed, state = F.quantize_4bit(weight, blocksize=64, quant_type="nf4")
    assert torch.equal(pack_4bit(codes), packed.reshape(-1))
    assert torch.equal(absmax, state.absmax)
    torch.testing.assert_close(nf4_dequantize(codes, absmax, weight.shape), F.dequantize_4bit(packed, state))


def test_double_quantization_keeps_the_scales_and_costs_4_127_bits(weight: torch.Tensor) -> None:
    _, absmax = nf4_quantize(weight)
    q, scale, offset = double_quantize(absmax)
    assert q.dtype == torch.int8
    assert (double_dequantize(q, scale, offset, absmax.numel()) - absmax).abs().max() <= scale.max() / 2 + 1e-9
    assert bits_per_param("nf4 + double quant") == pytest.approx(4.127, abs=1e-3)


def test_int8_rows_match_bitsandbytes(weight: torch.Tensor) -> None:
    import bitsandbytes.functional as F

    q, scale = absmax_quantize(weight, dim=-1)
    theirs, stats, _ = F.int8_vectorwise_quant(weight.clone())
    assert torch.equal(q, theirs)
    torch.testing.assert_close(scale.squeeze(1) * 127, stats)


def test_ternary_and_binary(weight: torch.Tensor) -> None:
    q, gamma = ternary_quantize(weight)
    assert set(q.unique().tolist()) == {-1, 0, 1} and gamma == weight.abs().mean()
    q, alpha = binary_quantize(weight)
    assert set(q.unique().tolist()) == {-1, 1} and alpha == weight.abs().mean()


def test_error_falls_with_more_bits(weight: torch.Tensor) -> None:
    err = {s: (reconstruct(weight, s) - weight).pow(2).mean().item() for s in SCHEMES}
    assert err["fp32"] == 0 < err["fp16"] < err["int8 (per row)"] < err["nf4 (block 64)"] < err["ternary (1.58 bit)"]
    assert err["nf4 (block 64)"] < err["int4 (block 64)"]
    assert all(bits_per_param(s) > 0 for s in SCHEMES)


def test_int8_matmul_outlier_decomposition() -> None:
    torch.manual_seed(0)
    x, w = torch.randn(16, 64), torch.randn(32, 64) * 0.05
    x[:, 3] *= 60
    exact = x @ w.T
    plain = (int8_matmul(x, w) - exact).abs().mean()
    mixed = (int8_matmul(x, w, threshold=6.0) - exact).abs().mean()
    assert mixed < plain / 5


def test_fake_quantize_linears_changes_every_linear() -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU(), torch.nn.Linear(8, 4))
    before = model[0].weight.clone()
    assert fake_quantize_linears(model, "binary (1 bit)") == 2
    assert not torch.equal(model[0].weight, before)
    assert model[0].weight.abs().unique().numel() == 1
