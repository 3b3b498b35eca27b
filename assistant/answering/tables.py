"""Table rows in an extractive answer are shown as a small table: the table's header row and
rule from the passage, then the chosen rows, instead of a raw ``| a | b |`` line without the
column names that give it meaning."""

from __future__ import annotations

from assistant.answering.support import TABLE_RULE, clean_sentence


def is_table_row(sentence: str) -> bool:
    return sentence.lstrip().startswith("|") and not TABLE_RULE.match(sentence)


def small_table(passage_text: str, rows: list[str]) -> str | None:
    """The rows under their header as a Markdown table (None: the passage has no header row
    and rule above the first of them)."""
    lines = passage_text.splitlines()
    wanted = {clean_sentence(row) for row in rows}
    at = next((i for i, line in enumerate(lines) if clean_sentence(line) in wanted), None)
    if at is None:
        return None
    rule = next((i for i in range(at - 1, -1, -1) if TABLE_RULE.match(lines[i])), None)
    if rule is None or rule == 0 or not is_table_row(lines[rule - 1]):
        return None
    if any(not is_table_row(line) for line in lines[rule + 1 : at]):
        return None  # the rule belongs to another table
    header, divider = lines[rule - 1].strip(), lines[rule].strip()
    body = [clean_sentence(row) for row in rows]
    return "\n".join([header, divider, *body])
