"""Visible checks for lesson 09's exercises (token windows, unsupported numbers, map-reduce on words, the seq2seq
collator)."""

from __future__ import annotations

from collections.abc import Callable

# Imported with the module, not in the check: the grader imports the checks once and forks for every exercise.
import torch
from transformers import DataCollatorForSeq2Seq, T5Config, T5ForConditionalGeneration

from utils.checking import exercise, expect, expect_tensor, expect_type
from utils.course.models import load_tokenizer
from utils.summarization import seq2seq_features


@exercise("9.1", "chunk_tokens")
def check_chunk_tokens(chunk_tokens: Callable[[list[int], int, int], list[list[int]]]) -> None:
    """chunk_tokens cuts windows of `size` that advance by `size - overlap` and stop once one reaches the end."""
    cases = [(10, 4, 1, [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]), (4, 4, 1, [[0, 1, 2, 3]]),
             (5, 4, 1, [[0, 1, 2, 3], [3, 4]]), (9, 3, 0, [[0, 1, 2], [3, 4, 5], [6, 7, 8]]),
             (11, 4, 2, [[0, 1, 2, 3], [2, 3, 4, 5], [4, 5, 6, 7], [6, 7, 8, 9], [8, 9, 10]]), (0, 4, 1, [[]]),
             (3, 8, 2, [[0, 1, 2]])]
    for n, size, overlap, want in cases:
        got = chunk_tokens(list(range(n)), size, overlap)
        what = f"chunk_tokens(list(range({n})), size={size}, overlap={overlap})"
        expect_type(got, list, what)
        expect(all(type(c) is list for c in got), f"{what} should be a list of lists.")
        expect(got == want, f"{what} should be {want}, got {got}.")
    for size, overlap in [(4, 4), (4, 5), (4, -1)]:
        try:
            chunk_tokens([1, 2, 3], size, overlap)
        except ValueError:
            continue
        expect(False, f"chunk_tokens(..., size={size}, overlap={overlap}) should raise ValueError.")


@exercise("9.2", "unsupported_numbers")
def check_unsupported_numbers(unsupported_numbers: Callable[[str, str], list[str]]) -> None:
    """unsupported_numbers lists, sorted and without commas, the summary's numbers that the source lacks."""
    source = "The rent is $12,500 per month for 24 months from 3 May 2025, with 99.9% uptime."
    cases = [("Rent is $12,500 for 24 months.", []), ("Rent is $12500 for 36 months.", ["36"]),
             ("Rent $13,000 for 12 months, 99.5% uptime, from 2026.", ["12", "13000", "2026", "99.5"]),
             ("No numbers here.", []), ("It runs 36 months, then 36 more.", ["36"])]
    for summary, want in cases:
        got = unsupported_numbers(summary, source)
        what = f"unsupported_numbers({summary!r}, source)"
        expect_type(got, list, what)
        expect(all(type(x) is str for x in got), f"{what} should hold strings.")
        expect(got == want, f"{what} should be {want}, got {got}.")


@exercise("9.3", "map_reduce_words")
def check_map_reduce_words(map_reduce_words: Callable[..., str]) -> None:
    """map_reduce_words summarizes word windows, joins the results and repeats until one window remains."""
    calls: list[list[str]] = []

    def first_two(texts: list[str]) -> list[str]:
        calls.append(list(texts))
        return [" ".join(t.split()[:2]) for t in texts]

    text = " ".join(f"w{i}" for i in range(10))
    got = map_reduce_words(text, first_two, 4)
    expect_type(got, str, "map_reduce_words(10 words, first_two, 4)")
    want_calls = [["w0 w1 w2 w3", "w4 w5 w6 w7", "w8 w9"], ["w0 w1 w4 w5", "w8 w9"], ["w0 w1 w8 w9"]]
    expect(calls == want_calls, f"summarize should be called with {want_calls}, got {calls}.")
    expect(got == "w0 w1", f"map_reduce_words(10 words, first_two, 4) should be 'w0 w1', got {got!r}.")
    calls.clear()
    got = map_reduce_words("a b c", first_two, 4)
    expect(calls == [["a b c"]] and got == "a b", "a text of one window should be summarized once, as it is.")


@exercise("9.4", "seq2seq_collate")
def check_seq2seq_collate(seq2seq_collate: Callable[..., dict]) -> None:
    """seq2seq_collate makes the batch transformers' DataCollatorForSeq2Seq makes for a T5 model."""
    tokenizer = load_tokenizer("seq2seq")
    start = 5  # not the pad id (T5's own start token is its pad token, which would hide a mix-up)
    t5 = T5ForConditionalGeneration(T5Config(vocab_size=len(tokenizer), d_model=8, d_ff=8, d_kv=4, num_heads=1,
                                             num_layers=1, decoder_start_token_id=start,
                                             pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id))
    library = DataCollatorForSeq2Seq(tokenizer, model=t5)
    documents = ["The tenant pays $12,500 a month for 24 months.", "A lease.", "Acme Ltd lends Beta LLC $5,900.",
                 "The parties agree."]
    summaries = ["Rent of $12,500.", "A short lease between two parties for one year.", "A loan.",
                 "An agreement with no terms."]
    encoded = seq2seq_features(tokenizer, documents, summaries, 64, 32)
    rows = [{key: list(encoded[key][i]) for key in ("input_ids", "attention_mask", "labels")} for i in
            range(len(documents))]
    for batch in (rows[:2], rows[1:], rows[2:3]):
        want = library([{k: list(v) for k, v in row.items()} for row in batch])
        got = seq2seq_collate([{k: list(v) for k, v in row.items()} for row in batch], tokenizer.pad_token_id, start)
        what = f"seq2seq_collate(a batch of {len(batch)})"
        expect_type(got, dict, what)
        keys = ["input_ids", "attention_mask", "labels", "decoder_input_ids"]
        expect(sorted(got) == sorted(keys), f"{what} should have the keys {keys}, got {sorted(got)}.")
        for key in keys:
            expect_tensor(got[key], tuple(want[key].shape), torch.long, f"{what}[{key!r}]")
        for key in ("input_ids", "attention_mask"):
            expect(torch.equal(got[key], want[key]), f"{what}[{key!r}] should be padded on the right to the longest "
                   f"input with {'the pad id' if key == 'input_ids' else '0'}: want {want[key].tolist()}, got "
                   f"{got[key].tolist()}.")
        labels, decoder = got["labels"], got["decoder_input_ids"]
        expect(not (labels == tokenizer.pad_token_id).any() or torch.equal(labels, want["labels"]),
               f"{what}['labels'] should be padded with -100 (ignored by the loss), not with the pad id: got "
               f"{labels.tolist()}.")
        expect(torch.equal(labels, want["labels"]), f"{what}['labels'] should be {want['labels'].tolist()}, got "
               f"{labels.tolist()}.")
        expect(not (decoder == -100).any(), f"{what}['decoder_input_ids'] holds -100, which is not a token: "
               "replace it with the pad id.")
        expect(bool((decoder[:, 0] == start).all()), f"{what}['decoder_input_ids'] should start every row with "
               f"decoder_start_id={start}, got first column {decoder[:, 0].tolist()}.")
        expect(torch.equal(decoder, want["decoder_input_ids"]), f"{what}['decoder_input_ids'] should be the labels "
               f"shifted one position right: {want['decoder_input_ids'].tolist()}, got {decoder.tolist()}.")
