"""Visible checks for lesson 07's exercises (fine-tuning any LLM with one command)."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn
from transformers.pytorch_utils import Conv1D

from utils.checking import exercise, expect
from utils.finetune.config import optimizer_steps as reference_steps
from utils.finetune.model import lora_targets as reference_targets


@exercise("7.1", "detect_schema")
def check_detect_schema(detect_schema: Callable[[list[str]], str | None]) -> None:
    """detect_schema picks the first schema whose columns are all there, in the documented order."""
    cases = [(["messages"], "chat"), (["messages", "id", "text"], "chat"),
             (["prompt", "completion"], "prompt_completion"), (["prompt", "chosen", "rejected"], "preference"),
             (["rejected", "chosen", "prompt", "completion"], "preference"),
             (["instruction", "input", "output"], "alpaca"), (["output", "instruction"], "alpaca"), (["text"], "text"),
             (["text", "label"], "text"), (["question", "answer"], None), ([], None), (["prompt"], None),
             (["instruction", "input"], None)]
    for columns, want in cases:
        got = detect_schema(list(columns))
        if want is None:
            expect(got is None, f"detect_schema({columns}) should be None (no schema fits), got {got!r}")
        else:
            expect(type(got) is str, f"detect_schema({columns}) should return a str, got {type(got).__name__}")
            expect(got == want, f"detect_schema({columns}) should be {want!r}, got {got!r}")


def _toy_models() -> list:
    """Three small module trees shaped like GPT-2 (Conv1D layers), Llama and GPT-NeoX (head named embed_out)."""
    class Toy(nn.Module):
        def __init__(self, name: str, blocks: dict[str, dict[str, nn.Module]], head: str) -> None:
            super().__init__()
            self.name = name
            self.embed = nn.Embedding(20, 8)
            self.layers = nn.ModuleList(nn.ModuleDict({part: nn.ModuleDict(mods) for part, mods in blocks.items()})
                                        for _ in range(2))
            self.norm = nn.LayerNorm(8)
            setattr(self, head, nn.Linear(8, 20, bias=False))
            self.head_name = head

        def get_output_embeddings(self) -> nn.Module:
            return getattr(self, self.head_name)

    gpt2 = {"attn": {"c_attn": Conv1D(24, 8), "c_proj": Conv1D(8, 8)}, "mlp": {"c_fc": Conv1D(32, 8),
                                                                                "c_proj": Conv1D(8, 32)}}
    llama = {"self_attn": {p: nn.Linear(8, 8) for p in ("q_proj", "k_proj", "v_proj", "o_proj")},
             "mlp": {"gate_proj": nn.Linear(8, 16), "up_proj": nn.Linear(8, 16), "down_proj": nn.Linear(16, 8),
                     "act": nn.SiLU()}}
    neox = {"attention": {"query_key_value": nn.Linear(8, 24), "dense": nn.Linear(8, 8)},
            "mlp": {"dense_h_to_4h": nn.Linear(8, 32), "dense_4h_to_h": nn.Linear(32, 8)}}
    return [Toy("GPT-2-like", gpt2, "lm_head"), Toy("Llama-like", llama, "lm_head"),
            Toy("NeoX-like", neox, "embed_out")]


@exercise("7.2", "lora_targets")
def check_lora_targets(lora_targets: Callable) -> None:
    """lora_targets lists the linear layers by short name, sorted, without the output head."""
    for model in _toy_models():
        got, want = lora_targets(model), reference_targets(model)
        kind = model.name
        expect(type(got) is list, f"lora_targets({kind}) should return a list, got {type(got).__name__}")
        expect(all(type(name) is str for name in got), f"lora_targets({kind}) should hold str names")
        head = next(n for n, m in model.named_modules() if m is model.get_output_embeddings()).rsplit(".", 1)[-1]
        expect(head not in got, f"lora_targets({kind}) includes the output head {head!r}; leave it out")
        expect(got == sorted(set(got)), f"lora_targets({kind}) should be sorted and without repeats, got {got}")
        expect(got == want, f"lora_targets({kind}) should be {want}, got {got}")


@exercise("7.3", "optimizer_steps")
def check_optimizer_steps(optimizer_steps: Callable[..., int]) -> None:
    """optimizer_steps follows the Trainer's arithmetic."""
    cases = [(100, 8, 1, 1, 1.0), (100, 8, 4, 1, 1.0), (100, 8, 1, 2, 1.0), (100, 8, 1, 1, 2.5), (7, 8, 4, 1, 1.0),
             (1001, 8, 2, 4, 1.0), (64, 8, 8, 1, 3.0), (10, 3, 2, 3, 0.5), (5000, 16, 3, 8, 1.0)]
    for rows, batch, accum, processes, epochs in cases:
        got = optimizer_steps(rows, batch, accum, processes, epochs)
        want = reference_steps(rows, batch, accum, processes, epochs)
        call = f"optimizer_steps({rows}, {batch}, grad_accum={accum}, processes={processes}, epochs={epochs})"
        expect(type(got) is int, f"{call} should return an int, got {type(got).__name__}")
        expect(got == want, f"{call} should be {want}, got {got}")
