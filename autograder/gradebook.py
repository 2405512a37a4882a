"""From a batch's CSV to a class gradebook: the roster that names each submission's student,
and the files Canvas and Moodle import as they are.

The roster is a CSV with a header row. Its `submission` column holds the name of a
submission in the class folder (the folder name, or the zip's name with or without
`.zip`); `student_id`, `name` and `email` name the student. For Canvas, optional
`canvas_id` (Canvas's own user ID), `login` (the SIS login ID; the email when absent)
and `section` columns fill the columns Canvas identifies students by.

Formats followed (each LMS's documented grade import):
- Canvas (Grades → Import): a header row `Student, ID, SIS User ID, SIS Login ID, Section`
  then one column per assignment; a second row whose first cell is `Points Possible`
  (with four leading spaces, as Canvas exports it) carries the maximum. A student is
  found by ID, SIS User ID or SIS Login ID; a column whose name Canvas does not know
  becomes a new assignment.
- Moodle (Grades → Import → CSV file): a header row and one row per student, comma
  separated, UTF-8. On import the teacher maps "Identify user by" (here `Email address`
  or `ID number`) and the grade column to a grade item; `Feedback` maps to the item's feedback.
"""
import csv
from dataclasses import dataclass
from pathlib import Path

from autograder.submission import UsageError

ROSTER_COLUMNS = ["student_id", "name", "email"]


@dataclass(frozen=True)
class Student:
    submission: str
    student_id: str = ""
    name: str = ""
    email: str = ""
    canvas_id: str = ""
    login: str = ""
    section: str = ""


def load_roster(path):
    """The students of a roster CSV; a one-line UsageError when it cannot be used."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip().lower() for name in reader.fieldnames or []]
            rows = [{key.strip().lower(): (value or "").strip() for key, value in row.items() if key}
                    for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"cannot read the roster {path}: {error}") from None
    if "submission" not in header:
        raise UsageError(f"the roster {path} needs a `submission` column (found: {', '.join(header) or 'no header'})")
    students, seen = [], set()
    for row in rows:
        key = _key(row.get("submission", ""))
        if not key:
            continue
        if key in seen:
            raise UsageError(f"the roster {path} lists the submission {row['submission']!r} twice")
        seen.add(key)
        students.append(Student(**{field: row.get(field, "") for field in Student.__dataclass_fields__}))
    return students


def _key(name):
    """Submission names match whatever their case and with or without `.zip`."""
    name = name.strip().lower()
    return name[:-4] if name.endswith(".zip") else name


def match(students, submissions):
    """({submission: Student}, submissions matching no student, students with no submission)."""
    by_key = {_key(s.submission): s for s in students}
    matched, unmatched = {}, []
    for name in submissions:
        student = by_key.get(_key(name))
        if student is None:
            unmatched.append(name)
        else:
            matched[name] = student
    found = {_key(name) for name in matched}
    absent = [s for s in students if _key(s.submission) not in found]
    return matched, unmatched, absent


def roster_cells(student):
    return [student.student_id, student.name, student.email] if student else ["", "", ""]


def write_export(kind, rows, students, path, assignment, max_score):
    """Write the `kind` ("canvas" or "moodle") import file for `rows` (dicts of the batch CSV)."""
    matched, _, absent = match(students, [row["submission"] for row in rows])
    graded = [(matched[row["submission"]], row) for row in rows if row["submission"] in matched]
    # A student who handed nothing in gets 0 in the gradebook, not a blank that hides it.
    graded += [(student, {"score": "0", "error": "no submission"}) for student in absent]
    graded.sort(key=lambda pair: (pair[0].name.lower(), pair[0].submission))
    writer = {"canvas": _canvas, "moodle": _moodle}[kind]
    temporary = Path(f"{path}.tmp")
    with open(temporary, "w", newline="", encoding="utf-8") as handle:
        writer(csv.writer(handle), graded, assignment, max_score)
    temporary.replace(path)
    return Path(path)


def _canvas(writer, graded, assignment, max_score):
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment])
    writer.writerow(["    Points Possible", "", "", "", "", max_score])  # as Canvas itself exports it
    for student, row in graded:
        writer.writerow([student.name, student.canvas_id, student.student_id, student.login or student.email,
                         student.section, row["score"]])


def _moodle(writer, graded, assignment, max_score):
    writer.writerow(["Email address", "ID number", "Full name", assignment, "Feedback"])
    for student, row in graded:
        writer.writerow([student.email, student.student_id, student.name, row["score"], row.get("error", "")])
