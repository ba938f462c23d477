"""Data for utils.finetune: read a file or hub set, detect its schema from the columns, format it for trl, collate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from datasets import Dataset

from utils.errors import CourseError
from utils.packing import batch_slots, real_tokens

# Schema name -> the columns that define it, checked in this order (a preference row also has a prompt column).
SCHEMAS: dict[str, tuple[str, ...]] = {
    "preference": ("prompt", "chosen", "rejected"),
    "chat": ("messages",),
    "unpaired": ("prompt", "completion", "label"),
    "prompt_completion": ("prompt", "completion"),
    "alpaca": ("instruction", "output"),
    "text": ("text",),
    "prompt": ("prompt",),
}
# Objective -> the schemas it trains on (kto splits each preference pair into a desirable and an undesirable row;
# grpo only reads the prompt, and passes the other columns to the reward functions).
ACCEPTS: dict[str, tuple[str, ...]] = {
    "sft": ("chat", "prompt_completion", "alpaca", "text"),
    "dpo": ("preference",),
    "orpo": ("preference",),
    "simpo": ("preference",),
    "kto": ("unpaired", "preference"),
    "grpo": ("prompt", "prompt_completion", "unpaired", "preference"),
}
FILE_BUILDERS = {".jsonl": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}
ALPACA_PROMPT = "### Instruction:\n{instruction}\n\n### Response:\n"
ALPACA_PROMPT_INPUT = "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n"


def require_objective_schema(objective: str, schema: str, source: str) -> None:
    """Refuse data whose schema the objective cannot train on, in one sentence saying what it needs."""
    if schema in ACCEPTS[objective]:
        return
    needs = " or ".join(" + ".join(SCHEMAS[name]) for name in ACCEPTS[objective])
    fits = [name for name, schemas in ACCEPTS.items() if schema in schemas]
    choices = ", ".join(fits[:-1]) + (" or " if len(fits) > 1 else "") + fits[-1] if fits else ""
    raise CourseError(f"--objective {objective} needs {needs} columns, but {source} has {schema} data"
                      + (f" (train on it with --objective {choices})." if fits else "."))


def detect_schema(columns: Iterable[str]) -> str | None:
    """The first schema of SCHEMAS whose columns are all present (extra columns are ignored), else None."""
    present = set(columns)
    return next((name for name, needed in SCHEMAS.items() if set(needed) <= present), None)


def require_schema(columns: Iterable[str], source: str) -> str:
    """detect_schema, or one sentence naming the columns found and the schemas understood."""
    columns = list(columns)
    schema = detect_schema(columns)
    if schema is None:
        known = "; ".join(f"{name}: {' + '.join(cols)}" for name, cols in SCHEMAS.items())
        raise CourseError(f"{source} has the columns {', '.join(columns) or '(none)'}, which match no known schema "
                          f"({known}).")
    return schema


def load_rows(source: str, split: str = "train") -> Dataset:
    """A local .jsonl/.json/.csv/.parquet file (or a folder saved by datasets), else a hub data set's `split`."""
    from datasets import load_dataset, load_from_disk

    path = Path(source).expanduser()
    if path.is_dir():
        try:
            loaded = load_from_disk(str(path))
        except FileNotFoundError:
            raise CourseError(f"The folder {path} is not a data set saved by datasets; pass a data file.") from None
        if hasattr(loaded, "keys"):
            if split not in loaded:
                raise CourseError(f"The data set in {path} has no split {split!r} (it has: {', '.join(loaded)}).")
            loaded = loaded[split]
        return _non_empty(loaded, str(path))
    if path.suffix.lower() in FILE_BUILDERS or path.exists():
        if not path.is_file():
            raise CourseError(f"The data file {path} does not exist.")
        builder = FILE_BUILDERS.get(path.suffix.lower())
        if builder is None:
            raise CourseError(f"The data file {path} has the suffix {path.suffix!r}; use .jsonl, .json, .csv or "
                              ".parquet.")
        if path.stat().st_size == 0:
            raise CourseError(f"The data file {path} is empty: it holds no rows.")
        try:
            ds = load_dataset(builder, data_files=str(path), split="train")
        except Exception as err:
            if "corresponds to no data" in str(err):  # datasets' words for a file with a header but no rows
                raise CourseError(f"The data file {path} holds no rows.") from None
            raise CourseError(f"The data file {path} could not be read as {builder} ({_first_line(err)}).") from None
        return _non_empty(ds, str(path))
    try:
        ds = load_dataset(source, split=split)
    except Exception as err:
        raise CourseError(f"{source!r} is not a local data file, and loading it from the Hugging Face Hub failed "
                          f"({_first_line(err)}).") from None
    return _non_empty(ds, source)


def _non_empty(ds: Dataset, source: str) -> Dataset:
    """Refuse a data set without rows."""
    if len(ds) == 0:
        raise CourseError(f"The data set {source} holds no rows.")
    return ds


def _first_line(err: Exception) -> str:
    """The first line of an exception's message (library errors can run to pages)."""
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__).rstrip(".")


def alpaca_to_prompt_completion(row: dict, chat: bool) -> dict:
    """An instruction/input/output row as prompt/completion: chat messages if `chat`, else the Alpaca text prompt."""
    instruction, extra = row["instruction"], (row.get("input") or "").strip()
    if chat:
        user = f"{instruction}\n\n{extra}" if extra else instruction
        return {"prompt": [{"role": "user", "content": user}],
                "completion": [{"role": "assistant", "content": row["output"]}]}
    template = ALPACA_PROMPT_INPUT if extra else ALPACA_PROMPT
    return {"prompt": template.format(instruction=instruction, input=extra), "completion": row["output"]}


def last_turn_as_completion(row: dict) -> dict:
    """A conversation as prompt (every message before the last assistant turn) and completion (that turn)."""
    messages = row["messages"]
    last = max(i for i, m in enumerate(messages) if m["role"] == "assistant")
    return {"prompt": messages[:last], "completion": [messages[last]]}


def is_chat_rows(ds: Dataset, schema: str) -> bool:
    """Whether the rows hold conversations (lists of role/content messages) rather than plain strings."""
    if schema == "chat":
        return True
    column = {"preference": "chosen", "prompt_completion": "completion", "unpaired": "completion",
              "prompt": "prompt"}.get(schema)
    return column is not None and isinstance(ds[0][column], list)


def pairs_to_unpaired(rows: dict[str, list]) -> dict[str, list]:
    """A batch of preference pairs as twice as many kto rows: the chosen completion labelled True, the rejected
    False."""
    n = len(rows["prompt"])
    return {"prompt": [p for p in rows["prompt"] for _ in (0, 1)],
            "completion": [c for pair in zip(rows["chosen"], rows["rejected"], strict=True) for c in pair],
            "label": [True, False] * n}


def to_trainer_format(ds: Dataset, schema: str, chat_template: bool, last_turn_only: bool = False,
                      objective: str = "sft") -> Dataset:
    """Keep only the columns trl reads for `schema` and `objective`; Alpaca rows become prompt/completion, preference
    pairs become kto's labelled rows, grpo keeps every column (its reward functions read them)."""
    if objective == "grpo":
        return ds
    if objective == "kto" and schema == "preference":
        return ds.select_columns(list(SCHEMAS["preference"])).map(pairs_to_unpaired, batched=True,
                                                                  remove_columns=list(SCHEMAS["preference"]))
    if schema == "chat":
        if not any(m.get("role") == "assistant" for m in ds[0]["messages"]):
            raise CourseError("The first conversation in the data has no assistant message to learn from.")
        ds = ds.select_columns(["messages"])
        return ds.map(last_turn_as_completion, remove_columns=["messages"]) if last_turn_only else ds
    if schema == "alpaca":
        return ds.map(alpaca_to_prompt_completion, fn_kwargs={"chat": chat_template}, remove_columns=ds.column_names)
    return ds.select_columns(list(SCHEMAS[schema]))


def sample_prompts(ds: Dataset, k: int) -> list[str | list[dict]]:
    """Prompts of the first k rows of trainer-format data, to generate samples from: the prompt column, a
    conversation up to its last assistant turn, or the first words of a text."""
    prompts: list[str | list[dict]] = []
    for row in ds.select(range(min(k, len(ds)))):
        if "prompt" in row:
            prompts.append(row["prompt"])
        elif "messages" in row:
            prompts.append(last_turn_as_completion(row)["prompt"])
        else:
            prompts.append(" ".join(row["text"].split()[:8]))
    return prompts


@dataclass
class PackedRowsCollator:
    """Collate packed rows as a (rows, length) batch with no attention mask: position ids restart at each example,
    which transformers turns into a block-diagonal causal mask, so examples sharing a row never see each other."""

    pad_token_id: int
    pad_to_multiple_of: int | None = None

    def __call__(self, examples: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        """Pad rows on the right; labels are -100 on padding and on the first token of every example."""
        from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

        inner = DataCollatorForLanguageModeling(self.pad_token_id, return_position_ids=True,
                                                pad_to_multiple_of=self.pad_to_multiple_of)
        batch = inner(examples)
        batch.pop("attention_mask")
        batch["labels"][batch["position_ids"] == 0] = -100
        return batch


REAL_TOKENS = "num_real_tokens"  # extra batch key: (real, computed) tokens of the batch


def token_counts(batch: dict[str, torch.Tensor], examples: list[dict[str, Any]]) -> tuple[int, int]:
    """(real, computed) tokens of a collated batch: one input_ids (sft, dpo) or several (orpo/simpo: chosen_ and
    rejected_input_ids; kto: completion_ and KL_completion_input_ids), each with its attention mask."""
    if "input_ids" in batch:
        return real_tokens(batch, examples), batch_slots(batch)
    ids = [key for key in batch if key.endswith("input_ids") and isinstance(batch[key], torch.Tensor)]
    masks = [key.replace("input_ids", "attention_mask") for key in ids]
    real = sum(int(batch[m].sum()) if m in batch else batch[k].numel() for k, m in zip(ids, masks, strict=True))
    return real, sum(batch[k].numel() for k in ids)


@dataclass
class CountingCollator:
    """Wrap a collator so each batch also carries its (real, computed) token counts, under REAL_TOKENS; a collator
    that returns no dict of tensors (grpo's, which passes rows on to generation) is left as it is."""

    inner: Any

    def __call__(self, examples: list[dict[str, Any]]) -> Any:
        """Collate with the wrapped collator and add the counts."""
        batch = self.inner(examples)
        if isinstance(batch, dict):
            batch[REAL_TOKENS] = torch.tensor(token_counts(batch, examples))
        return batch


@dataclass
class TokenMeter:
    """Count the real and the computed tokens of the batches a Trainer trains on (the data loader reads ahead, so
    counting in the collator would overcount); evaluation batches just drop the count."""

    real: int = 0
    total: int = 0

    def attach(self, trainer: Any) -> None:
        """Give `trainer` the counting collator and wrap its training and prediction steps to read the counts."""
        trainer.data_collator = CountingCollator(trainer.data_collator)
        train_step, predict_step = trainer.training_step, trainer.prediction_step

        def training_step(model: Any, inputs: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(inputs, dict) and REAL_TOKENS in inputs:
                real, total = inputs.pop(REAL_TOKENS).tolist()
                self.real, self.total = self.real + real, self.total + total
            return train_step(model, inputs, *args, **kwargs)

        def prediction_step(model: Any, inputs: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(inputs, dict):
                inputs.pop(REAL_TOKENS, None)
            return predict_step(model, inputs, *args, **kwargs)

        trainer.training_step, trainer.prediction_step = training_step, prediction_step

    @property
    def padding_waste(self) -> float:
        """Fraction of the tokens computed on that were padding."""
        return 1 - self.real / self.total if self.total else 0.0
