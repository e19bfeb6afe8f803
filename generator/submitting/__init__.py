"""Submissions: form answers (a GitHub issue-form body or a CSV export) turned into entries.

read the file (decode, detect the kind) → one `Submission` per answer set → normalise answers
(labels → vocabulary ids, lists, years) → validate with the entry model → refuse duplicates →
write `data/communities/<slug>.yml`, never over an existing file.
"""

from generator.submitting.importing import Imported, ImportReport, import_submissions

__all__ = ["ImportReport", "Imported", "import_submissions"]
