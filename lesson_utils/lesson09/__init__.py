"""Lesson 09, the capstone: a network trained end to end with the learner's own pieces, then matched by PyTorch."""
