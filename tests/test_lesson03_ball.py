"""The ball on a curve (lesson 03): does every step go where gradient descent sends it, get the word that says
what it did, and do the widget's step and reset buttons and its slider do what the lesson says?"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from lesson_utils.lesson03 import ball
from lesson_utils.lesson03.ball import BOWL, HILLS, START, STATUS, roll, status_line, summary

matplotlib.use("Agg")


def test_a_step_moves_against_the_slope_by_lr_times_the_slope():
    """From x = -1.6 on the bowl (slope -5.2), does a step at lr 0.1 land at -1.6 + 0.52, with its loss and slope?"""
    first = roll(BOWL, START, 0.1, 1)[1]
    assert first.x == pytest.approx(-1.08)
    assert first.loss == pytest.approx((-1.08 - 1) ** 2)
    assert first.slope == pytest.approx(2 * (-1.08 - 1))
    assert first.step == 1


@pytest.mark.parametrize(("lr", "words"), [
    (0.02, "crawling"),
    (0.3, "descending -> settled"),
    (0.5, "settled"),
    (0.8, "overshooting"),
    (1.0, "overshooting"),
    (1.05, "overshooting -> diverged"),
])
def test_each_learning_rate_on_the_bowl_gets_its_words(lr, words):
    """Twelve steps from x = -1.6: does each learning rate go through the words the lesson shows for it?"""
    assert summary(roll(BOWL, START, lr, 12)) == words


def test_a_bounce_that_lands_no_lower_is_told_apart_from_one_that_closes_in():
    """At lr 1.0 the ball lands exactly as high as it started; at 0.8 lower: do they get different sentences?"""
    assert {p.status for p in roll(BOWL, START, 1.0, 4)[1:]} == {"climbing"}
    assert {p.status for p in roll(BOWL, START, 0.8, 4)[1:]} == {"overshooting"}


def test_half_lands_on_the_minimum_in_one_step():
    """Does lr 0.5 on (x - 1)² land on x = 1 at the first step, and say settled?"""
    first = roll(BOWL, START, 0.5, 1)[1]
    assert first.x == pytest.approx(1.0)
    assert first.status == "settled"


def test_a_diverged_ball_stays_diverged_and_nothing_overflows_into_a_warning():
    """At lr 1.5 for 2,000 steps (past inf), is every step after the first off the curve diverged, with no warning?"""
    positions = roll(BOWL, START, 1.5, 2000)
    first_off = next(i for i, p in enumerate(positions) if p.status == "diverged")
    assert all(p.status == "diverged" for p in positions[first_off:])
    assert not np.isfinite(positions[-1].loss)


def test_on_the_hills_the_start_decides_the_valley_and_the_plateau_crawls():
    """At lr 0.1 for 100 steps: do x = 2 and 4.5 reach the deepest valley, x = -0.5 stop in the dip, and x = -3
    crawl, still on the plateau?"""
    ends = {start: roll(HILLS, start, 0.1, 100)[-1] for start in (-3.0, -0.5, 2.0, 4.5)}
    assert ends[2.0].x == pytest.approx(3.0, abs=1e-3) and ends[4.5].x == pytest.approx(3.0, abs=1e-3)
    assert ends[-0.5].x == pytest.approx(0.206, abs=1e-3) and ends[-0.5].status == "settled"
    assert ends[-0.5].loss > ends[2.0].loss + 0.5
    assert ends[-3.0].status == "crawling" and -3.0 < ends[-3.0].x < -2.0


@pytest.mark.parametrize("curve", [BOWL, HILLS], ids=["bowl", "hills"])
def test_the_slope_is_the_derivative_of_the_loss(curve):
    """Is each curve's slope the centred difference of its loss, across the whole drawn range?"""
    xs = np.linspace(*curve.x_range, 101)
    h = 1e-6
    numeric = (curve.loss(xs + h) - curve.loss(xs - h)) / (2 * h)
    np.testing.assert_allclose(curve.slope(xs), numeric, atol=1e-6)


def test_the_status_line_never_shows_a_negative_zero():
    """Settled at the minimum from the left, is the slope printed 0.000, not -0.000?"""
    settled = roll(BOWL, START, 0.3, 40)[-1]
    assert settled.slope < 0
    assert status_line(settled) == "step 40   x 1.000   loss 0.000   slope 0.000"


def test_the_picture_prints_the_status_line_and_the_sentence(capsys, monkeypatch):
    """Does the widget's picture print the numbers and, word for word, the sentence for the last step?"""
    monkeypatch.setattr("matplotlib.pyplot.show", lambda: None)
    state = ball.Ball(BOWL, START)
    state.show(0.1)
    state.step(0.1)
    state.show(0.1)
    assert capsys.readouterr().out.splitlines() == [
        "step 0   x -1.600   loss 6.760   slope -5.200", STATUS["start"],
        "step 1   x -1.080   loss 4.326   slope -4.160", STATUS["descending"],
    ]


def test_the_buttons_step_and_reset_and_the_slider_only_sets_the_next_step():
    """Does pressing step twice take two steps at the slider's rate, moving the slider leave the ball where it is,
    and reset bring it back to the start?"""
    ui = ball.ball_widget(BOWL, START, lr=0.1)
    slider = ui.children[0]
    step_button, reset_button = ui.children[1].children
    assert (step_button.description, reset_button.description) == ("step", "reset")
    step_button.click()
    slider.value = 0.8
    assert [p.x for p in ui.ball.positions] == pytest.approx([-1.6, -1.08])
    step_button.click()
    assert ui.ball.positions[-1].x == pytest.approx(-1.08 + 0.8 * 4.16)
    reset_button.click()
    assert [p.x for p in ui.ball.positions] == [START]
