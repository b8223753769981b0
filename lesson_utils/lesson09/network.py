"""What the capstone hands the learner ready-made: starting weights for a two-layer network, and the same network
as a PyTorch model with those weights."""

from __future__ import annotations

from typing import Any

import numpy as np


def init_params(d: int, hidden: int, k: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Starting weights for linear (d -> hidden) -> ReLU -> linear (hidden -> k): W1 and W2 drawn from a normal
    distribution with variance 2 / fan-in (He initialisation, which keeps ReLU layers' outputs at a steady
    scale), b1 and b2 zero. Float64 arrays, drawn from ``rng``."""
    return {
        "W1": rng.normal(0.0, np.sqrt(2.0 / d), size=(d, hidden)),
        "b1": np.zeros(hidden),
        "W2": rng.normal(0.0, np.sqrt(2.0 / hidden), size=(hidden, k)),
        "b2": np.zeros(k),
    }


def torch_twin(params: dict[str, np.ndarray]) -> Any:
    """``nn.Sequential(Linear, ReLU, Linear)`` in float64 holding exactly ``params`` (torch keeps a layer's
    weight as (out, in), the transpose of our W)."""
    import torch
    from torch import nn

    d, hidden = np.shape(params["W1"])
    k = np.shape(params["W2"])[1]
    model = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, k)).double()
    with torch.no_grad():
        for layer, (W, b) in zip((model[0], model[2]), (("W1", "b1"), ("W2", "b2")), strict=True):
            layer.weight.copy_(torch.from_numpy(np.array(params[W], dtype=np.float64).T))
            layer.bias.copy_(torch.from_numpy(np.array(params[b], dtype=np.float64)))
    return model
