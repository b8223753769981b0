"""The seed sweep (see :mod:`tests.sweep`) of lesson 09."""

from .sweep import sweep

(test_the_reference_passes_on_every_seed,
 test_every_known_mistake_is_rejected_on_every_seed) = sweep(
    "lesson09")
