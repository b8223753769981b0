"""Lesson 01, loss functions: reference, known mistakes and checks."""
