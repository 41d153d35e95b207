"""Run the book's examples in the reader's browser.

Pyodide loads this module in a Web Worker (worker.js); tools/check_runnable.mjs
loads the same module under Node.  `run(code, kind, emit)` executes code in the
page's namespace, shared by every block of the page as in a notebook, and hands
what it prints to `emit(stream, text)`, line by line as it comes, with stream
one of "stdout", "stderr" and "value".

An "example" runs the way doctest and the interactive prompt run the `>>>`
lines: statement by statement, the value of each expression statement is
shown, and an error is reported and the next statement still runs.  A
"listing" runs as a script: it stops at the first error, and only the value of
a final expression statement is shown, as in a notebook cell.
"""

from __future__ import annotations

import ast
import doctest
import linecache
import sys
import traceback

namespace: dict = {}


def reset() -> None:
    """Forget everything the page's blocks defined."""
    namespace.clear()
    namespace.update(__name__="__main__", __builtins__=__builtins__)


reset()


class Stream:
    """A text file that hands whole lines to `emit`, so output streams as it is printed."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, name: str, emit) -> None:
        self.name, self.emit, self.pending = name, emit, ""

    def write(self, text: str) -> int:
        self.pending += text
        if "\n" in self.pending:
            lines, _, self.pending = self.pending.rpartition("\n")
            self.emit(self.name, lines + "\n")
        return len(text)

    def flush(self) -> None:
        if self.pending:
            text, self.pending = self.pending, ""
            self.emit(self.name, text)

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True


def report(error: BaseException) -> None:
    """The traceback, without the frame of this module, on stderr."""
    traceback.print_exception(type(error), error, error.__traceback__.tb_next)


def run(code: str, kind: str, emit, filename: str = "<example>") -> bool:
    """Run one block; True when nothing raised."""
    stdout, stderr = Stream("stdout", emit), Stream("stderr", emit)
    saved = sys.stdout, sys.stderr, sys.displayhook

    def show(value: object) -> None:
        if value is not None:
            namespace["_"] = value
            stdout.flush()
            emit("value", repr(value) + "\n")

    sys.stdout, sys.stderr, sys.displayhook = stdout, stderr, show
    # Tracebacks show the reader's lines, as they do for a file.
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    ok = True
    try:
        try:
            tree = ast.parse(code, filename)
        except SyntaxError as error:
            traceback.print_exception(type(error), error, None)
            return False
        if kind == "example":
            for statement in tree.body:
                try:
                    exec(compile(ast.Interactive([statement]), filename, "single"), namespace)
                except BaseException as error:  # shown to the reader, as doctest does
                    ok = False
                    stdout.flush()
                    report(error)
        else:
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            try:
                exec(compile(tree, filename, "exec"), namespace)
                if last is not None:
                    show(eval(compile(ast.Expression(last.value), filename, "eval"), namespace))
            except BaseException as error:  # shown to the reader too
                ok = False
                stdout.flush()
                report(error)
    finally:
        stdout.flush()
        stderr.flush()
        sys.stdout, sys.stderr, sys.displayhook = saved
    return ok


def matches(want: str, got: str) -> bool:
    """Whether output agrees with what the book shows, by the rules the book's tests use."""
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    return doctest.OutputChecker().check_output(want, got, flags)
