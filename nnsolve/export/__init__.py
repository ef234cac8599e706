"""Problems into course platforms: Moodle XML, a Canvas QTI package, a Gradescope autograder.

One module per platform; `questions` solves the variants once for the quiz formats, so they
all hold the answers `nnsolve key` gives for the same students.
"""
