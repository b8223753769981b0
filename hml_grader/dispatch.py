"""Grade many submissions at once, with one process writing the gradebook.

nbgrader's gradebook is one SQLite file, and SQLite has one writer at a time: nbgrader's
own ``autograde`` opens it again and again while it runs a notebook (creating the
student and the submission, reading the source cells, saving each grade), so two of
them side by side on one course lock each other out, and a private copy of the
gradebook per worker would need a merge that nbgrader does not have. So grading is
split where nbgrader touches the database and where it does not:

- **in this process** (the trusted parent, :class:`hml_grader.grade.Recorder`): stage
  the submission and run nbgrader's sanitizing preprocessors (they read the source
  cells from the gradebook), then send the result off as a plain :class:`Task`;
- **in a worker** (:func:`hml_grader.worker.run_task`): nbgrader's ``Execute``
  preprocessor runs that notebook once in the sandboxed kernel, which records what the
  learner's code returned to the checks, and the judge (outside the sandbox) gives each
  grade cell its verdict; the worker returns the judged notebook and the verdicts as
  plain data and never sees the gradebook;
- **back in this process**: nbgrader's own ``autograde`` converter runs on the staged
  notebook with ``Execute`` replaced by the worker's outputs (nbgrader creates the
  student and submission, saves the auto grades, the late penalty, ``autograded/``),
  then the ledger says ``done``.

Idempotent per (learner, lesson): nbgrader keys every record by student, assignment,
notebook and grade cell and updates it in place, so recording a submission again
replaces its scores, never adds a second row. A submission is sent once per run; if
a Dask worker dies while it runs one, the scheduler runs the task again elsewhere and
the parent still records the single result that comes back. The ledger is marked
``grading`` before a task leaves and ``done`` only after its record is committed, so a
parent killed at any point (SIGKILL) grades again, on the next run, exactly what it had
not finished, and a CSV is never exported from a half-graded course.

Where the work runs (``how-models-learn-grade autograde --workers N --scheduler ADDRESS``):

- ``--workers 1``: in this process, one submission after another (no Dask);
- ``--workers N`` (default: the number of cores) without ``--scheduler``: a
  ``distributed.LocalCluster`` of N worker processes, one task each at a time, started
  for the run and stopped after it (worker processes are killed with the run: a parent
  killed with SIGKILL leaves no grading behind);
- ``--scheduler ADDRESS``: the Dask cluster that scheduler runs (SSH, Kubernetes, Slurm
  through dask-jobqueue); its workers need this package, bubblewrap and nothing else;
  the course directory stays on this machine.

The scheduler and its client live in this trusted process. Learner code never reaches
them: it runs only in bubblewrap sandboxes without a network (``--unshare-net``),
started by the workers.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .grade import Ledger, Lesson, Options, Recorder, Result, failed, kept_result, other_lessons, sha256, twins_of
from .judging.results import Outcome, Task
from .worker import run_task

IN_FLIGHT_PER_WORKER = 2
"""Tasks sent ahead per worker: one running, one waiting, so no worker idles while the parent records."""


class SchedulerUnreachable(Exception):
    """No Dask scheduler answers at the address given."""

    def __init__(self, address: str, error: BaseException):
        super().__init__(f"{address}: {error}")
        self.address = address
        self.error = error


def default_workers() -> int:
    return os.cpu_count() or 1


class InProcess:
    """Runs each task here, when its result is asked for."""

    slots = 1

    def __init__(self):
        self.queue: deque = deque()

    def submit(self, task: Task) -> Task:
        self.queue.append(task)
        return task

    def next_done(self) -> tuple[Task, Outcome | BaseException]:
        task = self.queue.popleft()
        try:
            return task, run_task(task)
        except Exception as error:
            return task, error

    def close(self) -> None:
        pass


class OnDask:
    """Sends each task to a Dask cluster: a scheduler at ``address``, or a LocalCluster of ``workers`` processes."""

    def __init__(self, workers: int, address: str | None = None):
        from distributed import Client, LocalCluster, as_completed

        self.cluster = None
        if address is None:
            # One task per worker process: each grades one submission at a time, with its own kernel. The
            # scheduler's HTTP server gets a free loopback port: two graders on one machine share no port.
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
            self.client = Client(self.cluster, set_as_default=False)
        else:
            try:
                self.client = Client(address, set_as_default=False)
            except OSError as error:
                raise SchedulerUnreachable(address, error) from error
        self.slots = max(1, sum(self.client.nthreads().values())) * IN_FLIGHT_PER_WORKER
        self.as_completed = as_completed
        self.done = None
        self.tasks: dict = {}

    def submit(self, task: Task):
        key = f"grade-{task.lesson}-{task.student}-{time.monotonic_ns()}"
        future = self.client.submit(run_task, task, key=key, pure=False)
        self.tasks[future.key] = (task, future)
        if self.done is None:
            self.done = self.as_completed([future], loop=self.client.loop, with_results=False)
        else:
            self.done.add(future)
        return future

    def next_done(self) -> tuple[Task, Outcome | BaseException]:
        future = next(self.done)
        task, _ = self.tasks.pop(future.key)
        try:
            return task, future.result()
        except Exception as error:  # e.g. KilledWorker: the task took down every worker it was tried on
            return task, error
        finally:
            future.release()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


@dataclass
class _Sent:
    index: int
    lesson: Lesson
    result: Result
    staged: object


def engine_for(workers: int, scheduler: str | None):
    """Where tasks run: here (one worker, no scheduler), or on Dask (see the module docstring)."""
    if scheduler is None and workers <= 1:
        return InProcess()
    return OnDask(workers, scheduler)


def grade(course: Path, jobs: list[tuple[str, str, Path]], options: Options, *, force: bool = False,
          workers: int | None = None, scheduler: str | None = None,
          progress: Callable[[Result], None] = lambda result: None) -> list[Result]:
    """Grade every (lesson, student, file) of ``jobs`` not graded before (all of them with ``force``).

    Returns one result per job, in the order of ``jobs``; ``progress`` is called as each is known.
    """
    recorder = Recorder(course, options)
    ledger = Ledger(course)
    loaded: dict[str, tuple[Lesson, dict[str, set[str]]]] = {}
    results: dict[int, Result] = {}
    todo: deque[int] = deque()
    digests = [sha256(path) for _, _, path in jobs]  # each file read once here, never through a link
    releases = {lesson: sha256(course / "release" / lesson / f"{lesson}.ipynb") for lesson in {j[0] for j in jobs}}
    twins = twins_of(jobs, digests, releases)
    for index, (lesson, student, _) in enumerate(jobs):
        kept = None if force else kept_result(ledger, recorder, lesson, student, digests[index],
                                              twins.get((lesson, student), ()))
        if kept is not None:
            results[index] = kept
            progress(kept)
        else:
            todo.append(index)

    def finish(index: int, result: Result) -> None:
        ledger.put(result)
        results[index] = result
        progress(result)

    if todo:
        engine = engine_for(workers or default_workers(), scheduler)
        sent: dict[tuple[str, str], _Sent] = {}
        try:
            while todo or sent:
                while todo and len(sent) < engine.slots:
                    index = todo.popleft()
                    lesson, student, path = jobs[index]
                    if lesson not in loaded:
                        loaded[lesson] = (Lesson(course, lesson), other_lessons(course, lesson))
                    info, others = loaded[lesson]
                    digest = digests[index]
                    ledger.put(Result(lesson, student, sha256=digest, status="grading"))
                    started = time.perf_counter()
                    try:
                        task, result, staged = recorder.prepare(info, student, path, others,
                                                                twins.get((lesson, student), ()))
                        result.seconds["prepare"] = time.perf_counter() - started
                    except Exception as error:  # a bug or a broken course must not stop the others
                        finish(index, failed(lesson, student, digest, error))
                        continue
                    sent[(lesson, student)] = _Sent(index, info, result, staged)
                    engine.submit(task)
                if not sent:
                    break
                task, outcome = engine.next_done()
                item = sent.pop((task.lesson, task.student))
                if isinstance(outcome, BaseException):
                    finish(item.index, failed(task.lesson, task.student, item.result.sha256, outcome))
                    continue
                started = time.perf_counter()
                try:
                    result = recorder.record(item.lesson, item.result, item.staged, outcome)
                    result.graded_at = time.time()
                    result.seconds["record"] = time.perf_counter() - started
                except Exception as error:
                    result = failed(task.lesson, task.student, item.result.sha256, error)
                finish(item.index, result)
        finally:
            engine.close()
    return [results[index] for index in range(len(jobs))]
