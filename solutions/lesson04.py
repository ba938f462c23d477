"""Reference solutions of lesson 04's exercises."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


def find_linear_targets(model: nn.Module) -> list[str]:
    """Sorted unique last names of the model's nn.Linear layers (subclasses too), leaving out the output head."""
    head = model.get_output_embeddings()
    return sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules()
                   if isinstance(module, nn.Linear) and module is not head})


def prepare_for_kbit(model: Any) -> Any:
    """Freeze a 4-bit model, cast its 16-bit parameters (not the 4-bit weights) to fp32, turn on gradient checkpointing
    and make the input embeddings' output require grad; return the model."""
    for param in model.parameters():
        param.requires_grad = False
        if param.dtype in (torch.float16, torch.bfloat16) and type(param).__name__ != "Params4bit":
            param.data = param.data.to(torch.float32)
    model.activation_checkpointing_enable()
    model.enable_input_require_grads()
    return model


def merge_qlora_layer(lora_layer: nn.Module) -> nn.Linear:
    """A plain fp32 nn.Linear (no bias) whose weight is the dequantized 4-bit base weight plus (alpha / r) B A."""
    import bitsandbytes.functional as bnbF

    base = lora_layer.base_layer
    weight = bnbF.dequantize_4bit(base.weight.data, base.weight.quant_state).float()
    A, B = lora_layer.lora_A["default"].weight.float(), lora_layer.lora_B["default"].weight.float()
    merged = nn.Linear(base.in_features, base.out_features, bias=False)
    with torch.no_grad():
        merged.weight.copy_(weight + lora_layer.scaling["default"] * (B @ A))
    return merged
