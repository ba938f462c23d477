"""Visible checks for lesson 11's exercises (the answer checker, group-relative advantages, the GRPO loss)."""

from __future__ import annotations

from collections.abc import Callable

import torch

from utils.checking import exercise, expect, expect_close, expect_optional, expect_tensor
from utils.grpo import grpo_loss as reference_loss


@exercise("11.1", "extract_answer")
def check_extract_answer(extract_answer: Callable[[str], int | None]) -> None:
    """extract_answer returns the int of the last `The answer is <n>`, or None."""
    cases = [("3 + 9 = 12. The answer is 12.", 12), ("The answer is 7", 7), ("2 - 5 = -3. The answer is -3.", -3),
             ("The answer is 2. No: The answer is 14.", 14), ("3 + 9 = 12.", None), ("", None),
             ("the answer is 5.", None), ("The answer is twelve.", None)]
    for text, want in cases:
        expect_optional(extract_answer(text), want, f"extract_answer({text!r})")


@exercise("11.2", "group_advantages")
def check_group_advantages(group_advantages: Callable[..., torch.Tensor]) -> None:
    """group_advantages normalises each consecutive group by its mean and unbiased std (+ eps)."""
    gen = torch.Generator().manual_seed(11)
    for groups, size in [(1, 4), (3, 8), (2, 2)]:
        rewards = (torch.rand(groups * size, generator=gen) > 0.5).float()
        rewards[0] = 1.0 - rewards[1]  # the first group is never uniform
        got = group_advantages(rewards.clone(), size)
        what = f"group_advantages on {groups} group(s) of {size}"
        g = rewards.view(-1, size)
        want = ((g - g.mean(1, keepdim=True)) / (g.std(1, keepdim=True) + 1e-4)).view(-1)
        expect_tensor(got, (groups * size,), torch.float32, what)
        biased = ((g - g.mean(1, keepdim=True)) / (g.std(1, keepdim=True, unbiased=False) + 1e-4)).view(-1)
        expect(size == 2 or not torch.allclose(got, biased, atol=1e-4) or torch.allclose(want, biased),
               f"{what}: use the unbiased std (torch.std's default), as trl does.")
        expect_close(got, want, what, rtol=1e-4, atol=1e-4)
    same = group_advantages(torch.ones(4), 4)
    expect_close(same, torch.zeros(4), "group_advantages of a group whose rewards are all equal (all zeros)",
                 rtol=0, atol=1e-6)
    eps = group_advantages(torch.tensor([1.0, 0.0]), 2, eps=1.0)
    want = torch.tensor([0.5, -0.5]) / (torch.tensor([1.0, 0.0]).std() + 1.0)
    expect_close(eps, want, "group_advantages([1, 0], 2, eps=1.0) (eps is added to the std)", rtol=1e-5, atol=1e-5)


@exercise("11.3", "grpo_loss")
def check_grpo_loss(grpo_loss: Callable[..., torch.Tensor]) -> None:
    """grpo_loss is trl's default (dapo) GRPO loss: clipped surrogate + beta * ratio * k3 KL, token mean."""
    gen = torch.Generator().manual_seed(113)
    for batch, length, beta, epsilon in [(2, 3, 0.0, 0.2), (3, 5, 0.04, 0.2), (4, 6, 0.5, 0.1)]:
        logps = -torch.rand(batch, length, generator=gen) * 3
        old = logps + 0.4 * torch.randn(batch, length, generator=gen)
        ref = logps + 0.6 * torch.randn(batch, length, generator=gen)
        adv = torch.randn(batch, generator=gen)
        mask = torch.ones(batch, length, dtype=torch.long)
        mask[0, length - 1:] = 0
        mask[-1, 1:] = 0
        what = f"grpo_loss on {batch} x {length} tokens with beta={beta}, epsilon={epsilon}"
        live = logps.clone().requires_grad_(True)
        got = grpo_loss(live, old.clone(), ref.clone() if beta else None, adv.clone(), mask.clone(), beta=beta,
                        epsilon=epsilon)
        expect_tensor(got, (), torch.float32, what)
        want = reference_loss(logps, old, ref, adv, mask, beta=beta, epsilon=epsilon)
        unmasked = reference_loss(logps, old, ref, adv, torch.ones_like(mask), beta=beta, epsilon=epsilon)
        expect(not torch.isclose(got.detach(), unmasked), f"{what}: count only the tokens where mask is 1.")
        if beta:
            no_kl = reference_loss(logps, old, ref, adv, mask, beta=0.0, epsilon=epsilon)
            expect(not torch.isclose(got.detach(), no_kl), f"{what}: add beta * ratio * (exp(d) - d - 1).")
        expect_close(got.detach(), want, what, rtol=1e-4, atol=1e-5)
        expect(got.requires_grad, f"{what}: the loss should stay differentiable in logps (no .item(), no detach).")
