"""Lesson 08, the PyTorch training loop: references, known mistakes, checks and data.

torch is imported inside functions only, so importing this package stays light.
"""
