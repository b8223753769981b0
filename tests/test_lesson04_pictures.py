"""Lesson 04's pictures: does the timeline of batches and steps show what one epoch after another hands out, and
does the toy landscape with a shallow dip behave as the lesson says (full-batch descent stays, small batches leave
and do not come back)?"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

from lesson_utils.lesson04 import plots, reference

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# --- the timeline of batches and steps ---------------------------------------------------


@pytest.mark.parametrize(("n", "batch_size", "num_epochs"), [(10, 4, 3), (20, 8, 3), (12, 4, 2), (5, 8, 2), (7, 1, 2)])
def test_the_timeline_has_every_example_once_per_epoch_and_steps_that_run_on(n, batch_size, num_epochs):
    """Does the timeline give every example exactly once per epoch, with ceil(n / batch_size) steps per epoch, full
    batches but for a shorter last one, and the step numbers running on across epochs?"""
    epochs = plots.batch_timeline(n, batch_size, num_epochs, seed=0)
    per_epoch = math.ceil(n / batch_size)
    assert len(epochs) == num_epochs
    steps = [step for batches in epochs for step, _ in batches]
    assert steps == list(range(1, num_epochs * per_epoch + 1))
    for batches in epochs:
        assert len(batches) == per_epoch
        sizes = [len(idx) for _, idx in batches]
        assert sizes[:-1] == [batch_size] * (per_epoch - 1)
        assert sizes[-1] == n - (per_epoch - 1) * batch_size
        assert sorted(np.concatenate([idx for _, idx in batches]).tolist()) == list(range(n))


def test_the_timeline_is_the_batches_iterate_minibatches_hands_out():
    """With the same seed, are the timeline's batches those of the lesson's iterate_minibatches, epoch after epoch
    from one generator, and a new order in every epoch?"""
    n, batch_size, num_epochs = 10, 4, 3
    ids = np.arange(n)
    rng = np.random.default_rng(0)
    expected = [[y_batch.tolist() for _, y_batch in reference.iterate_minibatches(ids[:, None], ids, batch_size, rng)]
                for _ in range(num_epochs)]
    got = [[idx.tolist() for _, idx in batches] for batches in plots.batch_timeline(n, batch_size, num_epochs, 0)]
    assert got == expected
    orders = [[i for batch in epoch for i in batch] for epoch in got]
    assert orders[0] != orders[1] and orders[1] != orders[2]


def test_the_timeline_picture_draws_one_box_per_step_as_wide_as_its_batch():
    """Does the picture hold one box per step, labelled "step 1" to "step 9", each as wide as its batch (the last
    of each epoch half as wide), with every example's number written once per epoch?"""
    ax = plots.plot_batch_timeline(10, 4, 3, seed=0)
    boxes = [patch for patch in ax.patches if patch.get_width() > 0]
    assert len(boxes) == 9
    widths = sorted(round(box.get_width()) for box in boxes)
    assert widths == [2, 2, 2, 4, 4, 4, 4, 4, 4]
    texts = [t.get_text() for t in ax.texts]
    assert [t for t in texts if t.startswith("step")] == [f"step {k}" for k in range(1, 10)]
    numbers = [t for t in texts if t.isdigit()]
    assert sorted(numbers) == sorted([str(i) for i in range(10)] * 3)
    assert "3 steps per epoch" in ax.get_title() and "9 steps in 3 epochs" in ax.get_title()
    assert ax.get_xlabel() and [t.get_text() for t in ax.get_yticklabels()] == ["epoch 3", "epoch 2", "epoch 1"]


# --- minibatch noise and a shallow dip ---------------------------------------------------


def test_the_tilts_average_to_zero_so_the_full_loss_is_f():
    """Do the tilts average to zero with the chosen spread, so that the mean of the examples' losses is f and a
    batch holding every example has the gradient f'?"""
    tilts = plots.dip_tilts()
    assert len(tilts) == plots.DIP_N
    assert abs(np.mean(tilts)) < 1e-12
    assert np.std(tilts) == pytest.approx(plots.DIP_SPREAD)
    for theta in np.linspace(-4, 4, 17):
        assert np.mean(plots.example_losses(theta, tilts)) == pytest.approx(float(plots.dip_loss(theta)), abs=1e-12)
    different = plots.dip_tilts(seed=1)
    assert not np.allclose(tilts, different) and abs(np.mean(different)) < 1e-12


def test_the_slope_is_the_derivative_of_the_loss():
    """Is dip_slope the centred difference of dip_loss across the drawn range?"""
    theta = np.linspace(-4.2, 4.2, 169)
    h = 1e-6
    numeric = (plots.dip_loss(theta + h) - plots.dip_loss(theta - h)) / (2 * h)
    np.testing.assert_allclose(plots.dip_slope(theta), numeric, atol=1e-6)


def test_the_landscape_has_a_shallow_dip_a_hump_and_a_deep_valley():
    """Is the slope zero at the three landmarks, are they a minimum, a maximum and a minimum in that order, and is
    the hump 0.12 above the dip but 4.75 above the valley?"""
    shallow, hump, deep = plots.dip_landmarks()
    assert -3 < shallow < hump < deep < 3.5
    for where in (shallow, hump, deep):
        assert abs(float(plots.dip_slope(where))) < 1e-9
    h = 1e-4
    curvature = [(plots.dip_slope(x + h) - plots.dip_slope(x - h)) / (2 * h) for x in (shallow, hump, deep)]
    assert curvature[0] > 0 > curvature[1] and curvature[2] > 0
    f = plots.dip_loss
    assert round(float(f(hump) - f(shallow)), 2) == 0.12
    assert round(float(f(hump) - f(deep)), 2) == 4.75
    assert shallow > plots.DIP_START and plots.dip_slope(plots.DIP_START) < 0  # on the dip's outer wall


def test_a_step_is_the_slope_plus_the_mean_tilt_of_a_shuffled_batch():
    """Is a minibatch step theta - lr (f'(theta) + mean of its batch's tilts), the batches cut from a fresh
    permutation each epoch, as iterate_minibatches cuts them (the last one shorter)?"""
    tilts = plots.dip_tilts(n=10)
    lr, start, batch_size = 0.1, -2.5, 4
    path = plots.sgd_paths(batch_size, runs=1, first_seed=3, start=start, tilts=tilts, lr=lr, num_steps=6)[0]
    rng = np.random.default_rng(3)
    theta, expected = start, [start]
    for _ in range(2):
        for X_batch, _ in reference.iterate_minibatches(tilts[:, None], tilts, batch_size, rng):
            theta = theta - lr * (float(plots.dip_slope(theta)) + np.mean(X_batch[:, 0]))
            expected.append(theta)
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-12)


def test_escapes_counts_a_run_that_went_back():
    """Does escapes tell a run that reached the valley's floor and stayed from one that went back over the hump,
    and from one that never left the dip?"""
    shallow, hump, deep = plots.dip_landmarks()
    stayed = [shallow, hump + 0.1, deep + 0.1, deep]
    went_back = [shallow, deep + 0.1, hump - 0.1, shallow]
    never = [shallow, hump - 0.01, shallow, shallow]
    outcome = plots.escapes(np.array([stayed, went_back, never]))
    assert outcome == {"ended_deep": 1, "arrivals": [2, 1], "went_back": 1}


@pytest.mark.parametrize("first_seed", [0, 100, 1000])
def test_full_batch_stays_in_the_dip_and_batch_size_1_leaves_it_for_good(first_seed):
    """From the shallow dip, does full-batch descent stay while batch-size-1 SGD leaves it in most seeded runs (in
    several seed ranges, so not a lucky seed), and does no run that reached the deep valley go back?"""
    full = plots.sgd_paths(None, runs=20, first_seed=first_seed)
    shallow, hump, _ = plots.dip_landmarks()
    assert plots.escapes(full)["ended_deep"] == 0
    np.testing.assert_allclose(full[:, -1], shallow, atol=1e-6)
    assert np.ptp(full, axis=0).max() < 1e-12  # no noise: every full-batch run is the same path
    assert full.max() < hump

    small = plots.escapes(plots.sgd_paths(1, runs=20, first_seed=first_seed))
    assert small["ended_deep"] >= 15
    assert len(small["arrivals"]) == small["ended_deep"] and small["went_back"] == 0

    batch_32 = plots.escapes(plots.sgd_paths(32, runs=20, first_seed=first_seed))
    assert batch_32["ended_deep"] <= 2


def test_batch_size_1_does_not_climb_out_of_the_deep_valley():
    """Started on the floor of the deep valley, do 100 runs of batch-size-1 SGD stay on its side of the hump for all
    their steps?"""
    _, hump, deep = plots.dip_landmarks()
    paths = plots.sgd_paths(1, runs=100, start=deep)
    assert paths.min() > hump


def test_the_escape_picture_says_the_counts_it_draws():
    """Does the picture hold the loss curve and one panel per batch size, each titled with the count that escapes()
    gives for the same runs, drawing the number of runs asked for?"""
    fig = plots.plot_dip_escape(batch_sizes=(None, 4, 1), runs_shown=6)
    curve_ax, *path_axes = [ax for ax in fig.axes if ax.get_xlabel()]
    assert "θ" in curve_ax.get_xlabel() and len(path_axes) == 3
    for ax, batch_size in zip(path_axes, (None, 4, 1), strict=True):
        count = plots.escapes(plots.sgd_paths(batch_size))["ended_deep"]
        assert f": {count} of 20 runs" in ax.get_title()
        assert len([line for line in ax.get_lines() if len(line.get_xdata()) == plots.DIP_STEPS + 1]) == 6
    assert "full batch" in path_axes[0].get_title() and "batch_size 1" in path_axes[2].get_title()
