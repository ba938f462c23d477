"""utils.finetune's method table (objective x adapter) on the tiny base, its knobs (target modules, rsLoRA,
scheduler, warmup, optimizer), GRPO reward files, TensorBoard with periodic evaluation and samples, chat and export,
and the output folder: nothing that is not the command's own result is written over or deleted."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import torch

from utils.course.paths import DATA_DIR, REPO_ROOT
from utils.errors import CourseError
from utils.finetune import finetune, load_finetuned, main
from utils.finetune.config import ADAPTERS, OBJECTIVES
from utils.finetune.data import detect_schema, pairs_to_unpaired
from utils.finetune.outputs import marked_by_this_command
from utils.finetune.rewards import load_reward_funcs

QUICK = dict(max_steps=2, max_length=64, batch_size=2, save_steps=2, quiet=True, lr=1e-3, eval_samples=0)
GRPO = dict(reward_funcs=str(REPO_ROOT / "configs" / "rewards" / "length_format.py"), num_generations=2,
            max_completion_length=8)
ROWS = 8


pytestmark = [pytest.mark.usefixtures("one_thread_offline"), pytest.mark.slow]  # they train models


@pytest.fixture(scope="module")
def base() -> str:
    """The course's tiny chat base (a GPT-2 with a ChatML template), cached on disk."""
    from utils.course.models import model_name

    return model_name("chat")


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder with the course's help-desk chats and preference pairs, ROWS rows each."""
    folder = tmp_path_factory.mktemp("methods")
    for name, source in (("chat", "helpdesk"), ("prefs", "preferences")):
        lines = (DATA_DIR / source / "train.jsonl").read_text(encoding="utf-8").splitlines()[:ROWS]
        (folder / f"{name}.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return folder


def data_for(objective: str, work: Path) -> Path:
    """The data file an objective trains on: chats for sft, preference pairs for the others (kto splits them, grpo
    reads their prompts)."""
    return work / ("chat.jsonl" if objective == "sft" else "prefs.jsonl")


@pytest.mark.parametrize("adapter_type", ADAPTERS)
@pytest.mark.parametrize("objective", [o for o in OBJECTIVES if o != "sft"])  # sft x adapters: test_finetune.py
def test_every_objective_with_every_adapter(objective: str, adapter_type: str, base: str, work: Path):
    from utils.course.device import supports_4bit

    if adapter_type == "qlora" and not supports_4bit()[0]:
        pytest.skip(f"4-bit layers are unavailable here: {supports_4bit()[1]}")
    out = work / f"{objective}-{adapter_type}"
    extra = GRPO if objective == "grpo" else {}
    m = finetune(model=base, data=str(data_for(objective, work)), objective=objective, adapter_type=adapter_type,
                 output=str(out), **QUICK, **extra).metrics
    assert m["steps"] == 2 and torch.isfinite(torch.tensor(m["train_loss"])) and m["train_tokens"] > 0
    assert (m["objective"], m["adapter_type"]) == (objective, adapter_type)
    if adapter_type == "full":
        assert m["trainable_params"] == m["total_params"] and (out / "model.safetensors").is_file()
    else:
        adapter = json.loads((out / "adapter_config.json").read_text())
        assert adapter["use_dora"] == (adapter_type == "dora") and m["trainable_params"] < m["total_params"] / 2
    if objective == "kto":
        assert m["train_rows"] == 2 * ROWS  # each pair became a desirable and an undesirable row


def test_dora_trains_magnitudes_too(work: Path):
    lora, dora = (json.loads((work / f"orpo-{a}" / "metrics.json").read_text())["trainable_params"]
                  for a in ("lora", "dora"))
    assert dora > lora  # one magnitude per output feature of every adapted layer


def test_kto_rows_from_pairs():
    rows = {"prompt": ["p1", "p2"], "chosen": ["good1", "good2"], "rejected": ["bad1", "bad2"]}
    assert pairs_to_unpaired(rows) == {"prompt": ["p1", "p1", "p2", "p2"],
                                       "completion": ["good1", "bad1", "good2", "bad2"],
                                       "label": [True, False, True, False]}
    assert detect_schema(["prompt", "completion", "label"]) == "unpaired"
    assert detect_schema(["prompt", "id"]) == "prompt"


def test_kto_reads_its_own_schema(base: str, work: Path):
    rows = [json.loads(line) for line in (work / "prefs.jsonl").read_text().splitlines()]
    unpaired = work / "unpaired.jsonl"
    unpaired.write_text("".join(json.dumps({"prompt": r["prompt"], "completion": r[key], "label": key == "chosen"})
                                + "\n" for r in rows for key in ("chosen", "rejected")))
    m = finetune(model=base, data=str(unpaired), objective="kto", output=str(work / "kto-unpaired"), **QUICK).metrics
    assert m["schema"] == "unpaired" and m["train_rows"] == 2 * ROWS and m["steps"] == 2


def test_reward_files(work: Path):
    funcs = load_reward_funcs(GRPO["reward_funcs"])
    assert [f.__name__ for f in funcs] == ["reward_length", "reward_format"]
    length, form = funcs
    twenty = " ".join(["word"] * 20) + "."
    assert length(completions=[twenty, "", [{"role": "assistant", "content": twenty}]]) == [1.0, 0.0, 1.0]
    assert form(completions=["Done.", "Done", "Done.<|im_end|>"]) == [1.0, 0.0, 0.0]
    listed = work / "listed.py"
    listed.write_text("def score(completions, **kw):\n    return [1.0] * len(completions)\n\nREWARD_FUNCS = [score]\n")
    assert [f.__name__ for f in load_reward_funcs(str(listed))] == ["score"]
    for text, expected in (("x = 1\n", "defines no reward_"), ("raise ValueError('boom')\n", "failed to run")):
        (work / "bad_rewards.py").write_text(text)
        with pytest.raises(CourseError, match=expected):
            load_reward_funcs(str(work / "bad_rewards.py"))
    with pytest.raises(CourseError, match="is not a Python file"):
        load_reward_funcs(str(work / "chat.jsonl"))


def test_adapter_knobs_and_schedule(base: str, work: Path):
    out = work / "knobs"
    finetune(model=base, data=str(work / "chat.jsonl"), output=str(out), target_modules="c_attn", use_rslora=True,
             lora_r=4, lora_alpha=8, lr_scheduler="cosine", warmup=1, optim="paged_adamw_8bit", **QUICK)
    adapter = json.loads((out / "adapter_config.json").read_text())
    assert adapter["target_modules"] == ["c_attn"] and adapter["use_rslora"] is True
    model, _ = load_finetuned(out)
    layer = next(m for name, m in model.named_modules() if name.endswith("c_attn") and hasattr(m, "scaling"))
    assert layer.scaling["default"] == pytest.approx(8 / 4**0.5)  # rsLoRA: alpha / sqrt(r), not alpha / r
    args = torch.load(out / "training_args.bin", weights_only=False)
    assert (args.lr_scheduler_type.value, args.warmup_steps, args.optim.value) == ("cosine", 1, "paged_adamw_8bit")


def cli(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str]:
    """Run the CLI in this process: (exit status, what it wrote to stderr)."""
    status = main(argv)
    return status, capsys.readouterr().err


def test_bad_inputs_give_one_sentence(base: str, work: Path, capsys: pytest.CaptureFixture,
                                      monkeypatch: pytest.MonkeyPatch):
    import importlib.util

    find_spec = importlib.util.find_spec
    missing = ("wandb", "bitsandbytes")  # as on a machine without them
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in missing else find_spec(name, *a))
    chat, prefs = ["--data", str(work / "chat.jsonl")], ["--data", str(work / "prefs.jsonl")]
    cases = {
        "--objective must be one of": [*chat, "--objective", "ppo"],
        "--adapter-type must be one of": [*chat, "--adapter-type", "ia3"],
        "now two settings": [*chat, "--method", "dpo"],
        "needs --reward-funcs": [*prefs, "--objective", "grpo"],
        "is not a Python file": [*prefs, "--objective", "grpo", "--reward-funcs", str(work / "nope.py")],
        "--batch-size must be a multiple": [*prefs, "--objective", "grpo", "--reward-funcs", GRPO["reward_funcs"],
                                            "--batch-size", "3", "--num-generations", "2"],
        "names no linear layer q_proj": [*chat, "--target-modules", "q_proj"],
        "need --adapter-type lora": [*chat, "--adapter-type", "full", "--use-rslora"],
        "--lr-scheduler must be one of": [*chat, "--lr-scheduler", "sometimes"],
        "--warmup is a fraction": [*chat, "--warmup", "1.5"],
        "bitsandbytes optimizer and bitsandbytes is not installed": [*chat, "--optim", "paged_adamw_8bit"],
        "needs the wandb package": [*chat, "--report-to", "wandb"],
        "--eval-steps needs": [*chat, "--eval-steps", "5"],
        "has preference data (train on it with --objective dpo, orpo": [*prefs],
        "kto needs prompt + completion + label or prompt + chosen + rejected": [*chat, "--objective", "kto"],
        "--optim must be one of": [*chat, "--optim", "adamw_fastest"],
        "--report-to must be one of": [*chat, "--report-to", "mlflow"],
        "--resume continues the results in --output and --overwrite deletes them": [*chat, "--resume", "--overwrite"],
        "There is nothing to resume": [*chat, "--resume"],
        "--eval-split is a fraction in [0, 1), not 1.5": [*chat, "--eval-split", "1.5"],
        "--max-steps: 'abc' is not an integer.": [*chat, "--max-steps", "abc"],
        "--lr: '1e-3x' is not a number.": [*chat, "--lr", "1e-3x"],
        "--lora-r needs a value.": [*chat, "--lora-r"],
        "unknown flag --lora_rr; did you mean --lora-r? (python -m utils.finetune --help lists them)":
            [*chat, "--lora_rr", "4"],
        "unknown flag --zzz (python -m utils.finetune --help lists them).": [*chat, "--zzz"],
    }
    for i, (expected, argv) in enumerate(cases.items()):
        status, err = cli(["--model", base, "--max-steps", "1", "--quiet", "--output", str(work / f"bad{i}"), *argv],
                          capsys)
        assert status == 2 and err.count("\n") == 1 and expected in err and "Traceback" not in err, (expected, err)
        assert not (work / f"bad{i}").exists(), expected
    a_file = work / "chat.jsonl"
    status, err = cli(["--model", base, *chat, "--output", str(a_file)], capsys)
    assert (status, err) == (2, f"error: --output {a_file} is a file, not a folder.\n")


def test_tensorboard_with_periodic_eval_and_samples(base: str, work: Path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    out = work / "tensorboard"
    m = finetune(model=base, data=str(work / "chat.jsonl"), output=str(out), eval_split=0.25, eval_steps=1,
                 report_to="tensorboard", **{**QUICK, "eval_samples": 1}).metrics
    assert [step for step, _ in m["eval_loss_history"]] == [1, 2]
    assert {s["step"] for s in m["samples"]} == {0, 1, 2} and all(s["prompt"] for s in m["samples"])
    (scalars,) = {p.parent for p in (out / "runs").rglob("events.out.tfevents.*") if p.parent.name != "samples"}
    run = EventAccumulator(str(scalars)).Reload()  # the evaluations before, during (steps 1, 2) and after training
    assert {e.step for e in run.Scalars("eval/loss")} == {0, 1, 2} and run.Scalars("train/loss")
    texts = EventAccumulator(str(out / "runs" / "samples")).Reload().Tags()["tensors"]
    assert "samples/0/text_summary" in texts
    assert "runs" in m["files"] and "checkpoint-2" in m["files"]


@pytest.fixture(scope="module")
def trained(base: str, work: Path) -> Path:
    """A LoRA fine-tune of the tiny chat base."""
    return finetune(model=base, data=str(work / "chat.jsonl"), output=str(work / "trained"), **QUICK).output_dir


def test_chat_reads_stdin_until_exit(trained: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("How do I reset my password?\n\nThanks!\nexit\nnever read\n"))
    assert main(["chat", str(trained), "--max-new-tokens", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Chatting with") and len([x for x in lines if x.startswith("model> ")]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli(["chat", str(trained.parent / "missing")], capsys) == (2, f"error: There is no fine-tuned model in "
                                                                         f"{trained.parent / 'missing'}.\n")


def test_export_merges_into_a_standalone_model(trained: Path, work: Path, capsys: pytest.CaptureFixture):
    from transformers import AutoModelForCausalLM

    dest = work / "exported"
    assert main(["export", str(trained), str(dest)]) == 0
    adapted, tokenizer = load_finetuned(trained)
    merged = AutoModelForCausalLM.from_pretrained(dest).eval()
    ids = tokenizer("How do I reset my password?", return_tensors="pt")
    with torch.no_grad():
        assert torch.allclose(adapted(**ids).logits, merged(**ids).logits, atol=1e-4)
    assert cli(["export", str(trained), str(dest)], capsys)[1] == f"error: {dest} is not empty; export into a new " \
                                                                   "folder.\n"


def test_nothing_lost_in_the_output_folder(base: str, work: Path, capsys: pytest.CaptureFixture):
    out = work / "shared"
    (out / "mine").mkdir(parents=True)
    (out / "notes.txt").write_text("my notes")
    (out / "mine" / "data.csv").write_text("a,b\n")
    argv = ["--model", base, "--data", str(work / "chat.jsonl"), "--output", str(out), "--max-steps", "2",
            "--save-steps", "1", "--max-length", "64", "--batch-size", "2", "--quiet", "--eval-samples", "0"]
    status, err = cli(argv, capsys)
    assert status == 2 and "not this command's results (mine, notes.txt)" in err
    assert sorted(p.name for p in out.iterdir()) == ["mine", "notes.txt"]
    assert cli([*argv, "--overwrite"], capsys)[0] == 0
    first = json.loads((out / "metrics.json").read_text())["files"]
    assert "notes.txt" not in first and "mine" not in first and "adapter_model.safetensors" in first
    assert {"checkpoint-1", "checkpoint-2", "README.md"} <= set(first)
    status, err = cli(argv, capsys)
    assert status == 2 and "not this command's results" in err  # the user's files are still there
    assert cli([*argv, "--overwrite", "--max-steps", "1"], capsys)[0] == 0  # checkpoint-2 of the last run: removed
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-1"]
    assert (out / "notes.txt").read_text() == "my notes" and (out / "mine" / "data.csv").read_text() == "a,b\n"
    assert json.loads((out / "metrics.json").read_text())["steps"] == 1
    assert marked_by_this_command(out / "checkpoint-1")
    (out / "config.json").write_text("{}")  # a user's file beside finished results, a result name in no run's list
    assert "holds config.json, which this command did not write" in cli([*argv, "--overwrite"], capsys)[1]
    assert (out / "config.json").read_text() == "{}" and (out / "adapter_model.safetensors").is_file()
    someones_model = work / "someones-model"  # model files, but not from this command: never written over
    someones_model.mkdir()
    (someones_model / "config.json").write_text("{}")
    argv[argv.index(str(out))] = str(someones_model)
    assert "not this command's results (config.json)" in cli(argv, capsys)[1]
    assert "holds config.json, which this command did not write" in cli([*argv, "--overwrite"], capsys)[1]
    assert [p.name for p in someones_model.iterdir()] == ["config.json"]
    other_tool = work / "other-tool"  # another tool's Trainer run left checkpoints: they do not make it ours
    (other_tool / "checkpoint-5").mkdir(parents=True)
    (other_tool / "checkpoint-5" / "trainer_state.json").write_text('{"global_step": 5}')
    (other_tool / "model.safetensors").write_bytes(b"weights")
    argv[argv.index(str(someones_model))] = str(other_tool)
    assert "not this command's results (checkpoint-5, model.safetensors)" in cli(argv, capsys)[1]
    err = cli([*argv, "--overwrite"], capsys)[1]
    assert "holds checkpoint-5, model.safetensors, which this command did not write" in err and err.count("\n") == 1
    assert sorted(p.name for p in other_tool.rglob("*")) == ["checkpoint-5", "model.safetensors", "trainer_state.json"]
