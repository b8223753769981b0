"""The training loop twice, side by side: by hand in NumPy (lesson 03) and in PyTorch (lesson 08).

    python -m lesson_utils.train_loop              # lr 0.01: both converge to w = 2, b = 0, step for step
    python -m lesson_utils.train_loop --lr 1.0     # too large: both diverge to inf, then nan

Both fit y_hat = w * x + b to the four points (1, 2), (2, 4), (3, 6), (4, 8) from w = b = 0 with the mean squared
error and plain gradient descent. Each printed row is the loss before a step, beside the w and b it was computed
with. PyTorch is optional: without it only the NumPy loop runs.
"""

from __future__ import annotations

import argparse
import importlib.util
from collections.abc import Iterator

import numpy as np

X = np.array([1.0, 2.0, 3.0, 4.0])
Y = np.array([2.0, 4.0, 6.0, 8.0])

Row = tuple[int, float, float, float]
"""One step of a loop: the step, the loss before it, and the w and b that loss was computed with."""

HEADER = "{:>6}  {:^35}  {:^35}"
ROW = "{step:6d}  {numpy}  {torch}"
SAME = "after {steps} steps: NumPy w = {w:.6f}, b = {b:.6f}; PyTorch the same to 1e-9: {same}"
NUMPY_ONLY = "after {steps} steps: NumPy w = {w:.6f}, b = {b:.6f}"
NO_TORCH = "PyTorch is not installed, so only the NumPy loop ran."
DIVERGED = ("The loss grew without bound, to inf and then nan: every step overshot the minimum by more than the "
            "last. The learning rate is too large; try --lr 0.01.")
CONVERGED = "The loss fell from {first:.4g} to {last:.4g}: gradient descent converged towards w = 2, b = 0."
FALLING = "The loss fell from {first:.4g} to {last:.4g}; more steps (--steps) would take it further down."
CONVERGED_BELOW = 1e-3
"""A run whose last loss is below this fraction of its first counts as converged."""


def numpy_loop(lr: float, steps: int) -> Iterator[Row]:
    """Gradient descent by hand: forward, loss, gradients, step."""
    w, b = 0.0, 0.0
    n = len(X)
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            error = w * X + b - Y
            loss = float(np.mean(error**2))
            grad_w, grad_b = float((2 / n) * np.sum(error * X)), float((2 / n) * np.sum(error))
            yield step, loss, w, b
            w, b = w - lr * grad_w, b - lr * grad_b
    yield steps, float("nan"), w, b


def torch_loop(lr: float, steps: int) -> Iterator[Row]:
    """The same loop in PyTorch: the model, the loss and the optimizer do the forward, backward and step."""
    import torch
    from torch import nn

    X_t = torch.tensor(X, dtype=torch.float64).reshape(-1, 1)
    Y_t = torch.tensor(Y, dtype=torch.float64).reshape(-1, 1)
    model = nn.Linear(1, 1, dtype=torch.float64)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    for step in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(X_t), Y_t)
        loss.backward()
        yield step, loss.item(), model.weight.item(), model.bias.item()
        optimizer.step()
    yield steps, float("nan"), model.weight.item(), model.bias.item()


def _cell(row: Row | None) -> str:
    if row is None:
        return ""
    _, loss, w, b = row
    return f"{loss:11.4g} {w:11.4g} {b:11.4g}"


def run(lr: float, steps: int, report_every: int, with_torch: bool = True) -> list[str]:
    """The lines the script prints (PyTorch's loop beside NumPy's where ``with_torch`` and torch is installed)."""
    missing_torch = with_torch and importlib.util.find_spec("torch") is None
    with_torch = with_torch and not missing_torch
    numpy_rows = list(numpy_loop(lr, steps))
    torch_rows = list(torch_loop(lr, steps)) if with_torch else [None] * len(numpy_rows)
    lines = [f"lr = {lr:g}, {steps} steps on (1, 2), (2, 4), (3, 6), (4, 8), from w = b = 0",
             HEADER.format("step", "NumPy: loss, w, b", "PyTorch: loss, w, b" if with_torch else "").rstrip()]
    for numpy_row, torch_row in zip(numpy_rows[:-1], torch_rows[:-1], strict=True):
        if numpy_row[0] % report_every == 0:
            lines.append(ROW.format(step=numpy_row[0], numpy=_cell(numpy_row), torch=_cell(torch_row)).rstrip())
    _, _, w, b = numpy_rows[-1]
    if with_torch:
        _, _, w_t, b_t = torch_rows[-1]
        same = bool(np.isclose(w, w_t, rtol=0, atol=1e-9) and np.isclose(b, b_t, rtol=0, atol=1e-9)) or (
            np.isnan(w) and np.isnan(w_t))
        lines.append(SAME.format(steps=steps, w=w, b=b, same=same))
    else:
        lines.append(NUMPY_ONLY.format(steps=steps, w=w, b=b))
    if missing_torch:
        lines.append(NO_TORCH)
    losses = [row[1] for row in numpy_rows[:-1]]
    first, last = losses[0], losses[-1]
    if not (np.isfinite(w) and np.isfinite(b) and last <= first):
        lines.append(DIVERGED)
    else:
        lines.append((CONVERGED if last < CONVERGED_BELOW * first else FALLING).format(first=first, last=last))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lesson_utils.train_loop", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lr", type=float, default=0.01, help="the learning rate (default 0.01; try 1.0)")
    parser.add_argument("--steps", type=int, default=1000, help="how many steps (default 1000)")
    parser.add_argument("--report-every", type=int, default=200, help="print every this many steps (default 200)")
    parser.add_argument("--numpy-only", action="store_true", help="run the NumPy loop only")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.report_every < 1:
        parser.error("--steps and --report-every must be at least 1")
    print("\n".join(run(args.lr, args.steps, args.report_every, with_torch=not args.numpy_only)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
