"""Visible checks for lesson 05's exercises (ChatML by hand, the assistant-only label mask, padding waste, a chat
data collator)."""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch
from trl.trainer.sft_trainer import DataCollatorForLanguageModeling as TrlCollator

from utils.checking import exercise, expect, expect_close, expect_int_list, expect_tensor, expect_type

SYSTEM = {"role": "system", "content": "You are the Northwind Cloud help-desk assistant."}
USER = {"role": "user", "content": "How do I reset my password?"}
ASSISTANT = {"role": "assistant", "content": "Click Forgot password on the sign-in page.\nThen check your email."}


@exercise("5.1", "render_chatml")
def check_render_chatml(render_chatml: Callable[..., str]) -> None:
    """render_chatml writes <|im_start|>role\\ncontent<|im_end|>\\n per message, plus the assistant header if asked."""
    full = ("<|im_start|>system\nYou are the Northwind Cloud help-desk assistant.<|im_end|>\n"
            "<|im_start|>user\nHow do I reset my password?<|im_end|>\n"
            "<|im_start|>assistant\nClick Forgot password on the sign-in page.\nThen check your email.<|im_end|>\n")
    got = render_chatml([SYSTEM, USER, ASSISTANT])
    expect_type(got, str, "render_chatml(system, user, assistant)")
    expect(got == full, f"render_chatml of a system/user/assistant conversation should be\n{full!r}\ngot\n{got!r}")
    prompt = render_chatml([SYSTEM, USER], add_generation_prompt=True)
    expect_type(prompt, str, "render_chatml(..., add_generation_prompt=True)")
    header = "<|im_start|>assistant\n"
    expect(prompt.endswith(header), f"with add_generation_prompt=True the text should end with {header!r}, "
                                    f"got ...{prompt[-40:]!r}")
    expect(prompt == full.split("<|im_start|>assistant")[0] + header,
           f"render_chatml([system, user], add_generation_prompt=True) should be the two messages then {header!r}.")
    no_header = render_chatml([SYSTEM, USER])
    expect(not no_header.endswith(header), "without add_generation_prompt there should be no assistant header.")
    expect(render_chatml([]) == "", f"render_chatml([]) should be an empty string, got {render_chatml([])!r}.")
    expect(render_chatml([], add_generation_prompt=True) == header,
           f"render_chatml([], add_generation_prompt=True) should be {header!r}.")


@exercise("5.2", "assistant_only_labels")
def check_assistant_only_labels(assistant_only_labels: Callable[[list, list], list]) -> None:
    """assistant_only_labels keeps the id where the mask is 1 and writes -100 where it is 0."""
    cases = [([5, 89, 95, 6, 5, 2221, 205, 39, 1503, 6, 205], [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0],
              [-100] * 7 + [39, 1503, 6, -100]),
             ([7, 8, 9], [1, 1, 1], [7, 8, 9]), ([7, 8, 9], [0, 0, 0], [-100, -100, -100]), ([], [], []),
             ([0, 4, 0], [1, 0, 1], [0, -100, 0])]
    for ids, mask, want in cases:
        got = assistant_only_labels(list(ids), list(mask))
        what = f"assistant_only_labels({ids}, {mask})"
        expect_int_list(got, want, what)
    try:
        assistant_only_labels([1, 2, 3], [1, 0])
    except ValueError:
        return
    expect(False, "assistant_only_labels([1, 2, 3], [1, 0]) should raise ValueError: the lengths differ.")


@exercise("5.3", "padding_waste")
def check_padding_waste(padding_waste: Callable[[list, int], float]) -> None:
    """padding_waste = 1 - real tokens / slots, batching in order and padding each batch to its longest."""
    cases = [([3, 5, 2, 2], 2, 1 - 12 / 14), ([4, 1, 1], 2, 1 - 6 / 9), ([1, 5, 1, 5], 2, 0.4), ([1, 1, 5, 5], 2, 0.0),
             ([7, 3, 9], 1, 0.0), ([2, 4, 6, 8, 10], 5, 1 - 30 / 50), ([10, 20, 30], 8, 1 - 60 / 90), ([], 4, 0.0)]
    for lengths, batch_size, want in cases:
        got = padding_waste(list(lengths), batch_size)
        what = f"padding_waste({lengths}, batch_size={batch_size})"
        expect(type(got) in (int, float), f"{what} should return a number, got {type(got).__name__}.")
        if lengths == [1, 5, 1, 5] and abs(got) < 1e-9:
            expect(False, f"{what} should be 0.4: batch the examples in their order, do not sort them.")
        expect_close(float(got), want, what, rtol=1e-9, atol=1e-9)


@exercise("5.4", "collate_chat")
def check_collate_chat(collate_chat: Callable[..., dict]) -> None:
    """collate_chat pads on the right by position and labels only the assistant's tokens, as trl's collator does."""
    # ids as the course tokenizer writes them: 5 = <|im_start|>, 6 = <|im_end|>, 205 = "\n"; the answers end with 6
    chats = [([5, 89, 95, 6, 205, 5, 1687, 686, 205, 39, 1503, 6, 205], [0] * 9 + [1, 1, 1, 0]),
             ([5, 438, 267, 205, 1623, 6, 205, 5, 1687, 686, 205, 1892, 20, 6, 205, 5, 1687, 686, 205, 7, 6, 205],
              [0] * 11 + [1, 1, 1] + [0] * 5 + [1, 1, 0]),
             ([5, 1687, 686, 205, 12, 6], [0, 0, 0, 0, 1, 1])]
    cases = [(chats, 0, None), (chats, 6, None), (chats[:1], 0, None), (chats, 0, 8), (chats[2:], 3, 4)]
    for rows, pad_id, multiple in cases:
        features = [{"input_ids": list(ids), "assistant_masks": list(mask)} for ids, mask in rows]
        given = copy.deepcopy(features)
        call = f"collate_chat({len(rows)} chats of {[len(ids) for ids, _ in rows]} tokens, pad_token_id={pad_id}" + \
            (f", pad_to_multiple_of={multiple})" if multiple else ")")
        got = collate_chat(given, pad_id, multiple) if multiple else collate_chat(given, pad_id)
        expect(given == features, f"{call} changed the features it was given; build new lists instead.")
        expect(type(got) is dict, f"{call} should return a plain dict, got {type(got).__name__}.")
        keys = {"input_ids", "attention_mask", "labels"}
        expect(set(got) == keys, f"{call} should return exactly the keys {sorted(keys)}, got {sorted(got)}.")
        want = TrlCollator(pad_token_id=pad_id, pad_to_multiple_of=multiple)(
            [{"input_ids": ids, "labels": [t if m else -100 for t, m in zip(ids, mask, strict=True)]}
             for ids, mask in rows])
        for key in ("input_ids", "attention_mask", "labels"):
            expect_tensor(got[key], tuple(want[key].shape), torch.int64, f"{key} of {call}")
        if not torch.equal(got["input_ids"], want["input_ids"]):
            left = torch.stack([torch.cat([want["input_ids"][i][want["attention_mask"][i] == 0],
                                           want["input_ids"][i][want["attention_mask"][i] == 1]])
                                for i in range(len(rows))])
            expect(not torch.equal(got["input_ids"], left), f"{call} pads on the left; pad training batches on "
                                                            "the right.")
            expect(False, f"input_ids of {call} should be\n{want['input_ids'].tolist()}\n"
                          f"got\n{got['input_ids'].tolist()}")
        expect(torch.equal(got["attention_mask"], want["attention_mask"]),
               f"attention_mask of {call} should be 1 on the real tokens and 0 on the pads: "
               f"{want['attention_mask'].tolist()}, got {got['attention_mask'].tolist()}")
        if not torch.equal(got["labels"], want["labels"]):
            real_end = (want["input_ids"] == pad_id) & (want["attention_mask"] == 1)
            if real_end.any() and bool((got["labels"][real_end] == -100).any()):
                expect(False, f"labels of {call}: a real token with the pad id {pad_id} (here the end-of-turn "
                              "token, as with pad = EOS) got -100. Mask the padding by position, from the lengths, "
                              "not by its id.")
            pads = want["attention_mask"] == 0
            expect(not bool((got["labels"][pads] != -100).any()), f"labels of {call} should be -100 on the pads.")
            expect(False, f"labels of {call} should be the token id where the assistant mask is 1 and -100 "
                          f"elsewhere:\n{want['labels'].tolist()}\ngot\n{got['labels'].tolist()}")
