"""Talk to a chat model: a multi-turn session in plain Python, and a small ipywidgets chat box built on it."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from utils.chat import Message, generate_answers


def fit_history(tokenizer: Any, system: str, history: list[Message], message: str, budget: int) -> list[Message]:
    """The conversation to send: system prompt, as many recent turns as fit in `budget` tokens, the new message."""
    for start in range(0, len(history) + 1, 2):  # drop the oldest user/assistant pairs first
        conversation = [{"role": "system", "content": system}, *history[start:], {"role": "user", "content": message}]
        ids = tokenizer.apply_chat_template(conversation, add_generation_prompt=True, tokenize=True, return_dict=True)
        if len(ids["input_ids"]) <= budget:
            return conversation
    return conversation


def context_size(model: Any, default: int = 2048) -> int:
    """How many positions the model can attend to (max_position_embeddings), or `default` if it does not say."""
    return int(getattr(model.config, "max_position_embeddings", None) or default)


def chat_turn(model: Any, tokenizer: Any, history: list[Message], message: str, system: str,
              max_new_tokens: int = 96, **generate_kwargs: Any) -> tuple[str, list[Message]]:
    """Answer `message` after `history` (extra keywords go to `generate`); return the reply and the history extended
    by the two new turns."""
    budget = context_size(model) - max_new_tokens
    conversation = fit_history(tokenizer, system, history, message, budget)
    reply = generate_answers(model, tokenizer, [conversation], max_new_tokens, **generate_kwargs)[0]
    return reply, [*history, {"role": "user", "content": message}, {"role": "assistant", "content": reply}]


def transcript(history: list[Message]) -> str:
    """The conversation as plain text, one line per turn."""
    return "\n".join(f"{'you' if m['role'] == 'user' else 'assistant'}: {m['content']}" for m in history)


class ChatSession:
    """A multi-turn chat in plain Python (no widgets): `send` prints and returns each reply, `talk` reads a terminal."""

    def __init__(self, model: Any, tokenizer: Any, system: str, max_new_tokens: int = 96,
                 **generate_kwargs: Any) -> None:
        """Remember the model, the system prompt (`self.system`, editable) and the generation settings."""
        self.model, self.tokenizer, self.system = model, tokenizer, system
        self.generate_kwargs = {"max_new_tokens": max_new_tokens, **generate_kwargs}
        self.history: list[Message] = []

    def system_prompt(self) -> str:
        """The system prompt the next turn uses."""
        return self.system

    def send(self, text: str) -> str:
        """Answer `text` in the current conversation and return the reply ("" for a blank message)."""
        if not text.strip():
            return ""
        reply, self.history = chat_turn(self.model, self.tokenizer, self.history, text.strip(), self.system_prompt(),
                                        **self.generate_kwargs)
        self.show()
        return reply

    def reset(self) -> None:
        """Start a new conversation (the system prompt stays)."""
        self.history = []
        self.show()

    def show(self) -> None:
        """Print the last exchange (nothing after a reset)."""
        if self.history:
            print(transcript(self.history[-2:]))

    def _ipython_display_(self) -> None:
        """Show the whole conversation when the session is the value of a notebook cell."""
        print(transcript(self.history) or "(no messages yet: call .send(text), or .talk() in a terminal)")

    def talk(self, read: Callable[[str], str] = input) -> None:
        """Chat in a terminal: read messages until a blank line or end of input."""
        while True:
            try:
                text = read("you: ")
            except EOFError:
                return
            if not text.strip():
                return
            self.send(text)


def render_history(history: list[Message]) -> str:
    """The conversation as simple HTML, one paragraph per turn."""
    rows = [f"<p><b>{'You' if m['role'] == 'user' else 'Assistant'}:</b> {html.escape(m['content'])}</p>"
            for m in history]
    return "".join(rows) or "<p><i>Say hello.</i></p>"


class ChatBox(ChatSession):
    """An ipywidgets chat: editable system prompt, the conversation, a message box, Send and Reset buttons."""

    def __init__(self, model: Any, tokenizer: Any, system: str, max_new_tokens: int = 96,
                 **generate_kwargs: Any) -> None:
        """Build the widgets; `send(text)` does what the Send button does (handy without a browser)."""
        import ipywidgets as widgets

        super().__init__(model, tokenizer, system, max_new_tokens, **generate_kwargs)
        self.system_box = widgets.Textarea(value=system, description="System", layout=widgets.Layout(width="95%"))
        self.log = widgets.HTML(render_history([]))
        self.message = widgets.Text(placeholder="Ask the help desk ...", layout=widgets.Layout(width="70%"))
        send, reset = widgets.Button(description="Send", button_style="primary"), widgets.Button(description="Reset")
        send.on_click(lambda _: self.send(self.message.value))
        reset.on_click(lambda _: self.reset())
        self.view = widgets.VBox([self.system_box, self.log, widgets.HBox([self.message, send, reset])])

    def system_prompt(self) -> str:
        """The system prompt as edited in its box."""
        return self.system_box.value

    def show(self) -> None:
        """Empty the message box and redraw the conversation."""
        self.message.value = ""
        self.log.value = render_history(self.history)

    def _ipython_display_(self) -> None:
        """Show the chat box when it is the value of a notebook cell."""
        from IPython.display import display

        display(self.view)


def open_chat(model: Any, tokenizer: Any, system: str, **kwargs: Any) -> ChatSession:
    """A ChatBox where ipywidgets can be imported, else the plain ChatSession (same `send` and `reset`)."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        print("ipywidgets is not installed: using the plain-Python chat (call .send(text), or .talk() in a terminal).")
        return ChatSession(model, tokenizer, system, **kwargs)
    return ChatBox(model, tokenizer, system, **kwargs)
