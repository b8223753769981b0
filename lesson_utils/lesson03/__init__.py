"""Lesson 03, gradient descent by hand: reference, known mistakes, checks and plots."""
