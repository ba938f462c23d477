"""Visible checks for lesson 06's exercises (the Bradley-Terry loss, sequence log-probabilities, the DPO loss,
generalised advantage estimation)."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from utils.checking import exercise, expect, expect_close, expect_tensor, expect_type
from utils.ppo import gae_advantages


@exercise("6.1", "bradley_terry_loss")
def check_bradley_terry_loss(bradley_terry_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """bradley_terry_loss = mean of -log sigmoid(r_chosen - r_rejected), differentiable and stable."""
    gen = torch.Generator().manual_seed(6)
    for n in (1, 4, 9):
        chosen, rejected = torch.randn(n, generator=gen) * 2, torch.randn(n, generator=gen) * 2
        got = bradley_terry_loss(chosen.clone(), rejected.clone())
        what = f"bradley_terry_loss on {n} pair(s)"
        expect_tensor(got, (), torch.float32, what)
        expect_close(got, -F.logsigmoid(chosen - rejected).mean(), what, rtol=1e-5, atol=1e-6)
    swapped = bradley_terry_loss(torch.tensor([1.0, 2.0]), torch.tensor([3.0, -1.0]))
    expect_close(swapped, -F.logsigmoid(torch.tensor([-2.0, 3.0])).mean(),
                 "bradley_terry_loss([1, 2], [3, -1]) (the order of the arguments matters)", rtol=1e-5, atol=1e-6)
    far = bradley_terry_loss(torch.tensor([-300.0]), torch.tensor([300.0]))
    expect_tensor(far, (), torch.float32, "bradley_terry_loss([-300], [300])")
    expect(bool(torch.isfinite(far)), "bradley_terry_loss([-300], [300]) should be 600, not inf or nan: use "
                                      "F.logsigmoid rather than log(sigmoid(...)).")
    expect_close(far, torch.tensor(600.0), "bradley_terry_loss([-300], [300])", rtol=1e-5, atol=1e-4)
    chosen = torch.tensor([0.5, -0.5], requires_grad=True)
    loss = bradley_terry_loss(chosen, torch.tensor([0.0, 0.0]))
    expect(loss.requires_grad, "bradley_terry_loss should stay differentiable (no .item(), no detach).")


@exercise("6.2", "sequence_logprob")
def check_sequence_logprob(sequence_logprob: Callable[..., torch.Tensor]) -> None:
    """sequence_logprob sums log p(token t+1 | tokens <= t) over the completion tokens of each row."""
    gen = torch.Generator().manual_seed(62)
    for batch, length, vocab in [(2, 5, 7), (3, 8, 11)]:
        logits = torch.randn(batch, length, vocab, generator=gen) * 3
        ids = torch.randint(vocab, (batch, length), generator=gen)
        mask = torch.zeros(batch, length, dtype=torch.long)
        for row in range(batch):
            mask[row, 2 + row : length - row] = 1
        logprobs = torch.log_softmax(logits[:, :-1], -1).gather(-1, ids[:, 1:, None]).squeeze(-1)
        want = (logprobs * mask[:, 1:]).sum(-1)
        got = sequence_logprob(logits.clone(), ids.clone(), mask.clone())
        what = f"sequence_logprob with logits of shape {(batch, length, vocab)}"
        expect_tensor(got, (batch,), torch.float32, what)
        unshifted = (torch.log_softmax(logits, -1).gather(-1, ids[..., None]).squeeze(-1) * mask).sum(-1)
        expect(not torch.allclose(got, unshifted, atol=1e-4),
               f"{what}: the logits at position t predict the token at t + 1; shift ids and mask by one.")
        raw = (logits[:, :-1].gather(-1, ids[:, 1:, None]).squeeze(-1) * mask[:, 1:]).sum(-1)
        expect(not torch.allclose(got, raw, atol=1e-4), f"{what}: take log_softmax of the logits first.")
        expect_close(got, want, what, rtol=1e-4, atol=1e-4)
    flat = sequence_logprob(torch.zeros(1, 4, 8), torch.tensor([[1, 2, 3, 4]]), torch.tensor([[0, 0, 1, 1]]))
    expect_close(flat, torch.tensor([2 * -torch.log(torch.tensor(8.0)).item()]),
                 "sequence_logprob with uniform logits over 8 tokens and 2 completion tokens (2 log 1/8)",
                 rtol=1e-5, atol=1e-5)


@exercise("6.3", "dpo_loss")
def check_dpo_loss(dpo_loss: Callable[..., tuple]) -> None:
    """dpo_loss returns (mean -log sigmoid(r_w - r_l), r_w, r_l) with r = beta * (policy - reference) log-probs."""
    gen = torch.Generator().manual_seed(63)
    for n, beta in [(3, 0.1), (5, 0.5), (1, 2.0)]:
        pc, pr, rc, rr = (torch.randn(n, generator=gen) * 10 - 40 for _ in range(4))
        result = dpo_loss(pc.clone(), pr.clone(), rc.clone(), rr.clone(), beta=beta)
        what = f"dpo_loss on {n} pair(s) with beta={beta}"
        expect_type(result, tuple, what)
        expect(len(result) == 3, f"{what} should return (loss, chosen_rewards, rejected_rewards), got "
                                 f"{len(result)} items.")
        loss, chosen_rewards, rejected_rewards = result
        want_c, want_r = beta * (pc - rc), beta * (pr - rr)
        expect_close(chosen_rewards, want_c, f"the chosen rewards of {what} (beta * (policy - reference))",
                     rtol=1e-5, atol=1e-5)
        expect_close(rejected_rewards, want_r, f"the rejected rewards of {what}", rtol=1e-5, atol=1e-5)
        expect_tensor(loss, (), torch.float32, f"the loss of {what}")
        expect_close(loss, -F.logsigmoid(want_c - want_r).mean(), f"the loss of {what}", rtol=1e-5, atol=1e-6)
    same = torch.tensor([-12.0, -30.0])
    start = dpo_loss(same, same - 3, same, same - 3, beta=0.1)[0]
    expect_close(start, torch.log(torch.tensor(2.0)), "dpo_loss when the policy equals the reference (log 2)",
                 rtol=1e-5, atol=1e-6)
    far = dpo_loss(torch.tensor([-900.0]), torch.tensor([-10.0]), torch.tensor([-10.0]), torch.tensor([-900.0]), 1.0)[0]
    expect(bool(torch.isfinite(far)), "dpo_loss should stay finite for large log-ratios: use F.logsigmoid.")


@exercise("6.4", "gae")
def check_gae(gae: Callable[..., tuple]) -> None:
    """gae = GAE over T steps whose last one bootstraps from values[:, T], checked against utils.ppo.gae_advantages."""
    gen = torch.Generator().manual_seed(64)
    cases = [(2, 5, 1.0, 0.95, True), (3, 4, 0.9, 0.8, True), (2, 6, 0.99, 0.0, True), (1, 3, 1.0, 1.0, True),
             (2, 5, 1.0, 0.95, False), (3, 1, 0.9, 0.5, True)]
    for batch, steps, gamma, lam, bootstrap in cases:
        rewards, values = torch.randn(batch, steps, generator=gen), torch.randn(batch, steps + 1, generator=gen)
        if not bootstrap:
            values[:, -1] = 0.0  # every episode ended at the last step
        given_rewards, given_values = rewards.clone(), values.clone()
        what = f"gae on rewards {tuple(rewards.shape)}, values {tuple(values.shape)}, gamma={gamma}, lam={lam}"
        result = gae(given_rewards, given_values, gamma, lam)
        expect(torch.equal(given_rewards, rewards) and torch.equal(given_values, values),
               f"{what} changed its inputs; compute into new tensors.")
        expect_type(result, tuple, what)
        expect(len(result) == 2, f"{what} should return (advantages, returns), got {len(result)} items.")
        advantages, returns = result
        # the reference treats the last step as final; folding gamma * V(s_T) into its reward bootstraps it
        folded = rewards.clone()
        folded[:, -1] += gamma * values[:, -1]
        want, want_returns = gae_advantages(folded, values[:, :-1], torch.ones(batch, steps), gamma, lam)
        expect_tensor(advantages, (batch, steps), torch.float32, f"the advantages of {what}")
        if not torch.allclose(advantages, want, rtol=1e-4, atol=1e-5):
            no_bootstrap = gae_advantages(rewards, values[:, :-1], torch.ones(batch, steps), gamma, lam)[0]
            expect(not torch.allclose(advantages, no_bootstrap, rtol=1e-4, atol=1e-5),
                   f"the advantages of {what} ignore the bootstrap value: delta at the last step is "
                   "r + gamma * values[:, T] - values[:, T - 1].")
            expect_close(advantages, want, f"the advantages of {what}", rtol=1e-4, atol=1e-5)
        expect_tensor(returns, (batch, steps), torch.float32, f"the returns of {what}")
        expect_close(returns, want_returns, f"the returns of {what} (advantages + values[:, :T])", rtol=1e-4,
                     atol=1e-5)
