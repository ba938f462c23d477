"""Reference solutions of the lessons' exercises, one module per lesson (lessonNN.py)."""
