"""Train every lesson's full-profile run (utils/course/runs.py) for a few steps, full size, random weights, in 15 GiB.

    python benchmarks/gpu_check.py                          # every run on a CUDA GPU, capped at a T4's 15 GiB
    python benchmarks/gpu_check.py --runs 04-qlora,09-decoder --out gpu_check.md
    python benchmarks/gpu_check.py --device cpu --scale tiny   # the same code on shrunk models, in seconds

Nothing is downloaded: each model is built from its hub_facts config with random weights on the device (qlora:
fp16, then every linear layer but the head quantized to NF4 with double quantization, one at a time). The step is
a T4's: fp16 autocast with a GradScaler (fp32 for hand-written loops and T5), the run's batch, length, optimizer,
LoRA rank and checkpointing. Objectives by hand, no trl: causal LM loss (trl runs: in token chunks, like trl's fused
LM head), classification and token heads, seq2seq, reward (pairs), DPO (adapter off for the reference) and PPO
(policy, value trunk, frozen reference and reward model; generation skipped). The peak is
torch.cuda.max_memory_allocated; an OOM is reported and the next run goes on. bitsandbytes is imported for qlora
and 8-bit optimizers only.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from utils.course.hub_facts import MODELS
from utils.course.runs import PPO_REWARD_MODEL, RUNS, TrainingRun
from utils.lora import set_module
from utils.memory import T4_BYTES, estimate, precision

TINY = dict(hidden_size=64, n_embd=64, d_model=64, intermediate_size=128, d_ff=128, num_hidden_layers=2, n_layer=2,
            num_layers=2, num_decoder_layers=2, num_attention_heads=4, n_head=4, num_heads=4, num_key_value_heads=2,
            d_kv=16, vocab_size=512, global_attn_every_n_layers=2)
CHUNK_ELEMENTS = 4096 * 32768  # logits per chunk of the causal loss in trl runs (trl's fused head tiles this much)
RESPONSE = 128  # PPO: answer tokens at the end of each sequence


def model_config(name: str, scale: str, objective: str) -> Any:
    """The transformers config of a hub model from hub_facts; at scale tiny shrunk, with ids inside the vocabulary."""
    from transformers import AutoConfig

    values = dict(MODELS[name].config)
    if scale == "tiny":
        values |= {k: v for k, v in TINY.items() if k in values}
        values |= {k: min(v, 3) for k, v in values.items() if k.endswith("token_id") and isinstance(v, int)}
        values["n_positions"] = values.get("n_positions") and 128
    if objective in ("classification", "token", "reward"):
        values["num_labels"] = {"classification": 2, "token": 9, "reward": 1}[objective]
        values.setdefault("pad_token_id", values.get("eos_token_id", 0))
    return AutoConfig.for_model(**{k: v for k, v in values.items() if v is not None}, use_cache=False)


def build(name: str, objective: str, scale: str, device: torch.device, dtype: torch.dtype) -> nn.Module:
    """A random-weight model of the run's kind, built on `device` in `dtype`."""
    import transformers

    kind = {"classification": "AutoModelForSequenceClassification", "reward": "AutoModelForSequenceClassification",
            "token": "AutoModelForTokenClassification", "seq2seq": "AutoModelForSeq2SeqLM"}
    auto = getattr(transformers, kind.get(objective, "AutoModelForCausalLM"))
    with torch.device(device):
        return auto.from_config(model_config(name, scale, objective), dtype=dtype, attn_implementation="sdpa")


def quantize(model: nn.Module, compute_dtype: torch.dtype) -> None:
    """Replace every nn.Linear but the output head by a bitsandbytes NF4 (double quantization) layer of its weights."""
    import bitsandbytes as bnb

    head = model.get_output_embeddings()
    for name, module in list(model.named_modules()):
        if type(module) is nn.Linear and module is not head:
            device = module.weight.device
            with torch.device("meta"):
                layer = bnb.nn.Linear4bit(module.in_features, module.out_features, bias=module.bias is not None,
                                          compute_dtype=compute_dtype, compress_statistics=True, quant_type="nf4")
            weight = module.weight.data.to(compute_dtype).cpu() if device.type == "cpu" else module.weight.data
            layer.weight = bnb.nn.Params4bit(weight, requires_grad=False, quant_type="nf4", compress_statistics=True,
                                             module=layer).to(device)  # moving it quantizes it
            if module.bias is not None:
                layer.bias = nn.Parameter(module.bias.data, requires_grad=False)
            set_module(model, name, layer)
            del module, weight
    for module in model.modules():  # bitsandbytes 0.50 repacks CPU 4-bit weights after an eval forward; keep one
        if hasattr(module, "support_avx512bf16_for_cpu"):
            module.support_avx512bf16_for_cpu = False


def prepare(r: TrainingRun, model: nn.Module, compute_dtype: torch.dtype) -> nn.Module:
    """Apply the run's method: NF4 + fp32 rest (qlora), LoRA on every linear layer, activation checkpointing."""
    if r.method == "qlora":
        from peft import prepare_model_for_kbit_training

        quantize(model, compute_dtype)
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    if r.checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if r.method != "full":
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(model, LoraConfig(r=r.lora_r, lora_alpha=2 * r.lora_r, target_modules="all-linear"))
    return model.train()


def optimizer(r: TrainingRun, params: list[nn.Parameter], device: torch.device) -> torch.optim.Optimizer:
    """The run's optimizer: torch AdamW, or bitsandbytes' (paged) 8-bit AdamW on a GPU."""
    if "8bit" in r.optim and device.type == "cuda":
        import bitsandbytes as bnb

        return (bnb.optim.PagedAdamW8bit if r.optim.startswith("paged") else bnb.optim.AdamW8bit)(params, lr=1e-5)
    return torch.optim.AdamW(params, lr=1e-5)


def trunk_and_head(model: nn.Module) -> tuple[nn.Module, nn.Module]:
    """The transformer body and the LM head of a causal LM (or of the one inside a peft model)."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    return inner.base_model, inner.get_output_embeddings()


def token_logprobs(model: nn.Module, ids: torch.Tensor, chunked: bool) -> torch.Tensor:
    """log p(next token) at every position; `chunked`: the head runs on token chunks recomputed in the backward
    (trl's fused LM head never holds the batch's logits either), else on all logits at once in fp32."""
    trunk, head = trunk_and_head(model)
    hidden = trunk(input_ids=ids).last_hidden_state[:, :-1]
    targets = ids[:, 1:]
    if not chunked:
        return torch.log_softmax(head(hidden).float(), -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    flat, flat_targets = hidden.reshape(-1, hidden.shape[-1]), targets.reshape(-1)
    size = max(1, CHUNK_ELEMENTS // head.weight.shape[0])

    def piece(h: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return -F.cross_entropy(head(h).float(), t, reduction="none")

    parts = [checkpoint(piece, flat[i:i + size], flat_targets[i:i + size], use_reentrant=False)
             for i in range(0, len(flat), size)]
    return torch.cat(parts).view_as(targets)


def make_step(r: TrainingRun, model: nn.Module, extra: dict[str, nn.Module], rows: int, seq: int, target: int,
              vocab: int, device: torch.device) -> Any:
    """A function computing the run's loss on a random batch of `rows` x `seq` tokens."""
    ids = torch.randint(4, vocab, (rows, seq), device=device)
    chunked = r.loop == "trl"
    if r.objective == "causal":
        return lambda: -token_logprobs(model, ids, chunked).mean()
    if r.objective == "classification":
        labels = torch.randint(0, 2, (rows,), device=device)
        return lambda: model(input_ids=ids, labels=labels).loss
    if r.objective == "token":
        labels = torch.randint(0, 9, (rows, seq), device=device)
        return lambda: model(input_ids=ids, labels=labels).loss
    if r.objective == "seq2seq":
        labels = torch.randint(4, vocab, (rows, target), device=device)
        return lambda: model(input_ids=ids, labels=labels).loss
    if r.objective == "reward":
        def reward() -> torch.Tensor:
            chosen, rejected = model(input_ids=ids).logits.squeeze(-1).float().chunk(2)
            return -F.logsigmoid(chosen - rejected).mean()
        return reward
    if r.objective == "dpo":
        def dpo() -> torch.Tensor:
            with torch.no_grad(), model.disable_adapter():
                ref = token_logprobs(model, ids, chunked).sum(-1)
            logps = token_logprobs(model, ids, chunked).sum(-1)
            (pc, pr), (rc, rr) = logps.chunk(2), ref.chunk(2)
            return -F.logsigmoid(0.1 * ((pc - rc) - (pr - rr))).mean()
        return dpo
    if r.objective == "grpo":  # the clipped surrogate on-policy (ratio 1) plus the k3 KL to the adapter-off model
        def grpo() -> torch.Tensor:
            with torch.no_grad(), model.disable_adapter():
                ref = token_logprobs(model, ids, chunked)
            logps = token_logprobs(model, ids, chunked)
            advantage = torch.randn(rows, 1, device=device)
            ratio, delta = torch.exp(logps - logps.detach()), ref - logps
            return (-ratio * advantage + 0.04 * ratio * (torch.exp(delta) - delta - 1)).mean()
        return grpo

    def ppo() -> torch.Tensor:
        start = seq - min(RESPONSE, seq // 2)
        with torch.no_grad():
            old = token_logprobs(extra["reference"], ids, False)[:, start - 1:]
            score = extra["reward"](input_ids=ids).logits.squeeze(-1).float()
        logps = token_logprobs(model, ids, False)[:, start - 1:]
        values = extra["value_head"](extra["value"](input_ids=ids).last_hidden_state[:, start - 1:-1]).squeeze(-1)
        advantage = score[:, None] - values.detach().float()
        return -(torch.exp(logps - old) * advantage).mean() + ((values.float() - score[:, None]) ** 2).mean()
    return ppo


def check(r: TrainingRun, device: torch.device, scale: str, steps: int) -> dict[str, Any]:
    """Build the run's model(s), train `steps` steps; return the row of the table (OOM caught)."""
    fp16 = precision(r) == "fp16" and device.type == "cuda"
    tiny = scale == "tiny"
    rows = min(r.batch, 2) if tiny else r.batch
    rows *= 2 if r.objective in ("reward", "dpo") else 1
    seq, target = (min(r.seq, 64), min(r.target, 16)) if tiny else (r.seq, r.target)
    row: dict[str, Any] = {"run": r.key, "model": r.model, "method": r.method, "shape": f"{r.batch} x {r.seq}",
                           "est_gb": estimate(r)["total"] / 2**30, "peak_gb": None, "s_per_step": None, "status": "OK"}
    if r.method == "qlora" or "8bit" in r.optim:
        try:
            import bitsandbytes  # noqa: F401
        except ImportError:
            row["status"] = "no bitsandbytes"
            return row
    held: dict[str, Any] = {}
    try:
        dtype = torch.float16 if r.method == "qlora" and device.type == "cuda" else torch.float32
        model = build(r.model, r.objective, scale, device, dtype)
        vocab = model.config.vocab_size
        model = held["model"] = prepare(r, model, torch.float16 if device.type == "cuda" else torch.float32)
        if r.objective == "ppo":
            held["reference"] = copy.deepcopy(model).eval().requires_grad_(False)
            held["value"] = copy.deepcopy(model.base_model).train()
            held["value_head"] = nn.Linear(model.config.hidden_size, 1, device=device)
            reward = build(PPO_REWARD_MODEL, "reward", scale, device, torch.float32)
            held["reward"] = reward.eval().requires_grad_(False)
        trained = [p for m in held.values() for p in m.parameters() if p.requires_grad]
        held["optimizer"] = opt = optimizer(r, trained, device)
        loss_fn = make_step(r, model, held, rows, seq, target, vocab, device)
        scaler = torch.amp.GradScaler(device.type, enabled=fp16)
        if device.type == "cuda":  # a T4's 15 GiB from here on (the 7B qlora build passes through 13.5 GiB of fp16)
            gc.collect()
            torch.cuda.empty_cache()
            torch.cuda.set_per_process_memory_fraction(min(1.0, T4_BYTES / torch.cuda.mem_get_info()[1]))
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        for _ in range(steps):
            with torch.autocast(device.type, dtype=torch.float16, enabled=fp16):
                loss = loss_fn()
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            opt.zero_grad(set_to_none=True)
        if device.type == "cuda":
            torch.cuda.synchronize()
            row["peak_gb"] = torch.cuda.max_memory_allocated() / 2**30
        row["s_per_step"] = (time.perf_counter() - start) / steps
    except torch.OutOfMemoryError:
        row["status"] = "OOM"
    finally:
        held.clear()
        gc.collect()
        if device.type == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.set_per_process_memory_fraction(1.0)
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a markdown table."""
    lines = ["| run | model | method | batch x seq | est. GiB | peak GiB | s/step | status |", "|" + " --- |" * 8]
    for row in rows:
        peak = "" if row["peak_gb"] is None else f"{row['peak_gb']:.2f}"
        speed = "" if row["s_per_step"] is None else f"{row['s_per_step']:.2f}"
        lines.append(f"| {row['run']} | {row['model']} | {row['method']} | {row['shape']} | {row['est_gb']:.2f} | "
                     f"{peak} | {speed} | {row['status']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the checks; print (and with --out write) the table; exit 1 if any run ran out of memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default=",".join(RUNS), help="comma-separated run keys (default: all)")
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--scale", default="full", choices=["full", "tiny"])
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--out", help="also write the table here (.json: the rows as JSON, else markdown)")
    args = parser.parse_args(argv)
    keys = [k.strip() for k in args.runs.split(",") if k.strip()]
    unknown = [k for k in keys if k not in RUNS]
    if unknown:
        parser.error(f"unknown runs {', '.join(unknown)}; known: {', '.join(RUNS)}")
    device = torch.device(args.device)
    torch.manual_seed(0)
    rows = []
    for key in keys:
        rows.append(check(RUNS[key], device, args.scale, args.steps))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
    print(table(rows))
    if args.out:
        text = json.dumps(rows, indent=1) if args.out.endswith(".json") else table(rows)
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 1 if any(row["status"] == "OOM" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
