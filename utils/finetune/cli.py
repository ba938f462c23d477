"""The command line of utils.finetune: `python -m utils.finetune [flags]` trains; `python -m utils.finetune chat
OUTPUT` talks with the result in the terminal; `python -m utils.finetune export OUTPUT DEST` writes it as one
standalone model folder."""

from __future__ import annotations

import argparse
import difflib
import logging
import re
import shutil
import sys
import warnings
from dataclasses import fields
from pathlib import Path
from typing import TextIO

import torch

from utils.errors import CourseError
from utils.finetune.config import FinetuneConfig, read_yaml
from utils.finetune.model import load_finetuned, merge_adapter, reply
from utils.finetune.run import finetune


class OneSentenceParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors (a flag's value of the wrong type, an unknown or misspelled flag) are one
    sentence raised as CourseError, which main prints without the usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Say what is wrong in one sentence."""
        raise CourseError(self.sentence(message))

    def sentence(self, message: str) -> str:
        """argparse's message, rephrased."""
        flags = sorted({o for action in self._actions for o in action.option_strings if o.startswith("--")})
        listed = f"({self.prog} --help lists them)"
        bad = re.fullmatch(r"argument (\S+?)(?:/\S+)?: invalid (int|float) value: (.*)", message)
        if bad:
            flag, kind, value = bad.groups()
            return f"{flag}: {value} is not {'an integer' if kind == 'int' else 'a number'}."
        bad = re.fullmatch(r"unrecognized arguments: (.*)", message)
        if bad:
            words = bad.group(1).split()
            flag = next((w for w in words if w.startswith("-")), None)
            if flag is None:
                return f"unexpected argument {words[0]!r}; every setting is a --flag {listed}."
            name = flag.split("=")[0]
            close = difflib.get_close_matches(name.replace("_", "-"), flags, n=1, cutoff=0.6)
            if close:
                return f"unknown flag {name}; did you mean {close[0]}? {listed}"
            return f"unknown flag {name} {listed}."
        bad = re.fullmatch(r"argument (\S+?)(?:/\S+)?: expected one argument", message)
        if bad:
            return f"{bad.group(1)} needs a value."
        return message[0].upper() + message[1:].rstrip(".") + f" {listed}."


def build_parser() -> argparse.ArgumentParser:
    """The CLI: one flag per FinetuneConfig field (booleans also take --no-X), plus --config FILE."""
    parser = OneSentenceParser(
        prog="python -m utils.finetune",
        description="Fine-tune any causal LM on a data file or hub data set with any objective (sft, dpo, orpo, kto, "
                    "simpo, grpo) and adapter (full, lora, qlora, dora). Flags override --config. Then: python -m "
                    "utils.finetune chat OUTPUT | export OUTPUT DEST. Several GPUs: accelerate launch --config_file "
                    "configs/accelerate/ddp.yaml -m utils.finetune ...",
        epilog="Example: python -m utils.finetune --model Qwen/Qwen2.5-0.5B --data chat.jsonl --adapter-type qlora "
               "--max-steps 200 --output outputs/qwen-chat --merge")
    parser.add_argument("--config", metavar="FILE", help="YAML file of settings (keys as the flags below).")
    parser.add_argument("--method", default=argparse.SUPPRESS, help=argparse.SUPPRESS)  # gone: say what replaced it
    for f in fields(FinetuneConfig):
        flag = "--" + f.name.replace("_", "-")
        kind = f.type if isinstance(f.type, str) else f.type.__name__
        default = f" (default: {f.default})" if f.default != "" else " (required)"
        text = f.metadata["help"].replace("%", "%%") + default
        if kind == "bool":
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=argparse.SUPPRESS, help=text)
            continue
        convert = {"int": int, "float": float, "int | None": int, "float | None": float}.get(kind, str)
        parser.add_argument(flag, type=convert, default=argparse.SUPPRESS, metavar=f.name.upper(), help=text)
    return parser


def quiet_cli_logs() -> None:
    """Keep the CLI's output to the progress bar, the loss logs and our own lines."""
    import datasets
    import transformers

    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()


def main(argv: list[str] | None = None) -> int:
    """The CLI: parse flags (and --config FILE), run `finetune`, print one sentence on bad input."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["chat"], ["export"]):
        return tools_main(argv)
    debug = "--debug" in argv
    try:
        args = vars(build_parser().parse_args(argv))
        debug = bool(args.get("debug"))
        config_file = args.pop("config", None)
        values = read_yaml(config_file) if config_file else {}
        source = f"The config file {config_file}" if config_file else "The flags"
        cfg = FinetuneConfig.from_dict({**values, **args}, source=source)
        debug = cfg.debug
        if not debug:
            quiet_cli_logs()
        result = finetune(cfg)
    except CourseError as err:
        if debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return 2
    except torch.OutOfMemoryError:
        if debug:
            raise
        print("error: out of memory; lower --batch-size or --max-length, add --gradient-checkpointing, or use "
              "--adapter-type qlora.", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("Interrupted; run the same command with --resume to continue from the last checkpoint.",
              file=sys.stderr)
        return 130
    from accelerate import PartialState

    if PartialState().is_main_process:
        m = result.metrics
        for note in result.notes:
            print(f"note: {note}")
        evaluation = (f", eval loss {m['eval_loss_start']:.4f} -> {m['eval_loss']:.4f}"
                      if m.get("eval_loss") is not None else "")
        padding = f", padding {100 * m['padding_waste']:.1f}%" if m["padding_waste"] is not None else ""
        print(f"Done: {m['steps']} steps in {m['train_time_s']} s, train loss {m['train_loss']:.4f}{evaluation}, "
              f"{m['tokens_per_s']} tokens/s{padding}, "
              f"{m['trainable_params']:,} trainable parameters; results in {result.output_dir}"
              + (f", merged model in {result.merged_dir}" if result.merged_dir else "") + ".")
    return 0


def chat(output: str, lines: TextIO, write: TextIO, max_new_tokens: int = 128) -> int:
    """Talk with a fine-tune's result: each line read is a user turn (the conversation so far goes through the chat
    template, when the tokenizer has one), answered greedily; ends at EOF or a line `exit`."""
    model, tokenizer = load_finetuned(output)
    history: list[dict[str, str]] = []
    interactive = lines.isatty()
    write.write(f"Chatting with {output} (type exit or press Ctrl-D to end).\n")
    while True:
        if interactive:
            write.write("you> ")
            write.flush()
        line = lines.readline()
        if not line or line.strip() in ("exit", "quit"):
            return 0
        if not line.strip():
            continue
        history.append({"role": "user", "content": line.strip()})
        answer = reply(model, tokenizer, history if tokenizer.chat_template else line.strip(), max_new_tokens)
        history.append({"role": "assistant", "content": answer})
        write.write(f"model> {answer}\n")
        write.flush()


def export(output: str, dest: str) -> Path:
    """Write a fine-tune's result to `dest` as a standalone model: an adapter merged into its base, a full model
    copied."""
    source, target = Path(output).expanduser(), Path(dest).expanduser()
    if target.exists() and any(target.iterdir()):
        raise CourseError(f"{target} is not empty; export into a new folder.")
    if (source / "adapter_config.json").is_file():
        merge_adapter(source, [], target)
    elif (source / "config.json").is_file():
        shutil.copytree(source, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("checkpoint-*", "runs", "merged", "metrics.json", "config.yaml"))
    else:
        raise CourseError(f"There is no fine-tuned model in {source}.")
    return target


def tools_main(argv: list[str]) -> int:
    """`chat OUTPUT [--max-new-tokens N]` and `export OUTPUT DEST`, with bad input as one sentence."""
    parser = OneSentenceParser(prog="python -m utils.finetune", description="Use a fine-tune's result.")
    commands = parser.add_subparsers(dest="command", required=True)
    talk = commands.add_parser("chat", help="Chat with the result in the terminal (reads stdin until EOF or exit).")
    talk.add_argument("output", help="A fine-tune's --output folder (or its merged/ folder).")
    talk.add_argument("--max-new-tokens", type=int, default=128, help="Tokens per answer (default: 128).")
    save = commands.add_parser("export", help="Write the result as a standalone model folder (adapter merged).")
    save.add_argument("output", help="A fine-tune's --output folder.")
    save.add_argument("dest", help="A new folder for the model.")
    try:
        args = parser.parse_args(argv)
        quiet_cli_logs()
        import transformers

        transformers.logging.disable_progress_bar()  # loading and saving bars would crowd the conversation
        if args.command == "chat":
            return chat(args.output, sys.stdin, sys.stdout, args.max_new_tokens)
        print(f"Exported to {export(args.output, args.dest)}.")
        return 0
    except CourseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
