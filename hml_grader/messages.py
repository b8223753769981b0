"""Every sentence the grader says to the instructor (flags, warnings, errors), in one place."""

NOT_ISOLATED = (
    "WARNING: bubblewrap (bwrap) is not installed, so learner code runs with resource limits only and is NOT "
    "isolated: it can read the hidden tests and other submissions and change the gradebook. "
    "Install it (Debian/Ubuntu: sudo apt-get install bubblewrap) before grading real submissions."
)
BWRAP_HOW = "bubblewrap: {path}"
BWRAP_MISSING_SHORT = "bubblewrap: not found (NOT isolated; Debian/Ubuntu: sudo apt-get install bubblewrap)"

# --- flags on a submission (shown in the summary, the ledger and the gradebook comments) ---
FLAG_TAMPERING = "cell {cell}, line {line}: changes {what}"
FLAG_COURSE_IMPORT = "imports the course's own code: {module}"
FLAG_UNREADABLE = "not a notebook: {error}; graded 0"
FLAG_EMPTY = "the file is empty; graded 0"
FLAG_TOO_LARGE = "the file is {size:.1f} MB, over the limit of {limit:g} MB; graded 0 without being read"
FLAG_TOO_DEEP = "its JSON is nested {depth} levels deep, over the limit of {limit}; graded 0 without being parsed"
FLAG_TOO_MANY_CELLS = "it has {cells} cells, over the limit of {limit} ({factor}x the release's {release}); graded 0"
FLAG_TIME_BUDGET = ("ran out of its time budget of {budget:g} s after {ran} of {total} cells; "
                    "the grade cells not reached score 0")
NOT_REACHED = "not run: the notebook ran out of its time budget of {budget:g} s before this cell"
SUMMARY_OVER_BUDGET = "Over a budget ({count}): {which}."
FLAG_OLD_FORMAT = "nbformat {version} notebook, converted to nbformat 4"
FLAG_WRONG_LESSON = "this looks like lesson {other}'s notebook, not {lesson}'s; graded 0"
FLAG_NO_GRADE_CELLS = "none of {lesson}'s exercises or checks are in this notebook; graded 0"
FLAG_CELL_RESTORED = "grade cell {grade_id} was missing and is restored from the release"
FLAG_CELL_DUPLICATED = "grade cell {grade_id} appears {count} times; one copy is kept, at its place in the release"
FLAG_CELL_EDITED = "grade cell {grade_id} was edited; the release's version is graded"
FLAG_CELLS_REORDERED = "grade cells were out of order; they are graded in the release's order"
FLAG_METADATA_RESTORED = "the nbgrader metadata of cell {grade_id} was changed; the release's is used"
FLAG_METADATA_DROPPED = "a cell carries nbgrader metadata ({grade_id}) that the release does not have; it is ignored"
FLAG_NOT_A_FILE = "the submission is {kind}, not a file; it is not read and graded 0"
FLAG_IDENTICAL = "its bytes are identical to the notebook of {others}"
FLAG_KERNEL_FAILED = "the notebook did not run to the end in the grading kernel ({error})"
FLAG_DISAGREE = "{grade_id}: nbgrader recorded {kernel:g}, the judge {judge:g}; the judge's score stands"
FLAG_UNJUDGED = "{grade_id}: {problem}; scored 0"

COMMENT = "Judged outside the learner's kernel: {points:g} of {max_points:g}. {message}"

RECORD_MISSING = "the grade cell left no record of its checks (it did not run, or its checks were replaced)"
RECORD_RAN_OUT = "the record ends before the check's call of {name}"
RECORD_CUT = "the grade cell {name} stopped before its checks finished"
RECORD_OTHER_CALL = "the record holds another call than the check's call of {name}"
RECORD_UNREADABLE = "the record is unreadable: {error}"
RECORD_ESCAPED = "the learner's code raised {error}, which ended the check"
RECORD_NO_KERNEL = "the grade cell left no record: the notebook stopped in the grading kernel ({why}) before it"

FEEDBACK_PAGE = (
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{lesson}</title></head><body>\n"
    "<h1>{lesson}</h1>\n<p>Your notebook was graded, and your score is in the gradebook, but this page of feedback "
    "could not be made from it. Your instructor has been told and can show you the graded notebook.</p>\n"
    "</body></html>\n"
)
FEEDBACK_UNCONVERTED = ("No feedback page could be made for {count} notebook(s), whose learners get a plain page "
                        "instead: {who}.")

# --- the command line ---
NO_COURSE = "No nbgrader course in {path} (run `how-models-learn-grade course {path}` first)."
NO_LESSON = "No lesson named {name}; the lessons are: {names}."
NOT_RELEASED = "Lesson {lesson} is not released yet (run `how-models-learn-grade release {lesson}`)."
NO_SUBMISSIONS = "No submissions for {lesson} in {path}."
PENDING = "{count} submission(s) of {lesson} are not graded to the end ({students}); run autograde again first."
EXPORT_MISMATCH = "The exported CSV does not match the gradebook for {who}."
BAD_WORKERS = "--workers must be 1 or more, not {workers}."
WORKERS_LOCAL = "grading with {workers} worker(s) on this machine"
WORKERS_SCHEDULER = "grading on the Dask cluster at {address}"
NO_SCHEDULER = "Could not reach the Dask scheduler at {address}: {error}"
SUMMARY_HEADER = ("lesson", "student", "score", "max", "kernel", "flags")
