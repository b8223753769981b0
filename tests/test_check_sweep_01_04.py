"""The seed sweep (see :mod:`tests.sweep`) of lessons 01 to 04."""

from .sweep import sweep

(test_the_reference_passes_on_every_seed,
 test_every_known_mistake_is_rejected_on_every_seed) = sweep(
    "lesson01", "lesson02", "lesson03", "lesson04")
