"""Text from data shown in MyST Markdown as text: used by the chapter helpers and the audit's boxes alike."""


def escape_markdown(text: str) -> str:
    """Data text shown as text: no markup, no roles, no HTML, no pipes breaking the table."""
    for ch in "\\`*_{}[]<>|$#%":  # '%' opens a MyST comment at the start of a line
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 chapter', '3 chapters' (`words` for an irregular plural): a message never says 'chapter(s)'."""
    return f"{n:,} {word if n == 1 else words or word + 's'}"


def plain_text(markdown: str) -> str:
    """The words of inline Markdown without its marks: `**base**` → `base`, `*x*` → `x`, `` `code` `` → `code`."""
    import re

    return re.sub(r"\*\*(.+?)\*\*|\*(.+?)\*|`([^`]+)`", lambda m: next(g for g in m.groups() if g is not None), str(markdown))
