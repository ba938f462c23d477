"""Lesson 08's Q&A chatbot: Q&A data from documents, retrieval, answer metrics and a chat widget."""
