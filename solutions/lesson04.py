"""Reference solutions of lesson 04's exercises."""

from __future__ import annotations

from torch import nn


def qlora_memory_bytes(n_params: int, quantized: int, trainable: int) -> float:
    """Weights (NF4 with double quant for `quantized`, bf16 for the rest, fp32 adapters) + adapter grads + Adam."""
    nf4_bits = 4 + 8 / 64 + 32 / (64 * 256)
    return quantized * nf4_bits / 8 + (n_params - quantized) * 2 + trainable * (4 + 4 + 8)


def adapter_bytes(config: dict, r: int, targets: list[str], bytes_per_value: int = 4) -> int:
    """Bytes of all LoRA A and B matrices on `targets` in every layer, at `bytes_per_value` bytes per number."""
    h, i = config["hidden_size"], config["intermediate_size"]
    q, kv = config["num_attention_heads"] * config["head_dim"], config["num_key_value_heads"] * config["head_dim"]
    shapes = {"q_proj": (q, h), "k_proj": (kv, h), "v_proj": (kv, h), "o_proj": (h, q), "gate_proj": (i, h),
              "up_proj": (i, h), "down_proj": (h, i)}
    per_layer = sum(r * sum(shapes[t]) for t in targets)
    return config["num_hidden_layers"] * per_layer * bytes_per_value


def find_linear_targets(model: nn.Module) -> list[str]:
    """Sorted unique last names of the model's nn.Linear layers (subclasses too), leaving out the output head."""
    head = model.get_output_embeddings()
    return sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules()
                   if isinstance(module, nn.Linear) and module is not head})
