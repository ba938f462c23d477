"""Shared code of the LLM training and fine-tuning course; lessons start with `from utils import setup`."""

from utils.course import setup

__all__ = ["setup"]
