"""Visible checks for lesson 01's exercises (masks, padding, attention, the next-token loss)."""

from __future__ import annotations

from collections.abc import Callable

import torch

from utils.attention import causal_mask as reference_causal_mask
from utils.attention import decoder_mask as reference_decoder_mask
from utils.attention import scaled_dot_product_attention as reference_attention
from utils.checking import exercise, expect, expect_close, expect_tensor


@exercise("1.1", "sliding_window_mask")
def check_sliding_window_mask(sliding_window_mask: Callable[[int, int], torch.Tensor]) -> None:
    """sliding_window_mask(n, w) is 0 where i - w < j <= i and -inf elsewhere, as a float32 (n, n) tensor."""
    for n, window in [(1, 1), (5, 1), (5, 2), (6, 3), (4, 4), (4, 10)]:
        got = sliding_window_mask(n, window)
        what = f"sliding_window_mask({n}, {window})"
        expect_tensor(got, (n, n), torch.float32, what)
        i, j = torch.arange(n)[:, None], torch.arange(n)[None, :]
        future, too_far = j > i, j <= i - window
        expect(bool(torch.isneginf(got[future]).all()),
               f"{what} should be -inf above the diagonal: query i must not see a later key j > i.")
        expect(bool(torch.isneginf(got[too_far]).all()),
               f"{what} should be -inf where j <= i - {window}: each query sees itself and the {window - 1} keys "
               "before it, no further back.")
        expect(bool((got[~(future | too_far)] == 0).all()),
               f"{what} should be 0 where i - {window} < j <= i (the keys inside the window, the query included).")
    expect(torch.equal(sliding_window_mask(6, 6), reference_causal_mask(6)),
           "with a window as long as the sequence, the mask should equal the causal mask.")


@exercise("1.2", "pad_batch")
def check_pad_batch(pad_batch: Callable[..., tuple[torch.Tensor, torch.Tensor]]) -> None:
    """pad_batch pads id lists to one length on the asked side and returns the matching 0/1 attention mask."""
    seqs = [[5, 6, 7], [8], [9, 10]]
    cases = {
        "right": ([[5, 6, 7], [8, 0, 0], [9, 10, 0]], [[1, 1, 1], [1, 0, 0], [1, 1, 0]]),
        "left": ([[5, 6, 7], [0, 0, 8], [0, 9, 10]], [[1, 1, 1], [0, 0, 1], [0, 1, 1]]),
    }
    for side, (ids, mask) in cases.items():
        result = pad_batch([list(s) for s in seqs], 0, side)
        expect(type(result) is tuple and len(result) == 2,
               f"pad_batch(..., side={side!r}) should return a tuple (input_ids, attention_mask).")
        got_ids, got_mask = result
        expect_close(got_ids, torch.tensor(ids), f"input_ids padded on the {side}")
        expect_close(got_mask, torch.tensor(mask), f"attention_mask for padding on the {side}")
    got_ids, _ = pad_batch([[3, 4], [5]], 7, "right")
    expect_close(got_ids, torch.tensor([[3, 4], [5, 7]]), "input_ids padded with pad_id=7")
    try:
        pad_batch(seqs, 0, "middle")
    except ValueError:
        return
    expect(False, "pad_batch(..., side='middle') should raise ValueError: the side is 'left' or 'right'.")


@exercise("1.3", "scaled_dot_product_attention")
def check_attention(attention: Callable[..., torch.Tensor]) -> None:
    """attention(q, k, v, mask) matches softmax(q k^T / sqrt(d) + mask) v and torch, zeros for fully masked queries."""
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 5, 8, generator=gen) for _ in range(3))
    want = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    expect_close(attention(q, k, v), want, "attention without a mask", rtol=1e-4, atol=1e-5)
    mask = reference_causal_mask(5)
    want = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    expect_close(attention(q, k, v, mask), want, "attention with the causal mask", rtol=1e-4, atol=1e-5)
    k2, v2 = torch.randn(2, 3, 7, 8, generator=gen), torch.randn(2, 3, 7, 4, generator=gen)
    expect_close(attention(q, k2, v2), reference_attention(q, k2, v2),
                 "attention with 5 queries, 7 keys and values of width 4 (cross-attention)", rtol=1e-4, atol=1e-5)
    left_padded = reference_decoder_mask(torch.tensor([[1, 1, 1, 1, 1], [0, 0, 1, 1, 1]]))
    got = attention(q, k, v, left_padded)
    expect_tensor(got, tuple(q.shape), torch.float32, "attention with a left-padded decoder mask")
    expect(not bool(got.isnan().any()), "a query that may see no key (a pad position under left padding) should get "
                                        "zeros, as torch returns, not NaN: zero the rows whose scores are all -inf.")
    want = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=left_padded)
    expect_close(got, want, "attention with a left-padded decoder mask", rtol=1e-4, atol=1e-5)


@exercise("1.4", "next_token_loss")
def check_next_token_loss(next_token_loss: Callable[..., torch.Tensor]) -> None:
    """next_token_loss scores position t's logits against token t + 1, averaged over the real (unpadded) targets."""
    gen = torch.Generator().manual_seed(1)
    logits, ids = torch.randn(2, 6, 11, generator=gen), torch.randint(0, 11, (2, 6), generator=gen)
    want = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, 11), ids[:, 1:].reshape(-1))
    got = next_token_loss(logits, ids)
    expect_tensor(got, (), torch.float32, "next_token_loss(logits, input_ids)")
    unshifted = torch.nn.functional.cross_entropy(logits.reshape(-1, 11), ids.reshape(-1))
    expect(not torch.allclose(got, unshifted), "the loss compares position t with token t itself: shift by one, "
                                               "so logits[:, :-1] are scored against input_ids[:, 1:].")
    expect_close(got, want, "next_token_loss(logits, input_ids)", rtol=1e-5, atol=1e-6)
    for side, mask in [("right", [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]]),
                       ("left", [[1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1]])]:
        mask = torch.tensor(mask)
        targets = ids[:, 1:].masked_fill(mask[:, 1:] == 0, -100)
        want = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, 11), targets.reshape(-1))
        got = next_token_loss(logits, ids, mask)
        expect_tensor(got, (), torch.float32, f"next_token_loss with padding on the {side}")
        expect_close(got, want, f"next_token_loss with padding on the {side} (average over real targets only, "
                                "those whose attention_mask is 1)", rtol=1e-5, atol=1e-6)
