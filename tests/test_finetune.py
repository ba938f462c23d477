"""utils.finetune: tiny random models of six architectures, every adapter and data schema, reload, bad input, resume
(the other objectives, reporting, chat and the output folder: tests/test_finetune_methods.py)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import torch
import yaml

from utils.course.paths import DATA_DIR, REPO_ROOT
from utils.course.random_models import bare_tokenizer, save_random_model
from utils.errors import CourseError
from utils.finetune import FinetuneConfig, finetune, load_finetuned, main
from utils.finetune.config import optimizer_steps
from utils.finetune.data import PackedRowsCollator, detect_schema
from utils.finetune.model import lora_targets, packing_is_exact

ARCHITECTURES = ("gpt2", "llama", "qwen2", "mistral", "gpt_neox", "opt")
ROWS = 24
QUICK = dict(max_steps=2, max_length=64, batch_size=2, save_steps=2, quiet=True, lr=1e-3)
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false",
       "PYTHONPATH": str(REPO_ROOT)}


pytestmark = [pytest.mark.usefixtures("one_thread_offline"), pytest.mark.slow]  # they train models


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder shared by the tests of this file."""
    return tmp_path_factory.mktemp("finetune")


@pytest.fixture(scope="module")
def models(work: Path) -> dict[str, Path]:
    """One tiny random model per architecture, saved with the course tokenizer."""
    return {name: save_random_model(name, work / "models" / name) for name in ARCHITECTURES}


def read_jsonl(path: Path, n: int = ROWS) -> list[dict]:
    """The first n rows of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:n]]


@pytest.fixture(scope="module")
def data(work: Path) -> dict[str, Path]:
    """The course data in every schema and file format utils.finetune reads."""
    folder = work / "data"
    folder.mkdir()
    files = {"chat": folder / "chat.jsonl", "prompt_completion": folder / "pc.csv", "alpaca": folder / "alpaca.json",
             "text": folder / "text.parquet", "preference": folder / "prefs.jsonl"}
    files["chat"].write_text("".join(json.dumps({"messages": r["messages"]}) + "\n"
                                     for r in read_jsonl(DATA_DIR / "helpdesk" / "train.jsonl")))
    triage = read_jsonl(DATA_DIR / "triage" / "train.jsonl")
    pd.DataFrame({"prompt": [f"Symptoms: {r['symptoms']}\nLevel:" for r in triage],
                  "completion": [f" {r['level']}" for r in triage]}).to_csv(files["prompt_completion"], index=False)
    summaries = read_jsonl(DATA_DIR / "summarization" / "train.jsonl")
    files["alpaca"].write_text(json.dumps([{"instruction": "Summarize the text.", "input": r["document"][:300],
                                            "output": r["summary"]} for r in summaries]))
    pd.DataFrame({"text": [r["text"] for r in read_jsonl(DATA_DIR / "pretrain" / "train.jsonl")]}).to_parquet(
        files["text"])
    files["preference"].write_text("".join(json.dumps(r) + "\n"
                                           for r in read_jsonl(DATA_DIR / "preferences" / "train.jsonl")))
    return files


def test_detect_schema_from_columns():
    assert detect_schema(["messages", "id"]) == "chat"
    assert detect_schema(["prompt", "completion"]) == "prompt_completion"
    assert detect_schema(["instruction", "input", "output"]) == "alpaca"
    assert detect_schema(["text"]) == "text"
    assert detect_schema(["prompt", "chosen", "rejected"]) == "preference"
    assert detect_schema(["question", "answer"]) is None


def test_lora_targets_are_peft_all_linear(models: dict[str, Path]):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    for name, path in models.items():
        model = AutoModelForCausalLM.from_pretrained(path)
        ours = lora_targets(model)
        peft_model = get_peft_model(model, LoraConfig(target_modules="all-linear", task_type="CAUSAL_LM"))
        theirs = {n.rsplit(".", 1)[-1] for n in peft_model.peft_config["default"].target_modules}
        assert set(ours) == theirs, name
        assert "lm_head" not in ours and "embed_out" not in ours


def test_packing_probe_tells_exact_from_leaky(models: dict[str, Path]):
    from transformers import AutoModelForCausalLM

    exact = {name: packing_is_exact(AutoModelForCausalLM.from_pretrained(path)) for name, path in models.items()}
    assert exact == {**dict.fromkeys(ARCHITECTURES, True), "opt": False}  # OPT ignores restarted position ids


def test_packed_rows_keep_examples_apart():
    rows = [{"input_ids": [5, 6, 7, 8, 9], "labels": [5, 6, 7, 8, 9], "seq_lengths": [3, 2]},
            {"input_ids": [5, 6, 7], "labels": [-100, 6, 7], "seq_lengths": [3]}]
    batch = PackedRowsCollator(pad_token_id=0)(rows)
    assert "attention_mask" not in batch
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1], [0, 1, 2, 0, 0]]
    assert batch["labels"].tolist() == [[-100, 6, 7, -100, 9], [-100, 6, 7, -100, -100]]


def test_optimizer_steps_formula():
    assert optimizer_steps(100, 8) == 13
    assert optimizer_steps(100, 8, grad_accum=4) == 4
    assert optimizer_steps(100, 8, processes=2) == 7
    assert optimizer_steps(100, 8, epochs=2.5) == 33


CASES = [  # six architectures; every adapter; every data schema of sft, and dpo's
    ("gpt2", "sft", "lora", "chat"),
    ("llama", "sft", "qlora", "prompt_completion"),
    ("qwen2", "sft", "full", "alpaca"),
    ("gpt_neox", "sft", "dora", "text"),
    ("mistral", "dpo", "lora", "preference"),
    ("opt", "sft", "qlora", "chat"),
]


@pytest.mark.parametrize(("arch", "objective", "adapter_type", "schema"), CASES)
def test_finetune_and_reload(arch: str, objective: str, adapter_type: str, schema: str, models: dict, data: dict,
                             work: Path):
    out = work / f"{arch}-{objective}-{adapter_type}-{schema}"
    held_out = 0.25 if schema == "text" else 0.0
    result = finetune(model=str(models[arch]), data=str(data[schema]), objective=objective,
                      adapter_type=adapter_type, output=str(out), eval_split=held_out, eval_samples=0, **QUICK)
    m = result.metrics
    assert ("eval_loss" in m) == bool(held_out) and m["eval_rows"] == int(ROWS * held_out)
    assert m["steps"] == 2 and m["schema"] == schema and torch.isfinite(torch.tensor(m["train_loss"]))
    assert m["train_tokens"] > 0 and m["tokens_per_s"] > 0 and m["peak_memory_mb"] > 0
    assert 0 < m["trainable_params"] <= m["total_params"]
    if adapter_type != "full":
        assert m["trainable_params"] < m["total_params"] / 2 and (out / "adapter_config.json").is_file()
    saved = json.loads((out / "metrics.json").read_text())
    assert (saved["objective"], saved["adapter_type"]) == (objective, adapter_type)
    assert yaml.safe_load((out / "config.yaml").read_text())["model"] == str(models[arch])
    assert m["packing"] == (objective == "sft" and arch != "opt")
    model, tokenizer = load_finetuned(out)
    ids = tokenizer("The service", return_tensors="pt")
    assert model(**ids).logits.shape[-1] >= len(tokenizer)


def test_loss_only_on_answers(models: dict, data: dict):
    from utils.finetune.model import load_model, precision
    from utils.finetune.objectives import build_trainer
    from utils.finetune.run import prepare_data, resolve_config

    for schema, expected in (("chat", "assistant"), ("prompt_completion", "completion")):
        cfg = resolve_config({"model": str(models["llama"]), "data": str(data[schema]), "packing": False,
                              "output": "unused", **{**QUICK, "max_length": 256}}, {})
        prep = prepare_data(cfg)
        trainer = build_trainer(cfg, prep, load_model(cfg, prep.tokenizer, prep.notes, precision()[0]), precision()[1])
        row = trainer.train_dataset[0]
        trained = [t for t, label in zip(row["input_ids"], row["labels"], strict=True) if label != -100]
        text = prep.tokenizer.decode(trained)
        if expected == "assistant":
            answer = next(m["content"] for m in json.loads(data[schema].read_text().splitlines()[0])["messages"]
                          if m["role"] == "assistant")
            assert text == answer + "<|im_end|>"
        else:
            assert text == pd.read_csv(data[schema])["completion"][0] + prep.tokenizer.eos_token
        assert len(trained) < len(row["input_ids"])


def test_merge_gives_the_adapter_model(models: dict, data: dict, work: Path):
    from transformers import AutoModelForCausalLM

    out = work / "merge"
    result = finetune(model=str(models["llama"]), data=str(data["chat"]), output=str(out), merge=True, **QUICK)
    assert result.merged_dir == out / "merged"
    adapter, tokenizer = load_finetuned(out)
    merged = AutoModelForCausalLM.from_pretrained(out / "merged").eval()
    ids = tokenizer("How do I reset my password?", return_tensors="pt")
    with torch.no_grad():
        assert torch.allclose(adapter(**ids).logits, merged(**ids).logits, atol=1e-4)
    assert merged.generate(**ids, max_new_tokens=4, do_sample=False).shape[1] > ids["input_ids"].shape[1]


def test_tokenizer_without_pad_or_chat_template(data: dict, work: Path):
    texts = pd.read_parquet(data["text"])["text"].tolist()
    model_dir = save_random_model("gpt2", work / "bare-gpt2", tokenizer=bare_tokenizer(texts * 4, vocab_size=400))
    result = finetune(model=str(model_dir), data=str(data["chat"]), output=str(work / "bare-out"), merge=True, **QUICK)
    notes = " ".join(result.notes)
    assert "added '<|pad|>'" in notes and "ChatML" in notes
    model, tokenizer = load_finetuned(result.output_dir, merged=True)
    assert tokenizer.pad_token == "<|pad|>" and tokenizer.chat_template
    prompt = tokenizer.apply_chat_template([{"role": "user", "content": "hi"}], add_generation_prompt=True,
                                           return_tensors="pt", return_dict=True)
    assert model.generate(**prompt, max_new_tokens=3, do_sample=False).shape[1] > prompt["input_ids"].shape[1]


def test_dpo_from_a_lora_adapter(models: dict, data: dict, work: Path):
    sft = finetune(model=str(models["qwen2"]), data=str(data["chat"]), output=str(work / "sft"), **QUICK)
    dpo = finetune(model=str(models["qwen2"]), data=str(data["preference"]), objective="dpo",
                   adapter=str(sft.output_dir), output=str(work / "dpo"), **QUICK)
    assert dpo.metrics["steps"] == 2 and any("adapter" in note for note in dpo.notes)
    load_finetuned(dpo.output_dir)


def test_resume_to_more_steps(models: dict, data: dict, work: Path):
    out = work / "resume"
    finetune(model=str(models["llama"]), data=str(data["text"]), output=str(out), **{**QUICK, "save_steps": 1})
    (out / "checkpoint-3").mkdir()  # what a kill while saving leaves: a checkpoint without its trainer_state.json
    (out / "checkpoint-3" / "model.safetensors").write_bytes(b"half")
    more = finetune(model=str(models["llama"]), data=str(data["text"]), output=str(out), resume=True,
                    **{**QUICK, "max_steps": 4, "save_steps": 1})
    assert more.metrics["resumed_from_step"] == 2 and more.metrics["steps"] == 4
    assert any("checkpoint-3" in note for note in more.notes)


def test_resume_after_a_kill(models: dict, data: dict, work: Path):
    out = work / "killed"
    command = [sys.executable, "-m", "utils.finetune", "--model", str(models["llama"]), "--data", str(data["text"]),
               "--output", str(out), "--max-steps", "100000", "--save-steps", "1", "--max-length", "64",
               "--batch-size", "2", "--quiet"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def saved() -> list[int]:
        """Steps of the complete checkpoints (only the last two are kept, and they move fast)."""
        return [int(p.name.split("-")[1]) for p in out.glob("checkpoint-*") if (p / "trainer_state.json").is_file()]

    deadline = time.monotonic() + 240
    while max(saved(), default=0) < 2 and time.monotonic() < deadline:
        assert process.poll() is None, "the training process ended before it saved two checkpoints"
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (out / "metrics.json").exists()
    done = max(saved())
    assert done >= 2, "no checkpoint was saved within 4 minutes"
    resumed = finetune(model=str(models["llama"]), data=str(data["text"]), output=str(out), resume=True,
                       **{**QUICK, "max_steps": done + 2, "save_steps": 1})
    assert resumed.metrics["resumed_from_step"] == done and resumed.metrics["steps"] == done + 2


def free_port() -> int:
    """A TCP port nothing on this machine listens on now (so the run does not meet another job on 29500)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_processes_ddp(models: dict, data: dict, work: Path):
    out = work / "ddp"
    for attempt in (1, 2):
        command = [sys.executable, "-m", "accelerate.commands.launch", "--config_file",
                   str(REPO_ROOT / "configs" / "accelerate" / "ddp.yaml"), "--num_processes", "2",
                   "--main_process_port", str(free_port()), "-m", "utils.finetune",
                   "--model", str(models["llama"]), "--data", str(data["chat"]), "--output", str(out),
                   "--max-steps", "2", "--max-length", "64", "--batch-size", "2", "--quiet", "--overwrite"]
        run = subprocess.run(command, cwd=REPO_ROOT, env=ENV, capture_output=True, text=True, timeout=300)
        # One CI run (of many) saw a worker die of SIGABRT inside gloo on a loaded machine; it did not recur alone or
        # under load. A second attempt is allowed only for a process killed by a signal, never for a Python error.
        root_cause = run.stderr.rpartition("Root Cause")[2]
        if run.returncode == 0 or attempt == 2 or not re.search(r"exitcode\s*:\s*-\d", root_cause):
            break
    # The workers' own messages come first; the launcher's summary of who failed comes last.
    assert run.returncode == 0, run.stderr[:3000] + "\n...\n" + run.stderr[-1500:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["num_processes"] == 2 and metrics["distributed"] == "MULTI_CPU" and metrics["steps"] == 2
    load_finetuned(out)


def cli(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str]:
    """Run the CLI in this process: (exit status, what it wrote to stderr)."""
    status = main(argv)
    return status, capsys.readouterr().err


def test_bad_inputs_give_one_sentence(models: dict, data: dict, work: Path, capsys: pytest.CaptureFixture,
                                      monkeypatch: pytest.MonkeyPatch):
    base = ["--model", str(models["gpt2"]), "--max-steps", "1", "--quiet"]
    odd = work / "odd.jsonl"
    odd.write_text(json.dumps({"question": "q", "answer": "a"}) + "\n")
    empty = work / "empty.csv"
    empty.write_text("text\n")
    unknown_key = work / "bad.yaml"
    unknown_key.write_text("model: x\nlearning_rate: 0.1\n")
    cases = {
        "does not exist": [*base, "--data", str(work / "missing.jsonl"), "--output", str(work / "o1")],
        "match no known schema": [*base, "--data", str(odd), "--output", str(work / "o2")],
        "holds no rows": [*base, "--data", str(empty), "--output", str(work / "o3")],
        "could not be loaded": ["--model", str(work / "no-such-model"), "--data", str(data["text"]),
                                "--output", str(work / "o4")],
        "unknown key(s) learning_rate": ["--config", str(unknown_key), "--data", str(data["text"])],
        "dpo needs prompt + chosen + rejected": [*base, "--data", str(data["text"]), "--objective", "dpo",
                                                 "--output", str(work / "o5")],
        "with --objective dpo, orpo": [*base, "--data", str(data["preference"]), "--output", str(work / "o6")],
    }
    for expected, argv in cases.items():
        status, err = cli(argv, capsys)
        assert status == 2 and err.count("\n") == 1 and expected in err and "Traceback" not in err, (expected, err)
    monkeypatch.setattr("utils.course.device.supports_4bit", lambda: (False, "bitsandbytes is not installed."))
    status, err = cli([*base, "--data", str(data["text"]), "--adapter-type", "qlora", "--output", str(work / "o7")],
                      capsys)
    assert status == 2 and "4-bit" in err and err.count("\n") == 1
    assert not any((work / f"o{i}").exists() for i in range(1, 8))


def test_existing_results_are_kept_unless_overwrite(models: dict, data: dict, work: Path,
                                                    capsys: pytest.CaptureFixture):
    out = work / "kept"
    finetune(model=str(models["gpt2"]), data=str(data["text"]), output=str(out), **QUICK)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    argv = ["--model", str(models["gpt2"]), "--data", str(data["text"]), "--output", str(out), "--max-steps", "1",
            "--max-length", "64", "--quiet"]
    status, err = cli(argv, capsys)
    assert status == 2 and "already holds" in err and "--overwrite" in err
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    assert cli([*argv, "--overwrite"], capsys)[0] == 0
    assert json.loads((out / "metrics.json").read_text())["steps"] == 1


def test_cli_process_prints_no_traceback(work: Path):
    run = subprocess.run([sys.executable, "-m", "utils.finetune", "--model", "x", "--data", str(work / "nope.csv")],
                         cwd=REPO_ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [f"error: The data file {work / 'nope.csv'} does not exist."]


def test_config_file_and_flags(models: dict, data: dict, work: Path, capsys: pytest.CaptureFixture):
    config = work / "run.yaml"
    config.write_text(yaml.safe_dump({"model": str(models["mistral"]), "data": str(data["alpaca"]),
                                      "max-steps": 5, "max_length": 64, "lora_r": 4, "quiet": True, "lr": "2e-4"}))
    out = work / "from-yaml"
    assert cli(["--config", str(config), "--max-steps", "1", "--output", str(out)], capsys)[0] == 0
    resolved = yaml.safe_load((out / "config.yaml").read_text())
    assert resolved["max_steps"] == 1 and resolved["lora_r"] == 4 and resolved["lr"] == 2e-4
    assert FinetuneConfig.from_yaml(out / "config.yaml") == FinetuneConfig(**resolved)


def test_help_lists_every_flag(capsys: pytest.CaptureFixture):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for name in FinetuneConfig.__dataclass_fields__:
        assert "--" + name.replace("_", "-") in text
    assert "--no-packing" in text and "--config" in text


def test_api_rejects_unknown_keys():
    with pytest.raises(CourseError, match="unknown key"):
        finetune({"model": "m", "data": "d", "epochz": 2})


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_merge_and_compare_in_the_training_dtype(monkeypatch: pytest.MonkeyPatch, work: Path, dtype: torch.dtype):
    # A bf16 checkpoint (as SmolLM2 and Qwen are stored) and a GPU whose weights dtype is bf16 (patched): the merge
    # happens in fp32, is saved in bf16, and utils.finetune.logit_gap allows for bf16's rounding, not for more.
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from utils.finetune import logit_gap, merge_adapter

    monkeypatch.setattr("utils.course.device.weights_dtype", lambda device=None: dtype)
    base_dir = save_random_model("llama", work / f"base-{dtype}")
    AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.bfloat16).save_pretrained(base_dir)
    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    out = work / f"adapter-{dtype}"
    lora = LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False)  # B != 0: a real delta
    get_peft_model(base, lora).save_pretrained(out)
    load_finetuned(base_dir)[1].save_pretrained(out)
    exact = load_finetuned(out, dtype=torch.float32)[0].merge_and_unload()
    assert merge_adapter(out, []) == out / "merged"
    adapted, tokenizer = load_finetuned(out)
    merged, _ = load_finetuned(out, merged=True)
    assert merged.dtype == adapted.dtype == dtype
    weight = "model.layers.0.self_attn.q_proj.weight"
    assert torch.equal(merged.state_dict()[weight], exact.state_dict()[weight].to(dtype))  # rounded once, at the end
    gap, tolerance = logit_gap(adapted, merged, tokenizer("How do I reset my password?", return_tensors="pt"))
    assert gap < tolerance and (tolerance == 1e-4) == (dtype == torch.float32)
