"""Models for utils.finetune: load any causal LM and its tokenizer, fix pad/chat template, find LoRA targets."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from utils.errors import CourseError
from utils.tokenizer import CHAT_TEMPLATE

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
    from utils.models import from_hub

    try:
        from_hub(AutoConfig, name)
    except CourseError:
        raise
    except Exception as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0].rstrip(".")
        raise CourseError(f"The model {name!r} is not a local model folder and could not be loaded from the "
                          f"Hugging Face Hub ({first}).") from None


def load_tokenizer(name: str):
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
