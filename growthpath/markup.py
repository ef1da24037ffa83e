"""Text from data shown in MyST Markdown as text: used by the chapter helpers and the audit's boxes alike."""


def escape_markdown(text: str) -> str:
    """Data text shown as text: no markup, no roles, no HTML, no pipes breaking the table."""
    for ch in "\\`*_{}[]<>|$#%":  # '%' opens a MyST comment at the start of a line
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")
