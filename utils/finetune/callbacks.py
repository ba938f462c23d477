"""Trainer callbacks of utils.finetune: log the last step, and generate sample completions at each evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transformers import TrainerCallback
from transformers.trainer_callback import ExportableState

from utils.finetune.model import reply


class LogFinalStep(TrainerCallback):
    """Log the last step too: transformers adds the loss of the steps after the last log from the local process
    only, which skews the reported training loss under several processes."""

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
        """Ask for a log at the last step."""
        control.should_log = control.should_log or state.global_step >= state.max_steps
        return control


class RunMark(TrainerCallback, ExportableState):
    """Does nothing but leave its (empty) state in each checkpoint's trainer_state.json, which tells the command's
    checkpoints from another tool's (utils.finetune.outputs.RUN_MARK is this class's name)."""

    def state(self) -> dict[str, Any]:
        """Nothing to restore."""
        return {"args": {}, "attributes": {}}

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
        """Resuming a checkpoint saved without the mark: add it (the Trainer updates only the states it holds)."""
        state.stateful_callbacks.setdefault(type(self).__name__, self.state())


class SampleGenerations(TrainerCallback):
    """At each evaluation, complete a few evaluation prompts greedily; keep them in `samples`, print them unless
    quiet, and write them to TensorBoard (output/runs/samples) when it is a --report-to."""

    def __init__(self, prompts: list[Any], tokenizer: Any, quiet: bool, max_new_tokens: int = 32) -> None:
        """Remember what to generate from and how."""
        self.prompts, self.tokenizer, self.quiet, self.max_new_tokens = prompts, tokenizer, quiet, max_new_tokens
        self.samples: list[dict[str, Any]] = []
        self.writer: Any = None

    def on_evaluate(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        """Generate, record and log one completion per prompt."""
        if not state.is_world_process_zero or model is None:
            return
        training = model.training
        model.eval()
        try:
            completions = [reply(model, self.tokenizer, prompt, self.max_new_tokens) for prompt in self.prompts]
        finally:
            model.train(training)
        for i, (prompt, completion) in enumerate(zip(self.prompts, completions, strict=True)):
            shown = prompt if isinstance(prompt, str) else prompt[-1]["content"]
            self.samples.append({"step": state.global_step, "prompt": shown, "completion": completion})
            if not self.quiet:
                print(f"sample {i} at step {state.global_step}: {shown!r} -> {completion!r}")
            if "tensorboard" in args.report_to:
                self.tensorboard(args).add_text(f"samples/{i}", f"**{shown}**\n\n{completion}", state.global_step)
        if self.writer is not None:
            self.writer.flush()

    def tensorboard(self, args: Any) -> Any:
        """The writer of the samples' TensorBoard run, opened on first use."""
        if self.writer is None:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(log_dir=str(Path(args.output_dir) / "runs" / "samples"))
        return self.writer
