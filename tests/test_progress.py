"""The learner's progress: does lesson_utils.progress() show which exercises pass, which fail with the mistake
named, which were not tried, and the hints each took; does a notebook's record survive a kernel restart; is a
corrupt record started afresh, with a sentence; and does nothing outside a kernel write a file?"""

from __future__ import annotations

import json
import os

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from lesson_utils import attempts, check, hints, progress_report
from lesson_utils import messages as M

SUM_NOT_MEAN = "lambda y_hat, y: float(np.sum((np.asarray(y_hat, float) - np.asarray(y, float)) ** 2))"
"""An mse that adds the squared errors up, as a kernel's cell writes it."""


def sum_not_mean(y_hat, y):
    return float(np.sum((np.asarray(y_hat, float) - np.asarray(y, float)) ** 2))


@pytest.fixture(autouse=True)
def fresh_attempts():
    attempts.forget()
    yield
    attempts.forget()


def in_a_kernel(record, *sources: str) -> list[str]:
    """Run ``sources`` as the cells of a notebook in a fresh kernel whose record is ``record``; return what each
    printed."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True)
    client.execute(env=dict(os.environ, HOW_MODELS_LEARN_RECORD=str(record), MPLBACKEND="Agg"))
    return ["".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream") for cell in nb.cells]


def replay_a_learner() -> None:
    """A short history: mse fails with a known mistake and takes two hints, then cross_entropy fails with a
    mistake the check does not know, softmax passes, and log_softmax takes a hint without a check."""
    with pytest.raises(check.CheckFailed):
        check.mse(sum_not_mean)
    check.hint("mse")
    check.hint("mse")
    with pytest.raises(check.CheckFailed):
        check.cross_entropy(lambda probs, targets: 0.5)
    from lesson_utils.lesson02.reference import softmax

    check.softmax(softmax)
    check.hint("log_softmax")


def test_a_replayed_history_gives_the_right_report(capsys):
    """Does the report say, lesson by lesson, pass, fail with the mistake named, fail, not tried, and the hints?"""
    replay_a_learner()
    capsys.readouterr()
    shown = progress_report.lines()
    assert shown[0] == M.PROGRESS_IN_MEMORY
    assert shown[1:10] == [
        M.PROGRESS_LESSON.format(title="01 · loss functions"),
        M.PROGRESS_FAILS.format(name="mse", why=progress_report.mistake_named("lesson01", "sum_not_mean"),
                                hints=M.PROGRESS_HINTS.format(n=2)),
        M.PROGRESS_FAILS_UNNAMED.format(name="cross_entropy", hints=""),
        M.PROGRESS_QUIZ.format(answered=0, n=4, right=0),
        M.PROGRESS_EXPERIMENTS.format(done=0, n=3),
        M.PROGRESS_LESSON.format(title="02 · softmax"),
        M.PROGRESS_PASSES.format(name="softmax", hints=""),
        M.PROGRESS_NOT_TRIED.format(name="log_softmax", hints=M.PROGRESS_ONE_HINT),
        M.PROGRESS_NOT_TRIED.format(name="cross_entropy_from_logits", hints=""),
    ]
    assert M.PROGRESS_SUMMARY.format(passed=1, n=sum(map(len, check.EXERCISES.values()))) in shown
    assert progress_report.mistake_named("lesson01", "sum_not_mean") == (
        "it adds up the squared errors instead of averaging them, so the loss grows with the number of examples")


def test_outside_a_kernel_nothing_is_written(tmp_path, monkeypatch):
    """In a plain Python process (as when the grader judges a submission), do checks and hints leave no file?"""
    monkeypatch.setenv(attempts.RECORD_ENV, str(tmp_path / "progress.json"))
    replay_a_learner()
    assert not attempts.kept_on_disk()
    assert list(tmp_path.iterdir()) == []


def test_the_record_survives_a_kernel_restart(tmp_path):
    """After a failed check and two hints in one kernel, does a new kernel go on with the next hint, and report
    the failure with its mistake?"""
    record = tmp_path / "progress.json"
    first = in_a_kernel(record, "import numpy as np\nfrom lesson_utils import check",
                        f"check.mse({SUM_NOT_MEAN})", 'check.hint("mse")', 'check.hint("mse")')
    mse = hints.ladder_of("lesson01", "mse")
    assert first[2] == M.HINT_FOR_MISTAKE.format(name="mse", text=mse.for_mistake["sum_not_mean"]) + "\n"
    assert json.loads(record.read_text())["exercises"]["mse"] == {
        "passed": False, "mistake": "sum_not_mean", "hints": ["mistake sum_not_mean", "rung 1"]}
    second = in_a_kernel(record, "import lesson_utils\nfrom lesson_utils import check", 'check.hint("mse")',
                         "lesson_utils.progress()")
    assert second[1] == M.HINT_RUNG.format(index=2, n=len(mse.rungs), name="mse", text=mse.rungs[1]) + "\n"
    report = second[2].splitlines()
    assert report[0] == M.PROGRESS_ON_DISK
    assert report[2] == M.PROGRESS_FAILS.format(name="mse", why=progress_report.mistake_named("lesson01",
                                                "sum_not_mean"), hints=M.PROGRESS_HINTS.format(n=3))


@pytest.mark.parametrize("content", ["{not json", '{"version": 99, "exercises": {}}', '{"version": 1}', "[1, 2]",
                                     '{"version": 1, "exercises": {"mse": {"passed": true}}}',
                                     '{"version": 1, "exercises": {}, "answers": {"lesson01/q1": {"given": [1]}}}'],
                         ids=["not json", "another version", "no exercises", "a list", "an entry cut short",
                              "an answer of the wrong kind"])
def test_a_corrupt_record_starts_afresh_and_says_so(tmp_path, content):
    """Given a record file it cannot read, does the report say so in one sentence, start afresh, and leave a
    readable file after the next check?"""
    record = tmp_path / "progress.json"
    record.write_text(content)
    shown = in_a_kernel(record, "import numpy as np\nimport lesson_utils\nfrom lesson_utils import check",
                        "lesson_utils.progress()", "check.mse(lambda y_hat, y: 0.0)", "lesson_utils.progress()")
    report = shown[1].splitlines()
    assert report[0] == M.PROGRESS_UNREADABLE.format(path=str(record))
    assert M.PROGRESS_UNREADABLE.format(path=str(record)) not in shown[3]
    assert M.PROGRESS_SUMMARY.format(passed=0, n=sum(map(len, check.EXERCISES.values()))) in report
    assert json.loads(record.read_text())["exercises"]["mse"]["passed"] is False


def test_two_notebooks_at_once_do_not_undo_each_other(tmp_path, monkeypatch):
    """When two kernels share the record, does each save change only its own exercise, keeping the other's?"""
    record = tmp_path / "progress.json"
    monkeypatch.setenv(attempts.RECORD_ENV, str(record))
    monkeypatch.setattr(attempts, "kept_on_disk", lambda: True)
    attempts.checked("mse", passed=True)  # this kernel
    other = attempts.read_record(record)
    other.exercises["softmax"] = attempts.Attempt(passed=False, mistake="no_max_shift")
    attempts._write(record, other)  # another kernel, since
    attempts.checked("gd_step", passed=True)  # this kernel again
    assert set(attempts.read_record(record).exercises) == {"mse", "softmax", "gd_step"}


def test_an_unwritable_record_leaves_the_record_in_memory(tmp_path, monkeypatch):
    """When the record's folder cannot be created, does a check still note its outcome, without an error?"""
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv(attempts.RECORD_ENV, str(blocker / "progress.json"))
    monkeypatch.setattr(attempts, "kept_on_disk", lambda: True)
    check.mse(lambda y_hat, y: float(np.mean((np.asarray(y_hat, float) - np.asarray(y, float)) ** 2)))
    assert attempts.attempt("mse").passed is True
