"""Everything a batch writes: terminal text, JSON, gradebooks, Gradescope, feedback, reports.

Each output is one small module with one class following the same life cycle, so the batch
runner treats them alike and none of them knows a solver:

* ``add(result)`` is called once per submission file, in file-name order, as it is graded;
  it writes straight away (to stdout or to a staged temporary file) and keeps nothing big;
* ``finish(summary)`` writes what needs the whole batch (totals, item analysis) and renames
  the staged files into place;
* ``discard()`` removes every staged file: after an error or Ctrl-C nothing half-written is
  left, and an older output at the same path is untouched.
"""
