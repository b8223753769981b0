# nbgrader configuration for How Models Learn. `python -m autograder course DIR`
# copies this file into an nbgrader course directory.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from autograder.feedback import HideTestTracebacks

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.course_id = "how-models-learn"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.Execute.timeout = 120

# Feedback shows the learner the check's diagnosis, never the hidden tests:
# the hidden-test regions are cut out of the test cells and tracebacks in
# grade cells are reduced to one line.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    ClearHiddenTests,
    HideTestTracebacks,
    CSSHTMLHeaderPreprocessor,
]
