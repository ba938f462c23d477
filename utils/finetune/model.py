"""Models for utils.finetune: load any causal LM and its tokenizer, fix pad/chat template, pick the adapter, reload
and merge results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from utils.course.profiles import smoke_new_tokens
from utils.errors import CourseError
from utils.tokenizer import CHAT_TEMPLATE

if TYPE_CHECKING:
    from utils.finetune.config import FinetuneConfig

CHAT_TOKENS = ("<|im_start|>", "<|im_end|>")
PAD_TOKEN = "<|pad|>"
# ChatML for tokenizers without <|im_start|>/<|im_end|> tokens: the markers are plain text, and the eos token ends
# each assistant turn (inside the generation markers, so it is trained and generation stops there).
TEXT_CHATML = (
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "{{ '<|im_start|>assistant\n' }}{% generation %}{{ message['content'] + '<|im_end|>' + eos_token }}"
    "{% endgeneration %}{{ '\n' }}"
    "{% else %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def check_model_source(name: str) -> None:
    """Refuse a model that is neither a local model folder nor reachable on the hub, in one sentence."""
    from transformers import AutoConfig

    path = Path(name).expanduser()
    if path.exists() and not (path / "config.json").is_file():
        raise CourseError(f"The folder {path} holds no config.json, so it is not a saved model.")
    from utils.course.models import from_hub

    try:
        from_hub(AutoConfig, name)
    except CourseError:
        raise
    except Exception as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0].rstrip(".")
        raise CourseError(f"The model {name!r} is not a local model folder and could not be loaded from the "
                          f"Hugging Face Hub ({first}).") from None


def load_training_tokenizer(name: str):
    """The model's tokenizer, padding on the right (what training collators expect)."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(name)
    except Exception as err:
        raise CourseError(f"The model {name!r} has no tokenizer that transformers can load ({err}).") from None
    tokenizer.padding_side = "right"
    return tokenizer


def fix_pad_token(tokenizer) -> str | None:
    """Give a pad-less tokenizer a pad token (reuse unk if distinct from eos, else add <|pad|>); say what was done."""
    if tokenizer.pad_token is not None:
        return None
    if tokenizer.unk_token is not None and tokenizer.unk_token != tokenizer.eos_token:
        tokenizer.pad_token = tokenizer.unk_token
        return f"The tokenizer has no pad token: reusing its unk token {tokenizer.unk_token!r} for padding."
    tokenizer.add_special_tokens({"pad_token": PAD_TOKEN})
    return (f"The tokenizer has no pad token and no separate unk token: added {PAD_TOKEN!r} (id "
            f"{tokenizer.pad_token_id}) and resized the embeddings; padding is never attended to nor trained on.")


def add_chat_template(tokenizer) -> str:
    """Give a template-less tokenizer a ChatML template without adding tokens; return a note saying which."""
    if all(token in tokenizer.get_vocab() for token in CHAT_TOKENS):
        tokenizer.chat_template = CHAT_TEMPLATE
        return "The tokenizer has no chat template and the data is chat: using ChatML with its own ChatML tokens."
    if tokenizer.eos_token is None:
        raise CourseError("The tokenizer has neither a chat template nor an eos token to end turns with; give it a "
                          "chat template first.")
    tokenizer.chat_template = TEXT_CHATML
    return ("The tokenizer has no chat template and the data is chat: using ChatML with its markers as plain text and "
            f"each assistant turn ending in its eos token {tokenizer.eos_token!r} (no tokens added).")


def chat_loss_mode(tokenizer) -> tuple[str, str | None]:
    """How to keep the loss on assistant turns: "assistant" (template marks them) or "last_turn" (trained on the last
    assistant turn as a completion, which works with any template); with a note when it is not "assistant"."""
    from trl.chat_template_utils import get_training_chat_template, has_generation_markers

    if has_generation_markers(tokenizer.chat_template):
        return "assistant", None
    try:
        get_training_chat_template(tokenizer)
        return "assistant", "The chat template has no {% generation %} markers: trl's training version of it marks "\
                            "the assistant turns."
    except ValueError:
        return "last_turn", ("The chat template cannot mark assistant turns ({% generation %}): each conversation "
                             "is trained on its last assistant turn only, with the earlier messages as the prompt.")


def lora_targets(model: nn.Module) -> list[str]:
    """Sorted short names of every linear layer (nn.Linear, incl. 4-bit, and GPT-2's Conv1D) except the output head:
    what peft's "all-linear" picks, found from the model itself rather than from a per-architecture list."""
    from transformers.pytorch_utils import Conv1D

    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    return sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules()
                   if isinstance(module, (nn.Linear, Conv1D)) and module is not head and name})


@torch.no_grad()
def packing_is_exact(model: nn.Module) -> bool:
    """Probe: do two examples packed in one row (position ids restarting, no attention mask) give the same logits as
    each example alone? True where the model builds a block-diagonal mask; False where attention leaks across."""
    vocab = model.get_input_embeddings().num_embeddings
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(0)
    first, second = (torch.randint(0, vocab, (1, n), generator=generator).to(device) for n in (12, 8))
    positions = torch.cat([torch.arange(12), torch.arange(8)])[None].to(device)
    training, use_cache = model.training, getattr(model.config, "use_cache", None)
    model.eval()
    model.config.use_cache = False
    try:
        alone = model(second).logits.float()
        packed = model(torch.cat([first, second], 1), position_ids=positions).logits[:, 12:].float()
    finally:
        model.train(training)
        model.config.use_cache = use_cache
    dtype = next(model.parameters()).dtype
    tolerance = 1e-3 if dtype == torch.float32 and not getattr(model, "is_loaded_in_4bit", False) else 3e-2
    return bool((packed - alone).abs().max() <= tolerance * alone.abs().max().clamp(min=1.0))


def resize_for(model: nn.Module, tokenizer) -> bool:
    """Grow the embeddings (and an untied head) to the tokenizer's size if tokens were added; True if it resized."""
    if len(tokenizer) <= model.get_input_embeddings().num_embeddings:
        return False
    model.resize_token_embeddings(len(tokenizer), mean_resizing=True)
    return True


def precision() -> tuple[torch.dtype, dict[str, bool]]:
    """Weights dtype and Trainer precision flags: bf16 on GPUs that have it, fp16 mixed on older GPUs, fp32 on CPU."""
    from utils.course.device import pick_dtype, weights_dtype

    compute = pick_dtype()
    return weights_dtype(), {"bf16": compute == torch.bfloat16, "fp16": compute == torch.float16}


def load_model(cfg: FinetuneConfig, tokenizer: Any, notes: list[str], dtype: torch.dtype) -> Any:
    """Load the causal LM (4-bit for qlora), with SDPA attention where the architecture has it; resize if needed."""
    from accelerate import PartialState
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    from utils.course.device import pick_dtype

    kwargs: dict[str, Any] = {"dtype": dtype, "attn_implementation": cfg.attn_implementation}
    if cfg.adapter_type == "qlora":
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=pick_dtype())
        if torch.cuda.is_available():
            kwargs["device_map"] = {"": PartialState().local_process_index}
    try:
        model = AutoModelForCausalLM.from_pretrained(cfg.model, **kwargs)
    except (ValueError, ImportError) as err:
        if cfg.attn_implementation == "eager" or "attn" not in str(err).lower():
            raise
        kwargs["attn_implementation"] = "eager"
        model = AutoModelForCausalLM.from_pretrained(cfg.model, **kwargs)
        notes.append(f"{type(model).__name__} has no {cfg.attn_implementation} attention here: using eager.")
    for module in model.modules():  # bitsandbytes 0.50 repacks 4-bit CPU weights for inference on the first eval
        if hasattr(module, "support_avx512bf16_for_cpu"):  # forward, after which training fails: keep one layout
            module.support_avx512bf16_for_cpu = False
    resize_for(model, tokenizer)
    model.config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    if CHAT_TOKENS[1] in tokenizer.get_vocab() and CHAT_TOKENS[1] in (tokenizer.chat_template or ""):
        stop_at_end_of_turn(model, tokenizer)
    return model


def stop_at_end_of_turn(model: Any, tokenizer: Any) -> None:
    """Make generation stop at ChatML's <|im_end|> as well as at the eos token."""
    end = tokenizer.convert_tokens_to_ids(CHAT_TOKENS[1])
    eos = model.generation_config.eos_token_id
    eos = [] if eos is None else [eos] if isinstance(eos, int) else list(eos)
    if end not in eos:
        model.generation_config.eos_token_id = [*eos, end]


def peft_config(cfg: FinetuneConfig, model: nn.Module) -> Any:
    """The adapter of --adapter-type lora, qlora or dora on --target-modules (default: every linear layer but the
    output head), with rank-stabilized scaling if --use-rslora."""
    from peft import LoraConfig
    from transformers.pytorch_utils import Conv1D

    linear = lora_targets(model)
    targets = [name.strip() for name in cfg.target_modules.split(",") if name.strip()] if cfg.target_modules else linear
    missing = sorted(set(targets) - set(linear))
    if missing or not targets:
        raise CourseError(f"--target-modules {cfg.target_modules!r} names no linear layer {', '.join(missing)} of this "
                          f"model; its linear layers are: {', '.join(linear)}.")
    conv1d = any(isinstance(module, Conv1D) for module in model.modules())  # GPT-2 style (in, out) weights
    return LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout, target_modules=targets,
                      fan_in_fan_out=conv1d, use_dora=cfg.adapter_type == "dora", use_rslora=cfg.use_rslora,
                      task_type="CAUSAL_LM")


def merge_adapter(out: Path, notes: list[str], target: Path | None = None) -> Path | None:
    """Merge the adapter in `out` into an fp32 copy of its base on the CPU (no rounding of base + adapter on the way)
    and save it (with tokenizer) to `target` (default out/merged) in the training weights dtype (bf16 where the GPU
    has it, else fp32)."""
    if not (out / "adapter_config.json").is_file():
        notes.append("--merge: a full fine-tune is already a complete model, so there is nothing to merge.")
        return None
    model, tokenizer = load_finetuned(out, dtype=torch.float32, device="cpu")
    merged = model.merge_and_unload().to(precision()[0])
    target = target or out / "merged"
    merged.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


def load_finetuned(path: str | Path, merged: bool = False, dtype: torch.dtype | None = None,
                   device: str | torch.device | None = None):
    """Load a fine-tune's output folder: (model, tokenizer) in eval mode on `device` in `dtype` (default: where and as
    utils.course.models puts models: the GPU outside tiny, bf16 where the GPU has it, else fp32); an adapter is put on
    a copy of its base (resized to the tokenizer if tokens were added); `merged=True` loads path/merged instead."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from utils.course.device import pick_device, weights_dtype
    from utils.course.models import from_hub

    path = Path(path) / "merged" if merged else Path(path)
    if not ((path / "adapter_config.json").is_file() or (path / "config.json").is_file()):
        raise CourseError(f"There is no fine-tuned model in {path}.")
    tokenizer = AutoTokenizer.from_pretrained(path)
    device = torch.device(device) if device is not None else pick_device()
    dtype = dtype or weights_dtype(device)
    if (path / "adapter_config.json").is_file():
        from peft import PeftConfig, PeftModel

        base_name = PeftConfig.from_pretrained(path).base_model_name_or_path
        base = from_hub(AutoModelForCausalLM, base_name, dtype=dtype)
        resize_for(base, tokenizer)
        model = PeftModel.from_pretrained(base, path)
    else:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype)
    if CHAT_TOKENS[1] in tokenizer.get_vocab() and CHAT_TOKENS[1] in (tokenizer.chat_template or ""):
        stop_at_end_of_turn(model, tokenizer)
    return model.to(device).eval(), tokenizer


@torch.no_grad()
def logit_gap(first: Any, second: Any, inputs: dict[str, torch.Tensor]) -> tuple[float, float]:
    """The largest logit difference of two models on `inputs` (moved to each model's device), and the largest their
    dtypes allow (utils.course.device.rounding_tolerance of the largest logit: a 16-bit merge rounds each weight)."""
    from utils.course.device import rounding_tolerance

    logits = [m(**{k: v.to(m.device) for k, v in inputs.items()}).logits.float().cpu() for m in (first, second)]
    gap = (logits[0] - logits[1]).abs().max().item()
    dtype = torch.float32 if first.dtype == second.dtype == torch.float32 else torch.bfloat16
    return gap, rounding_tolerance(dtype) * max(1.0, logits[0].abs().max().item())


@torch.no_grad()
def reply(model: Any, tokenizer: Any, prompt: str | list[dict], max_new_tokens: int = 128) -> str:
    """A greedy completion of a text prompt, or of a conversation (through the chat template) as the assistant."""
    device = next(model.parameters()).device
    if isinstance(prompt, str):
        inputs = tokenizer(prompt, return_tensors="pt")
    else:
        inputs = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, return_tensors="pt",
                                               return_dict=True)
    inputs = {k: v.to(device) for k, v in inputs.items()}
    output = model.generate(**inputs, max_new_tokens=smoke_new_tokens(max_new_tokens), do_sample=False,
                            pad_token_id=tokenizer.pad_token_id)
    return tokenizer.decode(output[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True).strip()
