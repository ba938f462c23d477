"""Training memory: what weights, gradients, optimizer states and activations cost, and a measured peak on CPU/GPU."""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

from utils.course.hub_facts import MODELS
from utils.course.runs import PPO_REWARD_MODEL, TrainingRun, run

NF4_DQ_BITS = 4 + 8 / 64 + 32 / (64 * 256)  # NF4 codes + 8-bit block scales + one fp32 per 256 scales


def training_bytes(n_params: int, method: str, trainable: int = 0, quantized: int = 0,
                   bits: float = NF4_DQ_BITS) -> dict[str, float]:
    """Bytes of weights, gradients and AdamW states for "full" (mixed precision), "lora" (bf16 base) or "qlora".

    full: bf16 weights 2 + fp32 master copy 4 + bf16 gradients 2 + Adam m and v 4 + 4 = 16 bytes per parameter.
    lora / qlora: the frozen base in bf16 (qlora: `quantized` of its parameters at `bits` each), and only the
    `trainable` adapter parameters in fp32 with their fp32 gradients and Adam states (4 + 4 + 8 bytes).
    """
    if method == "full":
        return {"weights": 6.0 * n_params, "gradients": 2.0 * n_params, "optimizer": 8.0 * n_params}
    if method not in ("lora", "qlora"):
        raise ValueError(f"method must be full, lora or qlora, not {method!r}")
    quantized = quantized if method == "qlora" else 0
    base = quantized * bits / 8 + (n_params - quantized) * 2.0
    return {"weights": base + 4.0 * trainable, "gradients": 4.0 * trainable, "optimizer": 8.0 * trainable}


def activation_bytes(layers: int, hidden: int, seq: int, batch: int = 1, checkpointing: bool = False,
                     per_token: float = 34.0) -> float:
    """Rule-of-thumb activation memory in 16-bit: ~34 s b h bytes per layer (Korthikanti et al. 2022, with
    memory-efficient attention; `per_token` changes the 34); with checkpointing only each layer's input (2 s b h) plus
    one layer's worth."""
    per_layer = per_token * seq * batch * hidden
    return 2.0 * seq * batch * hidden * layers + per_layer if checkpointing else per_layer * layers


class TensorMemory(TorchDispatchMode):
    """Live and peak bytes of torch tensors: those of `held` (modules, optimizers, tensors) at entry, plus every
    tensor an operator creates inside the block, until it is freed. Exact for what torch allocates; it does not
    see the Python interpreter, libraries or allocator caches (what a process's RSS adds on top)."""

    def __init__(self, *held: nn.Module | torch.optim.Optimizer | torch.Tensor) -> None:
        super().__init__()
        self.held, self.live, self.current, self.peak = held, {}, 0, 0

    def __enter__(self) -> TensorMemory:
        """Count what is already held, then start watching every operator."""
        for obj in self.held:
            for tensor in held_tensors(obj):
                self.track(tensor)
        self.peak = self.current
        return super().__enter__()

    def track(self, tensor: torch.Tensor) -> None:
        """Add a tensor's storage once; subtract it when the storage is freed."""
        if tensor.device.type == "meta":
            return
        storage = tensor.untyped_storage()
        key = storage.data_ptr()
        if storage.nbytes() == 0 or key in self.live:
            return
        self.live[key] = storage.nbytes()
        self.current += storage.nbytes()
        self.peak = max(self.peak, self.current)
        weakref.finalize(storage, self.free, key)

    def free(self, key: int) -> None:
        """A tracked storage was freed."""
        self.current -= self.live.pop(key, 0)

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        """Run the operator and track the tensors it returns."""
        out = func(*args, **(kwargs or {}))
        for leaf in tree_leaves(out):
            if isinstance(leaf, torch.Tensor):
                self.track(leaf)
        return out


def held_tensors(obj: nn.Module | torch.optim.Optimizer | torch.Tensor) -> Iterable[torch.Tensor]:
    """Parameters (with 4-bit quantization states), gradients and buffers of a module, states of an optimizer,
    or a tensor itself."""
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, nn.Module):
        for tensor in [*obj.parameters(), *obj.buffers()]:
            yield tensor
            if tensor.grad is not None:
                yield tensor.grad
            state = getattr(tensor, "quant_state", None)
            for part in (state, getattr(state, "state2", None)):
                yield from (getattr(part, name) for name in ("absmax", "code", "offset")
                            if isinstance(getattr(part, name, None), torch.Tensor))
    else:
        for state in obj.state.values():
            yield from (v for v in state.values() if isinstance(v, torch.Tensor))


def measure_peak(step: Callable[[], Any], steps: int, *held: nn.Module | torch.optim.Optimizer) -> dict[str, Any]:
    """Run `step` `steps` times; return peak bytes (CUDA: max_memory_allocated; CPU: TensorMemory) and s/step.

    On CPU the timing comes from a second, unwatched run of the same steps (watching every operator is slow)."""
    if torch.cuda.is_available():
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        for _ in range(steps):
            step()
        torch.cuda.synchronize()
        seconds = (time.perf_counter() - start) / steps
        return {"peak_bytes": torch.cuda.max_memory_allocated(), "s_per_step": seconds,
                "measured": "torch.cuda.max_memory_allocated"}
    with TensorMemory(*held) as meter:
        for _ in range(steps):
            step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return {"peak_bytes": meter.peak, "s_per_step": (time.perf_counter() - start) / steps,
            "measured": "live torch tensor bytes (TensorMemory)"}


T4_BYTES = 15 * 2**30  # what a T4 offers a process (nvidia-smi: 15360 MiB)
T4_MARGIN = 0.85  # a run may plan at most 85% of it: the CUDA context, fragmentation and what the estimate misses
FUSED_TOKENS, FUSED_VOCAB = 4096, 32768  # trl 1.16's fused LM head (SFT, DPO) scores tiles of tokens x vocabulary
GATED = ("llama", "mistral", "qwen2", "modernbert")  # MLPs of three matrices (gate, up, down) instead of two


def shapes(model: str) -> dict[str, int]:
    """Layers (encoder, decoder), widths, heads, vocabulary and embedding parameters of a hub model (hub_facts)."""
    c = MODELS[model].config
    hidden = c.get("hidden_size") or c.get("n_embd") or c["d_model"]
    heads = c.get("num_attention_heads") or c.get("n_head") or c["num_heads"]
    inner = c.get("intermediate_size") or c.get("d_ff") or 4 * hidden
    layers = c.get("num_hidden_layers") or c.get("n_layer") or c["num_layers"]
    kv = c.get("num_key_value_heads", heads) * hidden // heads
    tied = c.get("tie_word_embeddings", True)
    embeddings = c["vocab_size"] * hidden * (1 if tied else 2) + c.get("n_positions", 0) * hidden
    gated = c["model_type"] in GATED or c.get("feed_forward_proj", "").startswith("gated")
    return dict(hidden=hidden, heads=heads, inner=inner, layers=layers, decoder=c.get("num_decoder_layers", 0),
                kv=kv, vocab=c["vocab_size"], embeddings=embeddings, gated=int(gated), params=MODELS[model].params)


def lora_params(model: str, r: int) -> int:
    """Trainable parameters of LoRA rank r on every linear layer but the head: r (in + out) per matrix."""
    s = shapes(model)
    h, kv, i = s["hidden"], s["kv"], s["inner"]
    per_layer = 16 * h if MODELS[model].config["model_type"] == "gpt2" else 9 * h + 2 * kv + 3 * i
    return r * per_layer * s["layers"]


def precision(r: TrainingRun) -> str:
    """"fp32" for hand-written loops (no autocast) and T5 (the lessons turn fp16 off: it overflows), else "fp16"
    (mixed: a T4 has no bf16)."""
    return "fp32" if r.loop == "hand" or r.objective == "seq2seq" else "fp16"


def activations(r: TrainingRun, model: str | None = None) -> float:
    """Activation bytes kept for the backward pass of one micro-batch: ~(15 + MLP) s b h per layer in 16-bit (the
    MLP term from the real widths), x2 in fp32, x1.25 in fp16 mixed (residual stream and norms stay fp32)."""
    s = shapes(model or r.model)
    h = s["hidden"]
    mlp = 3 + (8 if s["gated"] else 4) * s["inner"] / h
    rows = r.batch * (2 if r.objective in ("reward", "dpo") else 1)
    acts = activation_bytes(s["layers"], h, r.seq, rows, r.checkpointing, per_token=15 + mlp)
    if s["decoder"]:  # encoder-decoder: the decoder at the target length, plus K and V of the source per layer
        acts += activation_bytes(s["decoder"], h, r.target, rows, r.checkpointing, per_token=25 + mlp)
        acts += 4.0 * r.seq * rows * h * s["decoder"]
    return acts * (2.0 if precision(r) == "fp32" else 1.25)


def logits(r: TrainingRun) -> float:
    """Bytes of the output head for the loss: fp32 logits and their softmax gradient, or trl's fused tiles."""
    s = shapes(r.model)
    if r.objective in ("classification", "token", "reward"):
        return 0.0
    rows = r.batch * (2 if r.objective == "dpo" else 1)
    length = r.target if r.objective == "seq2seq" else r.seq
    if r.loop == "trl":
        return min(rows * length, FUSED_TOKENS) * min(s["vocab"], FUSED_VOCAB) * 4.0 * 2
    return rows * length * s["vocab"] * 4.0 * 2


def estimate(r: TrainingRun) -> dict[str, float]:
    """Peak GPU bytes of a training run on a T4 by part: weights, adapters, gradients, optimizer, activations,
    logits, other models (PPO's value, reference and reward models; GRPO's generation KV cache) and "total"."""
    s = shapes(r.model)
    n = s["params"]
    per_state = 2.0 if "8bit" in r.optim else 8.0  # AdamW: fp32 m and v; bitsandbytes 8-bit: 1 byte each
    if r.method == "full":
        trainable = n
        weights = 4.0 * n + (2.0 * n if precision(r) == "fp16" else 0.0)  # fp32 master + autocast's fp16 copies
        adapters = 0.0
    elif r.method in ("lora", "qlora"):
        trainable = lora_params(r.model, r.lora_r)
        quantized = n - s["embeddings"] if r.method == "qlora" else 0  # NF4 linears; the rest fp32 after
        weights = training_bytes(n, r.method, 0, quantized)["weights"] + 2.0 * (n - quantized)  # prepare_model_...
        adapters = 4.0 * trainable
    else:
        raise ValueError(f"method must be full, lora or qlora, not {r.method!r}")
    parts = {"weights": weights, "adapters": adapters, "gradients": 4.0 * trainable, "optimizer": per_state * trainable,
             "activations": activations(r), "logits": logits(r), "other models": 0.0}
    if r.objective == "ppo":  # value model: a trained trunk copy; reference and reward model frozen, fp32
        trunk = n - (0 if MODELS[r.model].config.get("tie_word_embeddings", True) else s["vocab"] * s["hidden"])
        parts["other models"] = (4.0 + 4.0 + per_state) * trunk + 4.0 * n + 4.0 * MODELS[PPO_REWARD_MODEL].params
        parts["activations"] *= 2  # policy and value graphs are both alive at backward
    if r.objective == "grpo":  # generation's KV cache: K and V per layer for every completion, 16-bit
        parts["other models"] = 2.0 * 2 * s["layers"] * s["kv"] * r.seq * r.batch
    parts["total"] = sum(parts.values())
    return parts


def fits(r: TrainingRun) -> bool:
    """Whether the run's estimate stays within T4_MARGIN of a T4."""
    return estimate(r)["total"] <= T4_MARGIN * T4_BYTES


def describe(r: TrainingRun) -> str:
    """The estimate as a short table in GiB with the verdict against a 15 GiB T4."""
    shape = f"{r.batch} x {r.seq}" + (f" -> {r.target}" if r.target else "")
    lines = [f"{r.key}: {r.model}, {r.method}, {r.objective}, batch {shape}, grad_accum {r.grad_accum}, "
             f"checkpointing {'on' if r.checkpointing else 'off'}, {r.optim}, {precision(r)}"]
    lines += [f"  {part:<13}{size / 2**30:7.2f} GiB" for part, size in estimate(r).items() if size]
    verdict = "fits" if fits(r) else "does NOT fit"
    lines.append(f"  estimated peak {verdict} a T4 ({T4_MARGIN:.0%} of {T4_BYTES / 2**30:.0f} GiB)")
    return "\n".join(lines)


def announce(key: str, profile: Any) -> None:
    """Print the estimated T4 peak of run `key` before it trains in `full` or in a smoke run; nothing otherwise."""
    if profile.name == "full" or profile.smoke:
        print(describe(run(key)))

