"""nnsolve: solve neural-network course exercises step by step and grade students' answers."""

__version__ = "0.1.0"
