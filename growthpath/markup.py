"""Text from data shown in MyST Markdown as text: used by the chapter helpers and the audit's boxes alike."""
import re


def escape_markdown(text: str) -> str:
    """Data text shown as text: no markup, no roles, no HTML, no pipes breaking the table."""
    for ch in "\\`*_{}[]<>|$#%":  # '%' opens a MyST comment at the start of a line
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


# a ledger id ('000-2.2-01'), a seed section ('000 §2.2') or a figure and its unit ('25.3 %', '7 万亿元'): the HTML
# edition keeps each on one line
UNITS = r"(?:%|万亿元|亿元|万元|亿人|万人|亿|万|元/人|元)"
CJK = re.compile(r"[\u3400-\u9fff]")   # a Chinese character
LEDGER_ID = re.compile(r"\b(?:000|004)-\d\.\db?-\d{2}\b")   # a claim id as data/datapackage.json's pattern has it
WHOLE_TOKENS = re.compile(rf"({LEDGER_ID.pattern}|\b(?:000|004) §\d\.\db?\b|[−+-]?\d[\d.,]* {UNITS}(?![\w/]))")
UNIT_AFTER = re.compile(r" " + UNITS + r"(?![\w/])")   # the unit typed after a glued number


def display_len(text: str) -> int:
    """The width of `text` in Latin characters: a CJK character is two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 chapter', '3 chapters' (`words` for an irregular plural): a message never says 'chapter(s)'."""
    return f"{n:,} {word if n == 1 else words or word + 's'}"


def and_list(items) -> str:
    """'a', 'a and b', 'a, b and c': items joined as a sentence lists them."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def in_sentence(name: str) -> str:
    """A name inside a sentence: 'Online shopping users' → 'online shopping users' (a name that starts with an acronym,
    such as 'NBS online retail' or 'GMV', keeps its capitals)."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


LEAD_WORDS = {"The", "A", "An", "In", "On", "At", "For", "From", "Growing", "One", "Its", "This", "These", "Both", "Each", "Every"}


def after_colon(sentence: str) -> str:
    """A sentence as it continues after a colon: its first word in lower case when it is an ordinary word ('The same
    result' → 'the same result'), never a name ('WeChat', 'Pinduoduo')."""
    first = sentence.split(" ", 1)[0]
    return sentence[:1].lower() + sentence[1:] if first in LEAD_WORDS else sentence


def plain_text(markdown: str) -> str:
    """The words of inline Markdown without its marks: `**base**` → `base`, `*x*` → `x`, `` `code` `` → `code`."""
    return re.sub(r"\*\*(.+?)\*\*|\*(.+?)\*|`([^`]+)`", lambda m: next(g for g in m.groups() if g is not None), str(markdown))


# a number right after a letter, a Chinese character or CJK / full-width punctuation (（25.3%）) is part of other text
GLUED_PERCENT = re.compile(r"(?<![\w.,%\u3000-\u303f\uff00-\uffef])([−+-]?\d[\d,]*(?:\.\d+)?)%(?![0-9A-Fa-f]{2})")
QUOTED = re.compile(r"(“[^”]*”|‘[^’]*’|「[^」]*」|『[^』]*』|《[^》]*》)")


def spaced_percents(text: str) -> str:
    """"4.2%" → "4.2 %", as every percentage the package writes itself; a quote (“…”) and a number written in Chinese
    text (占比25.3%) stay as they are."""
    return "".join(part if QUOTED.fullmatch(part) else GLUED_PERCENT.sub(r"\1 %", part) for part in QUOTED.split(text))
