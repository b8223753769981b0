"""Lesson 05, backpropagation: reference, known mistakes, checks and a gradient-check helper."""
