"""Lesson 07, overfitting and early stopping: reference, known mistakes, checks, data and plots."""
