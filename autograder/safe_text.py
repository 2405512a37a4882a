"""Text that a submission controls, made safe to print, store in JSON or put in a CSV.

Exception names and messages, printed output, file and zip entry names all
come from the submission. Before any of it reaches a terminal, results.json
or a CSV cell, control characters are shown visibly (ESC as \\x1b, CR as \\r,
C1 controls as \\x9b...) so that it cannot move the cursor, clear the screen
or overwrite the real report, and it is cut to a length a report can hold.
"""
import re

# C0 controls except tab and newline, DEL, C1 controls, and Unicode bidi/line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match):
    code = ord(match.group())
    return {0x0D: "\\r"}.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def safe(text, limit=300, lines=False):
    """`text` with control characters shown visibly and cut to `limit` characters.

    With lines=False (a one-line field) newlines and tabs are shown as \\n and \\t too."""
    text = text if isinstance(text, str) else str(text)
    if len(text) > 4 * limit:
        text = text[: 4 * limit]  # escaping can only lengthen it; no need to look further
    text = _UNSAFE.sub(_visible, text)
    if not lines:
        text = text.replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= limit else text[: limit - 1] + "…"
