"""Visible checks for lesson 05's exercises (ChatML by hand, the assistant-only label mask, padding waste)."""

from __future__ import annotations

from collections.abc import Callable

from utils.checking import exercise, expect, expect_close, expect_int_list, expect_type

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
