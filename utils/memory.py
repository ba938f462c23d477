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


def activation_bytes(layers: int, hidden: int, seq: int, batch: int = 1, checkpointing: bool = False) -> float:
    """Rule-of-thumb activation memory in 16-bit: ~34 s b h bytes per layer (Korthikanti et al. 2022, with
    memory-efficient attention); with checkpointing only each layer's input (2 s b h) plus one layer's worth."""
    per_layer = 34.0 * seq * batch * hidden
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
