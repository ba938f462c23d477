"""utils.chat: ChatML by hand equals the tokenizer's template, labels mask exactly the non-assistant tokens,
base models get a chat format, and generation pads on the left and stops at the end of the turn."""

from __future__ import annotations

import pytest
import torch
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

from utils.chat import (
    IGNORE_INDEX,
    add_chat_format,
    assistant_only_labels,
    chat_features,
    end_of_turn_probability,
    generate,
    generate_answers,
    position_ids,
    render_chatml,
    split_answers,
    stop_token_ids,
)
from utils.course.models import load_causal_lm, load_tokenizer

CHAT = [{"role": "system", "content": "You are the help desk."}, {"role": "user", "content": "How do I sign in?"},
        {"role": "assistant", "content": "Open the sign-in page and enter your email."}]


@pytest.fixture(scope="module")
def tokenizer():
    """The course tokenizer (ChatML template with generation markers)."""
    return load_tokenizer("gpt")


@pytest.fixture(scope="module")
def model():
    """The tiny GPT-2 base."""
    return load_causal_lm("gpt").eval()


def test_render_chatml_matches_the_tokenizer_template(tokenizer) -> None:
    assert render_chatml(CHAT) == tokenizer.apply_chat_template(CHAT, tokenize=False)
    assert render_chatml(CHAT[:2], add_generation_prompt=True) == tokenizer.apply_chat_template(
        CHAT[:2], tokenize=False, add_generation_prompt=True)
    assert render_chatml([]) == "" and render_chatml([], True) == "<|im_start|>assistant\n"


def test_assistant_only_labels() -> None:
    assert assistant_only_labels([4, 5, 6, 7], [0, 1, 1, 0]) == [IGNORE_INDEX, 5, 6, IGNORE_INDEX]
    with pytest.raises(ValueError, match="differ in length"):
        assistant_only_labels([1, 2], [1])


def test_chat_features_train_on_the_answer_and_its_end_of_turn(tokenizer) -> None:
    features = chat_features(tokenizer, CHAT)
    trained = [t for t in features["labels"] if t != IGNORE_INDEX]
    assert tokenizer.decode(trained) == CHAT[-1]["content"] + "<|im_end|>"
    assert all(lab in (IGNORE_INDEX, tok) for lab, tok in zip(features["labels"], features["input_ids"], strict=True))
    everything = chat_features(tokenizer, CHAT, assistant_only=False)
    assert everything["labels"] == everything["input_ids"] == features["input_ids"]


def test_add_chat_format_gives_a_base_model_chatml() -> None:
    vocab = {w: i for i, w in enumerate(["</s>", "hello", "world", "Ġ"])}
    raw = Tokenizer(models.WordLevel(vocab, unk_token="</s>"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(tokenizer_object=raw, eos_token="</s>")
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(vocab), n_embd=16, n_layer=1, n_head=2, n_positions=64))
    added = add_chat_format(model, tok)
    assert added == [4, 5, 6] and len(tok) == 7 and model.get_input_embeddings().num_embeddings == 7
    assert tok.pad_token == "<|pad|>" and model.config.pad_token_id == tok.pad_token_id == 4
    assert tok.apply_chat_template(CHAT[:2], tokenize=False) == render_chatml(CHAT[:2])
    assert stop_token_ids(tok) == [6, 0]
    assert add_chat_format(model, tok) == []  # a second call changes nothing


def test_position_ids_ignore_left_padding() -> None:
    mask = torch.tensor([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]])
    assert position_ids(mask).tolist() == [[0, 0, 0, 1, 2], [0, 1, 2, 3, 4]]


def test_generate_left_pads_and_matches_one_at_a_time(model, tokenizer) -> None:
    prompts = [CHAT[:2], [{"role": "user", "content": "Hi"}]]
    batched = generate(model, tokenizer, prompts, max_new_tokens=8)
    alone = [generate(model, tokenizer, [p], max_new_tokens=8)[0] for p in prompts]
    assert batched == alone and tokenizer.padding_side == "right"  # restored afterwards
    assert all(g.num_tokens <= 8 and (g.stop is None) == (not g.finished) for g in batched)
    assert generate_answers(model, tokenizer, prompts, max_new_tokens=8) == [g.text for g in batched]


def test_end_of_turn_probability_is_the_next_token_probability(model, tokenizer) -> None:
    probs = end_of_turn_probability(model, tokenizer, [CHAT, CHAT[:1] + CHAT[2:]], batch_size=1)
    ids = tokenizer.apply_chat_template(CHAT, continue_final_message=True, tokenize=True, return_dict=True)["input_ids"]
    with torch.no_grad():
        end = tokenizer.convert_tokens_to_ids("<|im_end|>")
        want = torch.softmax(model(torch.tensor([ids])).logits[0, -1], -1)[end]
    assert probs.shape == (2,) and torch.isclose(probs[0], want, atol=1e-5)
    batched = end_of_turn_probability(model, tokenizer, [CHAT, CHAT[:1] + CHAT[2:]], batch_size=2)
    assert torch.allclose(batched, probs, atol=1e-5)


def test_split_answers() -> None:
    prompts, refs = split_answers([{"messages": CHAT}])
    assert prompts == [CHAT[:2]] and refs == [CHAT[2]["content"]]
