"""Unit tests of the project helpers that run a model (random tiny weights): chat turns, pair scores, summarizers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, T5Config, T5ForConditionalGeneration

from utils.chat import stop_token_ids
from utils.course.random_models import course_chat_tokenizer, save_random_model
from utils.pair_scores import answer_logprobs, preference_margins
from utils.projects.qa.chat_widget import ChatBox, ChatSession, chat_turn, fit_history, open_chat
from utils.summarization import complete, fit_document, seq2seq_features, summarize_seq2seq, summary_prompt

SYSTEM = "You are a test assistant."


@pytest.fixture(scope="module")
def chat_model(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """A random GPT-2 with the course tokenizer (ChatML template), small context of 128 positions."""
    folder = save_random_model("gpt2", tmp_path_factory.mktemp("gpt2"), n_positions=128, max_position_embeddings=128)
    return AutoModelForCausalLM.from_pretrained(folder).eval(), AutoTokenizer.from_pretrained(folder)


def test_chat_turn_keeps_history_and_fits_the_context(chat_model: tuple) -> None:
    model, tokenizer = chat_model
    reply, history = chat_turn(model, tokenizer, [], "Hello there", SYSTEM, max_new_tokens=5)
    assert type(reply) is str and [m["role"] for m in history] == ["user", "assistant"]
    long = [{"role": "user", "content": "word " * 40}, {"role": "assistant", "content": "word " * 40}] * 3
    conversation = fit_history(tokenizer, SYSTEM, long, "hi", budget=120)
    assert conversation[0]["content"] == SYSTEM and conversation[-1]["content"] == "hi"
    assert len(conversation) < len(long) + 2 and (len(conversation) - 2) % 2 == 0
    _, history = chat_turn(model, tokenizer, long, "hi", SYSTEM, max_new_tokens=5)  # would overflow 128 positions
    assert len(history) == len(long) + 2


def test_chat_box_sends_and_resets(chat_model: tuple) -> None:
    model, tokenizer = chat_model
    box = open_chat(model, tokenizer, SYSTEM, max_new_tokens=4, no_repeat_ngram_size=2)
    assert type(box) is ChatBox
    box.system_box.value = "You answer in French."  # the edited prompt is the one sent
    box.send("Is the box working?")
    assert len(box.history) == 2 and "Is the box working?" in box.log.value and box.message.value == ""
    assert box.send("   ") == "" and len(box.history) == 2
    box.reset()
    assert box.history == [] and "Say hello" in box.log.value


def end_of_input(prompt: str) -> str:
    """A terminal whose input has ended (Ctrl-D)."""
    raise EOFError


def test_plain_chat_without_widgets(chat_model: tuple, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture) -> None:
    model, tokenizer = chat_model
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` now raises ImportError
    chat = open_chat(model, tokenizer, SYSTEM, max_new_tokens=4)
    assert type(chat) is ChatSession and "ipywidgets is not installed" in capsys.readouterr().out
    lines = iter(["Hello", "Second question", ""])
    chat.talk(read=lambda prompt: next(lines))
    assert [m["role"] for m in chat.history] == ["user", "assistant"] * 2
    assert "you: Second question" in capsys.readouterr().out
    chat.talk(read=end_of_input)
    chat._ipython_display_()  # what a notebook shows for the session: the whole conversation
    assert capsys.readouterr().out.startswith("you: Hello\nassistant: ")
    chat.reset()
    assert chat.history == []


def test_answer_logprobs_match_a_direct_computation(chat_model: tuple) -> None:
    model, tokenizer = chat_model
    prompt = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "Hi"}]
    answers = [[{"role": "assistant", "content": "Hello."}], [{"role": "assistant", "content": "A longer reply."}]]
    scores = answer_logprobs(model, tokenizer, [prompt, prompt], answers)
    full = tokenizer.apply_chat_template([*prompt, *answers[1]], tokenize=True, return_dict=True)["input_ids"]
    head = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=True,
                                         return_dict=True)["input_ids"]
    with torch.no_grad():
        logits = model(torch.tensor([full])).logits[0].log_softmax(-1)
    end = full.index(tokenizer.convert_tokens_to_ids("<|im_end|>"), len(head))  # answer tokens and end of turn
    want = sum(logits[t - 1, full[t]].item() for t in range(len(head), end + 1))
    assert scores.shape == (2,) and abs(scores[1].item() - want) < 1e-4
    rows = [{"prompt": prompt, "chosen": answers[0], "rejected": answers[1]}]
    assert torch.allclose(preference_margins(model, tokenizer, rows), scores[:1] - scores[1:])


def test_decoder_prompt_fits_and_completes(chat_model: tuple) -> None:
    model, tokenizer = chat_model
    document = " ".join(f"clause{i}" for i in range(200))
    cut = fit_document(tokenizer, document, budget=60)
    assert len(tokenizer(summary_prompt(cut), add_special_tokens=False)["input_ids"]) <= 60 < len(
        tokenizer(summary_prompt(document), add_special_tokens=False)["input_ids"])
    assert fit_document(tokenizer, "short", budget=60) == "short"
    outs = complete(model, tokenizer, [summary_prompt("a"), summary_prompt(cut)], max_new_tokens=3)
    assert len(outs) == 2 and all(type(o) is str for o in outs) and tokenizer.padding_side == "right"
    ids = tokenizer(summary_prompt(cut), add_special_tokens=False, return_tensors="pt")["input_ids"]
    with torch.no_grad():  # the prompt goes in exactly as written: the same greedy continuation as a direct generate
        new = model.generate(ids, max_new_tokens=3, do_sample=False, eos_token_id=stop_token_ids(tokenizer),
                             pad_token_id=tokenizer.pad_token_id)[0, ids.shape[1]:]
    assert outs[1] == tokenizer.decode(new, skip_special_tokens=True).strip()


def test_seq2seq_features_and_summaries(tmp_path: Path) -> None:
    tokenizer = course_chat_tokenizer()
    config = T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=16, d_ff=64, num_layers=1, num_heads=2,
                      pad_token_id=0, bos_token_id=1, eos_token_id=2, decoder_start_token_id=2)
    torch.manual_seed(0)
    model = T5ForConditionalGeneration(config).eval()
    features = seq2seq_features(tokenizer, ["one two three four five six"], ["one two"], max_source=4, max_target=2)
    assert len(features["input_ids"][0]) == 4 and len(features["labels"][0]) == 2
    outs = summarize_seq2seq(model, tokenizer, ["a long document " * 30, "short"], max_source=16, max_new_tokens=4)
    assert len(outs) == 2 and all(type(o) is str for o in outs)
