"""utils.attention: the masks and scaled dot-product attention of lesson 01, against torch."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from utils.attention import causal_mask, decoder_mask, padding_mask, scaled_dot_product_attention


def test_causal_mask_is_zero_on_and_below_the_diagonal() -> None:
    m = causal_mask(4)
    assert m.dtype == torch.float32 and m.shape == (4, 4)
    assert torch.equal(torch.isneginf(m), torch.ones(4, 4, dtype=torch.bool).triu(1))
    assert torch.equal(m.tril(), torch.zeros(4, 4))


def test_padding_mask_blocks_pad_keys_for_every_query() -> None:
    m = padding_mask(torch.tensor([[1, 1, 0], [1, 1, 1]]))
    assert m.shape == (2, 1, 1, 3)
    assert torch.isneginf(m[0, 0, 0, 2]) and torch.equal(m[1], torch.zeros(1, 1, 3))


def test_decoder_mask_is_causal_plus_padding() -> None:
    m = decoder_mask(torch.tensor([[1, 1, 0]]))
    want = causal_mask(3).clone()
    want[:, 2] = float("-inf")
    assert torch.equal(m[0, 0], want)


def test_attention_matches_torch_with_and_without_masks() -> None:
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 4, 8, generator=gen) for _ in range(3))
    assert torch.allclose(scaled_dot_product_attention(q, k, v), F.scaled_dot_product_attention(q, k, v), atol=1e-5)
    causal = scaled_dot_product_attention(q, k, v, causal_mask(4))
    assert torch.allclose(causal, F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=1e-5)
    mask = decoder_mask(torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]]))
    assert torch.allclose(scaled_dot_product_attention(q, k, v, mask),
                          F.scaled_dot_product_attention(q, k, v, attn_mask=mask), atol=1e-5)


def test_query_that_sees_no_key_gets_zeros_like_torch() -> None:
    q, k, v = (torch.randn(1, 1, 3, 4) for _ in range(3))
    mask = decoder_mask(torch.tensor([[0, 1, 1]]))  # left padding: query 0 sees nothing
    out = scaled_dot_product_attention(q, k, v, mask)
    assert not out.isnan().any() and torch.equal(out[0, 0, 0], torch.zeros(4))
    assert torch.allclose(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask), atol=1e-5)
