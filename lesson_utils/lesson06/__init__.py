"""Lesson 06: optimizers (SGD with momentum, Adam, AdamW) with explicit state."""
