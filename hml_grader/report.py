"""The misconception report: per lesson and exercise, the pass rate and how many
submissions made each known mistake of the check banks.

Scores come from the gradebook (the record); which check passed and which known
mistake it matched come from the judge, kept in ``.grading/ledger.json``.
:func:`write_report` writes ``misconceptions.csv``, ``scores.csv``,
``grade_distribution.png``, ``exercises.png`` and ``index.html`` into one folder.
"""

from __future__ import annotations

import csv
import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .grade import Ledger

NOT_MATCHED = "(no known mistake)"


@dataclass
class ExerciseStats:
    lesson: str
    grade_id: str
    submissions: int = 0
    passed: int = 0
    mistakes: Counter = field(default_factory=Counter)

    @property
    def pass_rate(self) -> float:
        return self.passed / self.submissions if self.submissions else 0.0


def gradebook_scores(course: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """(lesson, student) -> (score, max score) from the gradebook."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                out[(assignment.name, submission.student.id)] = (float(submission.score),
                                                                  float(submission.max_score))
    return out


def exercise_stats(course: Path, lessons: list[str] | None = None) -> list[ExerciseStats]:
    ledger = Ledger(course)
    stats: dict[tuple[str, str], ExerciseStats] = {}
    for lesson in sorted(ledger.data):
        if lessons and lesson not in lessons:
            continue
        for entry in ledger.data[lesson].values():
            if entry.get("status") != "done":
                continue
            for grade_id, cell in entry.get("cells", {}).items():
                item = stats.setdefault((lesson, grade_id), ExerciseStats(lesson, grade_id))
                item.submissions += 1
                if cell.get("passed"):
                    item.passed += 1
                else:
                    item.mistakes[cell.get("mistake") or NOT_MATCHED] += 1
    return list(stats.values())


def over_budget(course: Path, lessons: list[str] | None = None) -> list[tuple[str, str, str, str]]:
    """(lesson, student, budget, flag) for every graded submission that ran out of a budget (size, JSON depth or
    cells at intake, time in the kernel)."""
    found = []
    for lesson, entries in sorted(Ledger(course).data.items()):
        if lessons and lesson not in lessons:
            continue
        for student, entry in sorted(entries.items()):
            budget = entry.get("over_budget")
            if budget:
                flags = entry.get("flags") or []
                found.append((lesson, student, str(budget), str(flags[0]) if flags else ""))
    return found


def write_report(course: Path, out: Path, lessons: list[str] | None = None) -> list[Path]:
    """Write the report's files into ``out``; return their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    stats = exercise_stats(course, lessons)
    scores = {k: v for k, v in gradebook_scores(course).items() if not lessons or k[0] in lessons}

    misconceptions = out / "misconceptions.csv"
    with misconceptions.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["lesson", "check", "submissions", "passed", "pass_rate", "mistake", "count"])
        for s in stats:
            writer.writerow([s.lesson, s.grade_id, s.submissions, s.passed, f"{s.pass_rate:.3f}", "", ""])
            for mistake, count in s.mistakes.most_common():
                writer.writerow([s.lesson, s.grade_id, s.submissions, s.passed, f"{s.pass_rate:.3f}", mistake, count])
    score_csv = out / "scores.csv"
    with score_csv.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["lesson", "student", "score", "max_score"])
        for (lesson, student), (score, top) in sorted(scores.items()):
            writer.writerow([lesson, student, f"{score:g}", f"{top:g}"])

    distribution = out / "grade_distribution.png"
    fig, ax = plt.subplots(figsize=(7, 3.5))
    fractions = [100 * s / m for s, m in scores.values() if m]
    ax.hist(fractions, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="tab:blue", edgecolor="white")
    ax.set_xlabel("score (% of the lesson's points)")
    ax.set_ylabel("submissions")
    ax.set_title(f"Grade distribution ({len(fractions)} submissions)")
    fig.tight_layout()
    fig.savefig(distribution, dpi=100)
    plt.close(fig)

    exercises = out / "exercises.png"
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.4 * len(stats) + 1)))
    labels = [f"{s.lesson[:2]} {s.grade_id}" for s in stats]
    ax.barh(range(len(stats)), [100 * s.pass_rate for s in stats], color="tab:green")
    ax.set_yticks(range(len(stats)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("pass rate (%)")
    ax.set_title("Checks passed, per exercise")
    fig.tight_layout()
    fig.savefig(exercises, dpi=100)
    plt.close(fig)

    budget_csv = out / "over_budget.csv"
    budgets = over_budget(course, lessons)
    with budget_csv.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["lesson", "student", "budget", "flag"])
        writer.writerows(budgets)
    budget_rows = "".join(f"<tr><td>{html.escape(lesson)}</td><td>{html.escape(student)}</td>"
                          f"<td>{html.escape(budget)}</td><td>{html.escape(flag)}</td></tr>"
                          for lesson, student, budget, flag in budgets)
    budget_section = ("<h2>Over a budget</h2><table><tr><th>lesson</th><th>student</th><th>budget</th><th>flag</th>"
                      f"</tr>{budget_rows}</table>") if budgets else "<p>No submission ran out of a budget.</p>"

    rows = []
    for s in stats:
        mistakes = ", ".join(f"{html.escape(m)}: {c}" for m, c in s.mistakes.most_common()) or "–"
        rows.append(f"<tr><td>{html.escape(s.lesson)}</td><td>{html.escape(s.grade_id)}</td>"
                    f"<td>{s.submissions}</td><td>{100 * s.pass_rate:.0f}%</td><td>{mistakes}</td></tr>")
    page = out / "index.html"
    page.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Misconception report</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 10px;border-bottom:1px solid #ddd}"
        "</style></head><body><h1>Misconception report</h1>"
        f"<p>{len(scores)} graded submissions.</p>"
        "<img src='grade_distribution.png' alt='grade distribution'> <img src='exercises.png' alt='pass rates'>"
        "<table><tr><th>lesson</th><th>check</th><th>submissions</th><th>pass rate</th>"
        "<th>known mistakes (count)</th></tr>" + "".join(rows) + "</table>"
        + budget_section +
        "<p>Data: <a href='misconceptions.csv'>misconceptions.csv</a>, <a href='scores.csv'>scores.csv</a>, "
        "<a href='over_budget.csv'>over_budget.csv</a>.</p>"
        "</body></html>\n", encoding="utf-8")
    return [misconceptions, score_csv, budget_csv, distribution, exercises, page]
