"""utils.pair_scores: the chat batch is right-padded and its completion mask covers exactly the answer tokens."""

from __future__ import annotations

from utils.chat import IGNORE_INDEX, chat_features
from utils.course.models import load_tokenizer
from utils.pair_scores import chat_batch

PROMPTS = [[{"role": "system", "content": "You are the help desk."}, {"role": "user", "content": "How do I sign in?"}],
           [{"role": "user", "content": "Hi"}]]
ANSWERS = [[{"role": "assistant", "content": "Open the sign-in page and enter your email."}],
           [{"role": "assistant", "content": "Hello."}]]


def test_chat_batch_marks_the_answer_tokens_and_pads_on_the_right() -> None:
    tokenizer = load_tokenizer("gpt")
    batch = chat_batch(tokenizer, PROMPTS, ANSWERS)
    assert set(batch) == {"input_ids", "attention_mask", "completion_mask"}
    for i, (prompt, answer) in enumerate(zip(PROMPTS, ANSWERS, strict=True)):
        features = chat_features(tokenizer, [*prompt, *answer])
        n = len(features["input_ids"])
        assert batch["input_ids"][i, :n].tolist() == features["input_ids"]
        assert batch["attention_mask"][i].tolist() == [1] * n + [0] * (batch["input_ids"].shape[1] - n)
        assert batch["completion_mask"][i, :n].tolist() == [int(t != IGNORE_INDEX) for t in features["labels"]]
        assert (batch["input_ids"][i, n:] == tokenizer.pad_token_id).all() and not batch["completion_mask"][i, n:].any()
        answer_ids = batch["input_ids"][i][batch["completion_mask"][i].bool()].tolist()
        assert tokenizer.decode(answer_ids) == answer[0]["content"] + "<|im_end|>"
