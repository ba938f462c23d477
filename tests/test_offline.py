"""The tiny profile with the network cut: in a network namespace that has only loopback (as `unshare -n` gives),
every model role, every task and a whole lesson run, and nothing waits on the hub."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# A user + network namespace, with loopback up so a Jupyter kernel can still talk to its client.
CUT = ["unshare", "--user", "--map-root-user", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "cut"]
SNIPPET = """
import socket
from utils import setup
from utils.course.data import TASKS, load_task
from utils.course.models import load_causal_lm, load_encoder, load_seq2seq, load_tokenizer

P = setup()
try:
    socket.create_connection(("huggingface.co", 443), timeout=3)
    raise SystemExit("the network is not cut")
except OSError:
    pass
for role in ["gpt", "mistral", "chat", "encoder", "seq2seq"]:
    load_tokenizer(role)
load_causal_lm("gpt"), load_causal_lm("mistral"), load_encoder(num_labels=2), load_seq2seq()
print({task: sum(map(len, load_task(task).values())) for task in TASKS})
"""


def cut_available() -> bool:
    """Whether this machine lets an unprivileged process make a network namespace with loopback up."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    run = subprocess.run([*CUT, "true"], capture_output=True)
    return run.returncode == 0


pytestmark = pytest.mark.skipif(not cut_available(), reason="no unprivileged network namespaces here")


def env() -> dict[str, str]:
    """The caller's environment in the tiny profile with no Hugging Face flags set beforehand (setup must set them)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    return base | {"COURSE_PROFILE": "tiny", "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}


def test_models_and_data_load_with_the_network_cut() -> None:
    """Every role's tokenizer and model and every task's data load offline, with the banner, in well under a minute."""
    run = subprocess.run([*CUT, sys.executable, "-c", SNIPPET], cwd=REPO, capture_output=True, text=True, env=env(),
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "tiny" in run.stdout.splitlines()[0]  # the profile banner comes first
    assert "'pretrain'" in run.stdout


def test_lesson_00_runs_with_the_network_cut() -> None:
    """The setup lesson runs top to bottom in a kernel that has no network."""
    run = subprocess.run([*CUT, sys.executable, "-m", "utils.course.notebooks", "run", "lessons/00_setup.ipynb"],
                         cwd=REPO, capture_output=True, text=True, env=env(), timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "ran in" in run.stdout
