"""The course's three projects: a Q&A chatbot (qa), legal summarization (legal) and medical triage (triage)."""
