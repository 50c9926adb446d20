"""One error type for everything the build refuses, always naming the file and row."""

from __future__ import annotations


class BuildError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def __str__(self) -> str:
        shown = self.problems[:30]
        more = len(self.problems) - len(shown)
        lines = [f"The build refused the input ({len(self.problems)} problem(s)); nothing was written:"]
        lines += [f"  - {p}" for p in shown]
        if more:
            lines.append(f"  ... and {more} more")
        return "\n".join(lines)
