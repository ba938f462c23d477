"""benchmarks/gpu_check.py at scale tiny on CPU: the registered runs build, train and report."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
import torch

gpu_check = importlib.import_module("benchmarks.gpu_check")


def test_tiny_runs_train_and_write_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    torch.set_num_threads(1)
    out = tmp_path / "rows.json"
    assert gpu_check.main(["--device", "cpu", "--scale", "tiny", "--steps", "1", "--runs", "06-dpo,08-qlora",
                           "--out", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert [row["run"] for row in rows] == ["06-dpo", "08-qlora"]
    assert all(row["status"] == "OK" and row["s_per_step"] > 0 and row["est_gb"] < 15 for row in rows)
    assert "| 08-qlora | Qwen/Qwen2.5-0.5B-Instruct | qlora | 16 x 512 |" in capsys.readouterr().out


def test_unknown_runs_are_refused() -> None:
    with pytest.raises(SystemExit):
        gpu_check.main(["--device", "cpu", "--runs", "99-nothing"])
