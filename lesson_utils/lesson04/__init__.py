"""Lesson 04, minibatches and epochs: reference, known mistakes, checks and plots."""
