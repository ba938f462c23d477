"""Lesson 09's legal summarization: chunking long documents and checking a summary's facts."""
