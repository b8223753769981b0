"""nbgrader preprocessors that keep hidden tests out of learner feedback."""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

SAFE_TRACEBACKS = frozenset({"CheckFailed"})
"""Errors whose rendered traceback is a check's own diagnosis, with no code in it."""


class HideTestTracebacks(NbGraderPreprocessor):
    """Reduce every error in a grade cell to one ``Name: message`` line.

    An IPython traceback quotes the lines of the cell that raised, which in a
    test cell are the hidden tests. A check's ``CheckFailed`` renders only its
    diagnosis, so it is kept as it is.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and output.get("ename") not in SAFE_TRACEBACKS:
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
