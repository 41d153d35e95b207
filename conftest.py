"""Run every `>>>` example in the book as a test (Sybil).

Plain ```python fences hold the book's examples; Entangled's {.python ...}
blocks are the package source and are tested through tests/ instead. A
block marked `.runnable` (``` {.python file=bench/naive.py .runnable}) is
a listing the page also runs: Sybil runs it too, so the examples after it
can use what it defines. A fragment (`#name`) never runs on its own.

Each page's examples run in a temporary folder of their own, so that an
example that writes a file (`draw_dot(L).render("graph", format="png")`)
leaves nothing in the work tree.
"""
import os
import shutil
import tempfile
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser


class RunnableListingParser(CodeBlockParser):
    """Blocks whose attributes hold `.python` and `.runnable` (and no `#name`)."""

    language = "python"

    def __call__(self, document):
        for region in self.lexers(document):
            words = region.lexemes["arguments"].strip().strip("{}").split()
            fragment = any(w.startswith("#") for w in words)
            if {".python", ".runnable"} <= set(words) and not fragment:
                region.parsed = region.lexemes["source"]
                region.evaluator = PythonEvaluator()
                yield region


def in_a_temporary_folder(namespace: dict) -> None:
    namespace["__folder__"] = (os.getcwd(), tempfile.mkdtemp(prefix="book-examples-"))
    os.chdir(namespace["__folder__"][1])


def back_where_we_were(namespace: dict) -> None:
    home, temporary = namespace["__folder__"]
    os.chdir(home)
    shutil.rmtree(temporary)


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
             RunnableListingParser()],
    patterns=["*.md"],
    path="docs",
    setup=in_a_temporary_folder,
    teardown=back_where_we_were,
).pytest()
