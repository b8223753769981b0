"""Lesson 02, softmax: reference, known mistakes and checks."""
