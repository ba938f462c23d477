"""QLoRA memory of a Mistral-7B-shaped model with random weights: weights and peak training memory per sequence length.

    python benchmarks/qlora_memory.py                  # full: the Mistral-7B architecture in NF4 on a CUDA GPU
    python benchmarks/qlora_memory.py --profile tiny   # a tiny Mistral on CPU in seconds (what tests/ runs)

Nothing is downloaded: the model is built from its config on the meta device (no memory), then each linear layer
gets random bf16 weights on the device and is quantized to NF4 with double quantization at once, one layer at a
time, so the full-precision model never exists. LoRA (r=16, all linear layers), gradient checkpointing, AdamW,
batch 1. Peak memory is torch.cuda.max_memory_allocated on a GPU, less what the process had allocated before the
benchmark started, and live torch tensor bytes on CPU (utils.memory).
"""

from __future__ import annotations

import argparse
import sys
import warnings

import torch
from torch import nn

from utils.lora import set_module
from utils.memory import NF4_DQ_BITS, TensorMemory, measure_peak
from utils.quantization import keep_4bit_layout

MISTRAL_7B = dict(vocab_size=32000, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
                  num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=32768,
                  sliding_window=4096, tie_word_embeddings=False)
TINY_MISTRAL = dict(vocab_size=3000, hidden_size=128, intermediate_size=384, num_hidden_layers=4, num_attention_heads=4,
                    num_key_value_heads=2, head_dim=32, max_position_embeddings=1024, sliding_window=None,
                    tie_word_embeddings=False)
SETTINGS = {"full": (MISTRAL_7B, (512, 2048)), "tiny": (TINY_MISTRAL, (64, 256))}
GOAL_GB = 6.0  # the QLoRA promise: a 7B model fine-tunes on a 512-token batch in under 6 GB


def nf4_linear(linear: nn.Linear, device: torch.device, dtype: torch.dtype) -> nn.Module:
    """A bitsandbytes Linear4bit (NF4, double quantization) holding random weights of `linear`'s shape."""
    import bitsandbytes as bnb

    with torch.device("meta"):
        layer = bnb.nn.Linear4bit(linear.in_features, linear.out_features, bias=False, compute_dtype=dtype,
                                  compress_statistics=True, quant_type="nf4")
    weight = torch.randn(linear.out_features, linear.in_features, device=device, dtype=dtype) * 0.02
    layer.weight = bnb.nn.Params4bit(weight, requires_grad=False, quant_type="nf4", compress_statistics=True,
                                     module=layer).to(device)  # moving an unquantized Params4bit quantizes it
    return layer


def build_nf4_model(config_kwargs: dict, device: torch.device, dtype: torch.dtype) -> nn.Module:
    """A random-weight MistralForCausalLM whose linear layers (not the head) are NF4, the rest in `dtype`."""
    from transformers import MistralConfig, MistralForCausalLM
    from transformers.models.mistral.modeling_mistral import MistralRotaryEmbedding

    config = MistralConfig(**config_kwargs, use_cache=False)
    with torch.device("meta"):
        model = MistralForCausalLM(config)
    head = model.get_output_embeddings()
    for name, module in list(model.named_modules()):
        if type(module) is nn.Linear and module is not head:
            set_module(model, name, nf4_linear(module, device, dtype))
    for module in model.modules():
        if any(p.is_meta for p in module.parameters(recurse=False)):
            module.to_empty(device=device, recurse=False).to(dtype)
            with torch.no_grad():
                for name, param in module.named_parameters(recurse=False):
                    param.normal_(0, 0.02) if name == "weight" and param.dim() == 2 else param.fill_(1.0)
    with torch.device(device):  # its inverse frequencies are computed, not loaded: compute them on the device
        model.model.rotary_emb = MistralRotaryEmbedding(config)
    keep_4bit_layout(model)
    return model


def add_lora(model: nn.Module, r: int = 16) -> nn.Module:
    """Freeze the base, checkpoint each layer, add LoRA on every linear layer (peft), as a QLoRA run does."""
    from peft import LoraConfig, get_peft_model

    model.requires_grad_(False)
    model.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
    return get_peft_model(model, LoraConfig(r=r, lora_alpha=2 * r, target_modules="all-linear",
                                            task_type="CAUSAL_LM")).train()  # checkpointing acts in training mode


def expected_weight_bytes(model: nn.Module) -> float:
    """Weights at 4.127 bits for the NF4 layers' values and full size for every other parameter."""
    total = 0.0
    for param in model.parameters():
        quant_state = getattr(param, "quant_state", None)
        total += (torch.Size(quant_state.shape).numel() * NF4_DQ_BITS / 8 if quant_state is not None
                  else param.numel() * param.element_size())
    return total


def held_bytes(model: nn.Module) -> int:
    """Bytes the model's tensors hold now (GPU: allocated memory; CPU: its tensors' storages)."""
    if torch.cuda.is_available():
        return torch.cuda.memory_allocated()
    with TensorMemory(model) as meter:
        return meter.current


def run(profile: str, steps: int, lengths: list[int] | None = None, seed: int = 0) -> list[dict]:
    """Build the model once, train `steps` steps at each sequence length; one result row per length."""
    config, default_lengths = SETTINGS[profile]
    lengths = lengths or list(default_lengths)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    torch.manual_seed(seed)
    before = torch.cuda.memory_allocated() if device.type == "cuda" else 0  # not the benchmark's: left out
    model = add_lora(build_nf4_model(config, device, dtype))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-4)
    weights = held_bytes(model) - before
    rows = []
    for length in lengths:
        ids = torch.randint(3, config["vocab_size"], (1, length), device=device)
        losses = []

        def step(ids: torch.Tensor = ids, losses: list = losses) -> None:
            loss = model(input_ids=ids, labels=ids).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())

        result = measure_peak(step, steps, model, optimizer)
        rows.append({"seq": length, "weights": weights, "expected": expected_weight_bytes(model),
                     "peak": result["peak_bytes"] - before, "s_per_step": result["s_per_step"],
                     "trainable": sum(p.numel() for p in trainable),
                     "finite": bool(torch.tensor(losses).isfinite().all()),
                     "measured": result["measured"], "device": device.type})
    return rows


def report(profile: str, rows: list[dict]) -> str:
    """The table this script prints (GB = 10^9 bytes in full, MB = 10^6 bytes in tiny)."""
    first = rows[0]
    unit, scale = ("GB", 1e9) if profile == "full" else ("MB", 1e6)
    lines = [f"QLoRA memory, profile {profile} on {first['device']} ({first['measured']}); "
             f"LoRA r=16 on all linear layers: {first['trainable']:,} trainable parameters; batch 1",
             f"{'tokens':>7}{'weights ' + unit:>12}{'expected ' + unit:>13}{'peak ' + unit:>10}{'s/step':>9}"]
    lines += [f"{r['seq']:>7}{r['weights'] / scale:>12.3f}{r['expected'] / scale:>13.3f}{r['peak'] / scale:>10.3f}"
              f"{r['s_per_step']:>9.2f}" for r in rows]
    if profile == "full":
        peak = rows[0]["peak"] / 1e9
        verdict = "meets" if peak <= GOAL_GB else "misses"
        lines.append(f"Peak at {rows[0]['seq']} tokens: {peak:.2f} GB, which {verdict} the goal of "
                     f"<= {GOAL_GB:.0f} GB.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: pick the profile, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=list(SETTINGS), default="full")
    parser.add_argument("--steps", type=int, default=3, help="training steps per sequence length")
    parser.add_argument("--lengths", type=int, nargs="+", help="sequence lengths (default: 512 2048 in full)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=FutureWarning)  # transformers' renamed-API notices
    if args.profile == "full" and not torch.cuda.is_available():
        print("No CUDA GPU here: the full-size run (Mistral-7B in NF4, about 4-6 GB) needs one. "
              "Run `python benchmarks/qlora_memory.py --profile tiny` for the CPU version.")
        return 2
    rows = run(args.profile, args.steps, args.lengths)
    print(report(args.profile, rows))
    return 0 if all(r["finite"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
