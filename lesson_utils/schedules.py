"""The learning-rate schedule of lessons 06 and 08: linear warm-up, then cosine decay.

Lesson 06 writes this function out and compares it with torch's schedulers; lesson 08 uses it with
``torch.optim.lr_scheduler.LambdaLR``; the optimizer checks draw their closed loop's learning rates from it.
"""

from __future__ import annotations

import numpy as np


def warmup_cosine(step, base_lr, warmup_steps, total_steps, start_factor=0.1, min_lr=0.0):
    """The learning rate at step (0, 1, ...; one step or an array of them): a linear warm-up from
    start_factor * base_lr to base_lr over warmup_steps steps, then a cosine decay to min_lr at total_steps."""
    step = np.asarray(step, dtype=float)
    warm = base_lr * (start_factor + (1 - start_factor) * step / warmup_steps)
    progress = np.clip((step - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    cosine = min_lr + (base_lr - min_lr) * (1 + np.cos(np.pi * progress)) / 2
    lr = np.where(step < warmup_steps, warm, cosine)
    return float(lr) if lr.ndim == 0 else lr
