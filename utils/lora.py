"""LoRA from scratch: a low-rank adapter around nn.Linear, injecting it into a model, merging, parameter counts."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import torch
from torch import Tensor, nn

# The linear layers of one Llama/Mistral decoder layer: attention projections, then the SwiGLU MLP.
ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")
MLP = ("gate_proj", "up_proj", "down_proj")


class LoRALinear(nn.Module):
    """y = W x + b + (alpha / r) * B A x, with W, b frozen, A (r x k) random and B (d x r) zero at the start.

    With rslora=True the scaling is alpha / sqrt(r) (rank-stabilised LoRA, Kalajdzievski 2023; peft's use_rslora)."""

    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0,
                 rslora: bool = False) -> None:
        super().__init__()
        self.base = base.requires_grad_(False)
        self.r, self.alpha = r, alpha
        self.scaling = alpha / math.sqrt(r) if rslora else alpha / r
        like = {"dtype": base.weight.dtype, "device": base.weight.device}
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, **like))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, **like))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))  # peft's default: A random, B zero, so B A = 0
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def delta_weight(self) -> Tensor:
        """The update the adapter adds to W: (alpha / r) * B A, a d x k matrix of rank <= r."""
        return self.scaling * (self.lora_B @ self.lora_A)

    def forward(self, x: Tensor) -> Tensor:
        """Frozen path plus the low-rank path, without ever forming B A."""
        return self.base(x) + self.scaling * (self.dropout(x) @ self.lora_A.T @ self.lora_B.T)

    def merged(self) -> nn.Linear:
        """A plain nn.Linear whose weight is W + (alpha / r) B A: same outputs, no extra matmuls."""
        out = nn.Linear(self.base.in_features, self.base.out_features, bias=self.base.bias is not None,
                        dtype=self.base.weight.dtype, device=self.base.weight.device)
        with torch.no_grad():
            out.weight.copy_(self.base.weight + self.delta_weight())
            if self.base.bias is not None:
                out.bias.copy_(self.base.bias)
        return out


def set_module(model: nn.Module, name: str, module: nn.Module) -> None:
    """Put `module` at dotted path `name` inside `model`."""
    parent, _, child = name.rpartition(".")
    setattr(model.get_submodule(parent) if parent else model, child, module)


def inject_lora(model: nn.Module, targets: Iterable[str], r: int = 8, alpha: float = 16.0,
                dropout: float = 0.0, rslora: bool = False) -> list[str]:
    """Freeze `model` and wrap every nn.Linear whose last name is in `targets` in a LoRALinear; return their names."""
    targets = set(targets)
    model.requires_grad_(False)
    names = [name for name, module in model.named_modules()
             if type(module) is nn.Linear and name.rsplit(".", 1)[-1] in targets]
    for name in names:
        set_module(model, name, LoRALinear(model.get_submodule(name), r, alpha, dropout, rslora))
    return names


def merge_lora(model: nn.Module) -> int:
    """Replace every LoRALinear in `model` by its merged nn.Linear; return how many were merged."""
    names = [name for name, module in model.named_modules() if isinstance(module, LoRALinear)]
    for name in names:
        set_module(model, name, model.get_submodule(name).merged())
    return len(names)


def lora_param_count(d: int, k: int, r: int) -> int:
    """Trainable parameters LoRA adds to one d x k weight: A has r*k, B has d*r, so r*(d + k)."""
    return r * (d + k)


def linear_shapes(config: Any) -> dict[str, tuple[int, int]]:
    """(out, in) of each linear layer of one decoder layer of a Llama/Mistral-family config."""
    h, i = config.hidden_size, config.intermediate_size
    head_dim = getattr(config, "head_dim", None) or h // config.num_attention_heads
    q, kv = config.num_attention_heads * head_dim, config.num_key_value_heads * head_dim
    return {"q_proj": (q, h), "k_proj": (kv, h), "v_proj": (kv, h), "o_proj": (h, q),
            "gate_proj": (i, h), "up_proj": (i, h), "down_proj": (h, i)}


def lora_params_for_config(config: Any, r: int, targets: Iterable[str]) -> int:
    """LoRA's trainable parameters on `targets` in every decoder layer: layers * sum of r*(d + k)."""
    shapes = linear_shapes(config)
    return config.num_hidden_layers * sum(lora_param_count(*shapes[t], r) for t in targets)


def param_count_from_config(config: Any) -> int:
    """All parameters of a Llama/Mistral-family causal LM, by arithmetic: embeddings, layers, final norm, head."""
    h, v = config.hidden_size, config.vocab_size
    per_layer = sum(d * k for d, k in linear_shapes(config).values()) + 2 * h  # linears + two RMSNorms
    head = 0 if config.tie_word_embeddings else v * h
    return v * h + config.num_hidden_layers * per_layer + h + head
