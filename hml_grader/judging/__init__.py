"""Grading in one pass: the learner's notebook runs once, as written, in the sandboxed kernel, where every
check only writes down what the learner's code returned (:mod:`.record`); the trusted grader reads that
record (:mod:`.codec`, plain data only) and judges it with the real checks (:mod:`.judge`). What crosses
between the two is described in :mod:`.results`.
"""
