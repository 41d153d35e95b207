"""Run every `>>>` example in the book as a test (Sybil).

Plain ```python fences hold the book's examples; Entangled's {.python ...}
blocks are the package source and are tested through tests/ instead.
"""
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE)],
    patterns=["*.md"],
    path="docs",
).pytest()
