"""Lesson 08's Q&A chatbot: Q&A data from documents, retrieval, RAG prompts, answer metrics and a chat widget."""
