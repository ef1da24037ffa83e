"""Order logs: loading with a column mapping, validation with located errors, the checks that a log
can feed what the chapters compute from it, and the customer-level measures the book uses (cohort
retention, repurchase, inter-purchase times, time to second purchase, revenue concentration, RFM): thin
wrappers over their one implementation, the Ibis expressions of `growthpath.data.order_engine`, run on DuckDB.

An order log has one row per order line: `customer_id`, `date`, `amount` and optionally `channel`
and `quantity`. Lines of one customer on one day form one *purchase* (as in Fader & Hardie's CDNOW
analyses).

What `load` reads (by content, not by name):
- delimited text: comma, semicolon or tab, sniffed from the header line (an Excel `sep=;` first line
  is honoured); UTF-8 with or without BOM, or GB18030/GBK when declared (`encoding=`) or detected
  (the bytes are not UTF-8 but are valid GB18030 Chinese text); optionally gzip-compressed
  (`.csv.gz`). Blank lines (and rows whose cells are all empty) are skipped but counted.
- Parquet and Excel `.xlsx` (the first sheet; header in its first non-blank row).
Anything else (`.xls`, JSON, PDF, a zip, …) is refused with one line saying what the file appears to
be and what to do. UTF-8 text is parsed by Arrow (`pyarrow.csv`, every cell as Arrow text, several
threads) and checked with Arrow compute, so a log of millions of lines never becomes Python strings;
customer ids stay Arrow-backed (pandas' pyarrow string dtype). A file Arrow does not take as it is (another encoding,
ragged rows, a stray quote, cells beyond the header) is read record by record to name the problem.

Where a problem is, is where the analyst finds it: the physical line of a text file (1 = the first
line; blank lines and line breaks inside quoted cells counted), the spreadsheet row of an .xlsx (header
= row 1 when it is the first row), the row of a Parquet file (1 = the first record).

Dates: one format for the whole file, `date_format` (strftime, e.g. `%d/%m/%Y`) or inferred from the
whole column: year first (`2024-03-31`, `2024/03/31`, `2024-03-31 10:30:00`, `20240331`, ISO 8601
with `T`), or day and month first (`31/03/2024`, `03/31/2024`, also with `.` or `-`) only when the
column settles the order (a first field above 12: day first; a second field above 12: month first).
Ambiguous or conflicting orders, two-digit years, times without a date and values that do not fit the
format are located errors. Values with a UTC offset (`+08:00`, `-05:00`, `Z`) are converted to China
time (UTC+08:00) and stored without a zone; a file mixing values with and without an offset is refused.
Values without an offset are taken as they are (the log's own local time). Dates are datetime64; the
measures use the day (`purchases` normalises)."""
from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd

from growthpath import paths
from growthpath.data import datapackage, order_engine
from growthpath.data.datapackage import DataError, Problem

REQUIRED = ("customer_id", "date", "amount")
OPTIONAL = ("channel", "quantity")
DEFAULT_RESOURCE = "orders_cdnow"
MAX_LISTED = 20
DATE_DTYPE = "datetime64[us]"
CHINA = _dt.timezone(_dt.timedelta(hours=8), "UTC+08:00")  # offsets are converted to this zone, then dropped

# what each chapter needs of a log (model_problems)
MIN_CUSTOMERS = 5         # below: an error. rfm() scores customers in quintiles (bins=5) and top_share / gini rank
#                           customers: with fewer than 5 the scores cannot all occur and every "share" is one person.
#                           (Not 30: the book's own 8-customer example log, tests/fixtures/orders_small.csv, must run.)
FEW_CUSTOMERS = 30        # below: a warning. Cohort and repurchase rates over fewer customers move by > 3 points per customer
MIN_REPEAT_BUYERS = 10    # the customer-value models: clv.fit_bgnbd refuses fewer than 10 customers or no repeat purchase,
#                           clv.fit_gamma_gamma fewer than 10 repeat buyers; so 10 repeat buyers by calibration_end
EXTREME_AMOUNT = 1000     # a warning for amounts above this many times the median amount (units? a typo?)


class RowProblem(Problem):
    """A problem in a spreadsheet or Parquet file: located by row, not by line."""

    def __str__(self) -> str:
        return super().__str__().replace(f", line {self.row}", f", row {self.row}", 1) if self.row is not None else super().__str__()


class LineMap:
    """Positions in a loaded frame → where the rows are in the file: physical lines of a text file
    (`unit` "line") or rows of a spreadsheet / Parquet file (`unit` "row"). The table is built on first
    use only, i.e. only when there is a problem to report."""

    def __init__(self, unit: str, build: Callable[[], np.ndarray]):
        self.unit, self._build, self._table = unit, build, None

    @classmethod
    def header_plus(cls, n: int) -> "LineMap":
        """A frame built in memory: row i is line i + 2 (the header is line 1)."""
        return cls("line", lambda: np.arange(n) + 2)

    def __call__(self, positions) -> list[int]:
        if self._table is None:
            self._table = np.asarray(self._build())
        return [int(self._table[int(p)]) for p in np.atleast_1d(positions)]

    def problem(self, label: str, message: str, position=None, column: str | None = None) -> Problem:
        row = self(position)[0] if position is not None else None
        return (RowProblem if self.unit == "row" else Problem)(label, message, row=row, column=column)

    def where(self, position) -> str:
        return f"{self.unit} {self(position)[0]}"


@dataclass
class OrderLog:
    """A validated order log and where it came from."""
    frame: pd.DataFrame      # customer_id (str), date (datetime64), amount (float), optional channel / quantity
    label: str               # the file as messages name it
    file: Path
    kind: str                # "text", "parquet" or "xlsx"
    encoding: str | None     # the text encoding used (text files)
    lines: LineMap           # frame positions → physical lines / rows
    ignored: tuple = ()      # the file's columns the book does not use


# ----------------------------------------------------------------------------- what the file is
_ZIP_KINDS = (("xl/workbook.xml", None, None),  # an .xlsx (or .xlsm): readable
              ("word/", "a Word document", "export the order table as CSV UTF-8 or .xlsx"),
              ("ppt/", "a PowerPoint presentation", "export the order table as CSV UTF-8 or .xlsx"),
              ("content.xml", "an OpenDocument file (.ods)", "open it and save it as .xlsx or CSV UTF-8"))
_MAGIC = ((b"%PDF", "a PDF document", "export the orders from their source as CSV UTF-8 or .xlsx (tables in a PDF cannot be "
                                      "read reliably)"),
          (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls) or another legacy or encrypted Office file",
           "open it in Excel or WPS and save it as .xlsx or CSV UTF-8 (without a password)"),
          (b"\x89PNG", "a PNG image", "export the order table itself as CSV UTF-8 or .xlsx"),
          (b"\xff\xd8\xff", "a JPEG image", "export the order table itself as CSV UTF-8 or .xlsx"),
          (b"SQLite format 3\x00", "an SQLite database", "export the orders table as CSV UTF-8 (sqlite3 -header -csv)"),
          (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract it and give the CSV inside"),
          (b"Rar!", "a RAR archive", "extract it and give the CSV inside"),
          (b"\xff\xfe", "UTF-16 text (Excel's \"Unicode Text\")", "save it as CSV UTF-8 instead"),
          (b"\xfe\xff", "UTF-16 text", "save it as CSV UTF-8 instead"))


def _refuse(label: str, file: Path, what: str, todo: str) -> DataError:
    named = f" (despite its {''.join(file.suffixes[-2:]) or 'missing'} extension)" if file.suffix.lower() in (".csv", ".tsv", ".txt", ".gz") else ""
    return DataError([Problem(label, f"not an order table: the file appears to be {what}{named}; {todo}")])


def _kind(raw: bytes, label: str, file: Path, encoding: str | None = None) -> str:
    """'text', 'parquet' or 'xlsx' from the content; DataError saying what the file is otherwise."""
    if encoding and re.sub(r"[-_]", "", encoding.lower()).startswith(("utf16", "utf32")):
        return "text"  # declared: its BOM and NUL bytes are expected
    if raw.startswith(b"PAR1"):
        return "parquet"
    if raw.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
        except zipfile.BadZipFile:
            raise _refuse(label, file, "a damaged zip archive", "export the orders again as CSV UTF-8 or .xlsx") from None
        for prefix, what, todo in _ZIP_KINDS:
            if any(n.startswith(prefix) for n in names):
                if what is None:
                    return "xlsx"
                raise _refuse(label, file, what, todo)
        inside = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        raise _refuse(label, file, f"a zip archive ({inside or 'empty'})", "unzip it and give the CSV inside as orders_path")
    for magic, what, todo in _MAGIC:
        if raw.startswith(magic):
            raise _refuse(label, file, what, todo)
    if b"\x00" in raw[:4096]:
        raise _refuse(label, file, f"a binary file of unknown type (it starts with {raw[:8].hex(' ')})",
                      "save the orders as CSV UTF-8 or .xlsx")
    head = raw[:64].lstrip(codecs.BOM_UTF8).lstrip()
    if head[:1] in (b"{", b"["):
        raise _refuse(label, file, "JSON", "convert it to a table and save it as CSV UTF-8 (e.g. pandas.read_json(...).to_csv(...)) or .xlsx")
    if head[:1] == b"<":
        raise _refuse(label, file, "HTML or XML (a web page, or an export in Excel's HTML format)",
                      "open it in Excel or WPS and save it as .xlsx or CSV UTF-8")
    return "text"


# ----------------------------------------------------------------------------- text files
def _line_at(raw: bytes, pos: int) -> int:
    return raw[:pos].count(b"\n") + 1


def _looks_chinese(text: str) -> bool:
    """GB18030 decodes many non-Chinese byte strings too: accept it when what it decodes to is mostly
    CJK characters and full-width punctuation."""
    sample = text[:1_000_000]
    other = sum(1 for _ in re.finditer(r"[^\x00-\x7f]", sample))
    cjk = sum(1 for _ in re.finditer(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]", sample))
    return other > 0 and cjk >= 0.8 * other


def _decode(raw: bytes, label: str, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise DataError([Problem(label, f"unknown encoding {encoding!r} (orders_encoding); use e.g. utf-8, gb18030, gbk or latin-1")]) from None
        try:
            return raw.decode(name).removeprefix("\ufeff"), name
        except UnicodeDecodeError as exc:
            raise DataError([Problem(label, f"not valid {encoding} (byte {exc.start}: {raw[exc.start:exc.start + 4]!r}); "
                                            "check orders_encoding, or save the file as CSV UTF-8", row=_line_at(raw, exc.start))]) from None
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[bom:].decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        pos = exc.start + bom
    try:
        text = raw.decode("gb18030")
        if _looks_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    raise DataError([Problem(label, f"not valid UTF-8 (byte {pos}: {raw[pos:pos + 4]!r}) and not GB18030 Chinese text either; "
                                    "save the file as CSV UTF-8, or name its encoding with orders_encoding (e.g. "
                                    "orders_encoding=latin-1)", row=_line_at(raw, pos))])


_DELIMITERS = ",;\t"


def _sniff(lines: list[str]) -> str:
    """The delimiter: the candidate (comma, semicolon, tab) the header line has most of; a tie is left to
    csv.Sniffer on the first lines. No candidate at all: a one-column file."""
    header = next((ln for ln in lines if ln.strip()), "")
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts.values())
    top = [d for d, n in counts.items() if n == best]
    if best == 0 or len(top) == 1:
        return top[0] if best else ","
    try:
        found = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters="".join(top)).delimiter
    except csv.Error:
        return top[0]
    return found if found in top else top[0]


def _record_starts(text: str, delimiter: str) -> np.ndarray:
    """The physical line each CSV record starts on (records as csv.reader yields them, blank ones included)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts, previous = [], 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return np.asarray(starts, dtype=np.int64)


def _malformed(text: str, delimiter: str, label: str) -> DataError:
    """The record strict CSV parsing stops at, located at the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous = 0
    try:
        for _ in reader:
            previous = reader.line_num
    except csv.Error as exc:
        error = exc
    else:  # pragma: no cover - the caller saw an error
        return DataError([Problem(label, "not a well-formed CSV")])
    if "unexpected end of data" in str(error):
        what = "a quote opened here is never closed (the rest of the file would be one cell); close it or remove it"
    else:
        what = f"text after a closing quote ({error}); quote the whole cell and double any quote inside it, e.g. \"5\"\" screen\""
    return DataError([Problem(label, f"not a well-formed CSV: {what}", row=previous + 1)])


@dataclass
class _Table:
    frame: pd.DataFrame      # every cell as text
    lines: LineMap
    problems: list[Problem]  # structural problems (cells beyond the header)


def _blank(frame: pd.DataFrame) -> np.ndarray:
    return np.logical_and.reduce([frame[c].str.strip().eq("").to_numpy(bool) for c in frame.columns]) if len(frame.columns) \
        else np.ones(len(frame), bool)


def _shape(header: list[str], body: list | pd.DataFrame, label: str, locate: Callable[[np.ndarray], LineMap]) -> _Table:
    """A text frame from the header and the records after it (lists of cells, ragged allowed, or a
    frame of text columns): blank records dropped, short ones padded, cells beyond the header an error
    unless empty."""
    width = len(header)
    if isinstance(body, pd.DataFrame):
        frame = body
    else:
        longest = max(width, *map(len, body)) if body else width
        frame = pd.DataFrame([list(r) + [""] * (longest - len(r)) for r in body], dtype=object) if body \
            else pd.DataFrame(columns=range(width), dtype=object)  # short records padded here: pandas will stop padding them
    for j in range(frame.shape[1], width):  # every record shorter than the header
        frame[j] = ""
    frame = frame.fillna("").astype(str)
    blank = _blank(frame)
    kept = np.flatnonzero(~blank)
    lines = locate(kept)
    frame = frame.iloc[kept].reset_index(drop=True)
    problems = []
    if frame.shape[1] > width:
        extra = ~_blank(frame.iloc[:, width:])
        for i in np.flatnonzero(extra)[:MAX_LISTED]:
            n = int((frame.iloc[i, width:].str.strip() != "").to_numpy().nonzero()[0].max()) + width + 1
            problems.append(lines.problem(label, f"more cells than the header: {n} cells, the header has {width} (a stray delimiter, "
                                                 "or a value containing the delimiter without quotes)", i))
        frame = frame.iloc[:, :width]
    frame.columns = header
    return _Table(frame, lines, problems)


def _read_text(raw: bytes, label: str, encoding: str | None) -> tuple[_Table, str]:
    """Cells as text. pandas' C parser reads the file with blank lines kept as rows, so its rows are the
    csv module's records one for one (the line map, built only to report a problem, uses the csv
    module's line count); a file pandas refuses (ragged rows, a stray quote) is read record by record
    so the problem can be located."""
    text, used = _decode(raw, label, encoding)
    first_lines, sep, delimiter, lead = _layout(text)
    starts = lambda: _record_starts(text, delimiter)
    try:
        cells = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=str, na_filter=False, skip_blank_lines=False,
                            skiprows=lead, engine="c", quotechar='"', doublequote=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        cells = None
    if cells is not None and len(cells) and lead < len(first_lines):
        header = [str(c).strip() for c in cells.iloc[0]]
        h, body = lead, cells.iloc[1:].reset_index(drop=True)
        body.columns = range(body.shape[1])
    else:
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        except csv.Error:
            raise _malformed(text, delimiter, label) from None
        h = next((i for i in range(int(bool(sep)), len(records)) if any(c.strip() for c in records[i])), None)
        if h is None:
            raise DataError([Problem(label, "file is empty")])
        header, body = [c.strip() for c in records[h]], records[h + 1:]
    while header and not header[-1]:  # a trailing delimiter on the header line
        header.pop()
    locate = lambda kept: LineMap("line", lambda: starts()[h + 1 + kept])
    return _shape(header, body, label, locate), used


def _layout(text: str) -> tuple[list[str], re.Match | None, str, int]:
    """The first lines of a text file, Excel's `sep=` hint line, the delimiter and the number of lines
    before the header (the hint and blank lines)."""
    first_lines = re.split(r"\r\n|\r|\n", text[:65536])[:50]
    sep = re.fullmatch(r"\s*sep=(.)\s*", first_lines[0]) if first_lines else None
    delimiter = sep.group(1) if sep else _sniff(first_lines)  # Excel's hint line: "sep=;"
    lead = int(bool(sep))
    while lead < len(first_lines) and not first_lines[lead].strip(delimiter + " \t"):
        lead += 1  # blank lines before the header
    return first_lines, sep, delimiter, lead


HEAD_BYTES = 1 << 18  # the start of a file, for its kind, its layout and its header


def _open_text(file: Path):
    """The file's bytes as a stream (gzip decompressed) and whether it is gzipped."""
    import gzip

    with open(file, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    return (gzip.open(file, "rb") if gz else open(file, "rb")), gz


def _line_table(file: Path, delimiter: str, header_record: int, rows: int) -> np.ndarray:
    """For `_read_text_fast`'s rows (the non-blank records after the header), the physical line each starts
    on: the table `_read_text` builds. Built only to report a problem."""
    found = _simple_line_table(file, delimiter, header_record, rows)
    return found if found is not None else _csv_line_table(file, delimiter, header_record)


def _csv_line_table(file: Path, delimiter: str, header_record: int) -> np.ndarray:
    """`_line_table` from the csv module's records (any file; a few seconds per million records)."""
    with _open_text(file)[0] as stream:
        raw = stream.read()
    text = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    reader = csv.reader(io.StringIO(text.decode("utf-8"), newline=""), delimiter=delimiter)
    starts, blank, previous = [], [], 0
    for record in reader:
        starts.append(previous + 1)
        blank.append(not any(c.strip() for c in record))
        previous = reader.line_num
    starts, blank = np.asarray(starts, dtype=np.int64), np.asarray(blank, bool)
    body = np.arange(header_record + 1, len(starts))
    return starts[body[~blank[header_record + 1:]]]


def _simple_line_table(file: Path, delimiter: str, header_record: int, rows: int, block: int = 1 << 24) -> np.ndarray | None:
    """`_line_table` by NumPy over the bytes, a block at a time, when records are lines: every line holds an
    even number of quotes (no quoted cell spans lines) and no line ends in a lone CR. A line is blank when
    it holds only the delimiter and spaces or tabs. None when that cannot be decided so (a line of quotes
    and delimiters only) or the count disagrees with the rows read: the csv module decides then."""
    if len(delimiter.encode()) != 1:
        return None
    quiet = np.zeros(256, bool)
    quiet[[ord(delimiter), ord(" "), ord("\t"), ord("\r"), ord("\n")]] = True
    kept, done, carry = [], 0, b""
    with _open_text(file)[0] as stream:
        while True:
            chunk = stream.read(block)
            data = carry + chunk if chunk else carry + (b"\n" if carry else b"")
            if chunk:
                cut = data.rfind(b"\n") + 1
                data, carry = data[:cut], data[cut:]
            else:
                carry = b""
            if data:
                b = np.frombuffer(data, np.uint8)
                ends = np.flatnonzero(b == 10)
                cr = np.flatnonzero(b == 13)
                if len(cr) and (cr[-1] + 1 >= len(b) or (b[cr + 1] != 10).any()):
                    return None  # old Mac line ends
                starts = np.concatenate([[0], ends[:-1] + 1])
                quotes = np.add.reduceat((b == 34).view(np.uint8), starts, dtype=np.int64)
                other = np.add.reduceat((~quiet[b] & (b != 34)).view(np.uint8), starts, dtype=np.int64)
                if (quotes % 2).any() or ((other == 0) & (quotes > 0)).any():
                    return None
                number = done + np.arange(1, len(starts) + 1)
                kept.append(number[(other > 0) & (number > header_record + 1)])
                done += len(starts)
            if not chunk:
                break
    kept = np.concatenate(kept) if kept else np.zeros(0, np.int64)
    return kept if len(kept) == rows else None


def _read_text_fast(file: Path, label: str, encoding: str | None) -> tuple[_Table, str] | None:
    """A UTF-8 delimited file parsed by Arrow (pyarrow.csv, every cell as text, several threads; no Python
    string per cell): the same table `_read_text` gives, or None when the file needs that careful path
    (not UTF-8, ragged rows, a stray quote, cells beyond the header, an empty header, …: the careful path
    then names the problem). Blank rows are dropped as there; the line map is built on first use."""
    import zlib

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    if encoding and not (_known(encoding) and codecs.lookup(encoding).name == "utf-8"):
        return None
    if not file.is_file():
        return None
    stream, _ = _open_text(file)
    with stream:
        try:
            head = stream.read(HEAD_BYTES)
        except (OSError, EOFError, zlib.error):
            return None  # a broken gzip: `_bytes` says so
        if not head.strip() or head.startswith((b"PAR1", b"PK\x03\x04", b"PK\x05\x06")):
            return None
        if _kind(head, label, file, encoding) != "text":
            return None  # pragma: no cover - _kind refuses or returns text for everything else
        bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
        text = head[bom:].decode("utf-8", errors="replace")
        first_lines, sep, delimiter, lead = _layout(text)
        if lead >= len(first_lines) or len(delimiter) != 1 or delimiter in '"\r\n':
            return None
        skipped = re.match(rb"(?:[^\r\n]*(?:\r\n|\r|\n)){%d}" % lead, head[bom:])
        if skipped is None:
            return None
        try:
            width = len(next(csv.reader(io.StringIO(text[len(skipped.group(0).decode("utf-8", errors="replace")):], newline=""),
                                        delimiter=delimiter)))
        except (csv.Error, StopIteration):
            return None
        names = [f"f{j}" for j in range(width)]
        stream.seek(bom + skipped.end())
        try:
            cells = pacsv.read_csv(
                stream, read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False,
                                                 newlines_in_values=True, ignore_empty_lines=True),
                convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                                     quoted_strings_can_be_null=False))
        except (pa.ArrowInvalid, OSError, EOFError, ValueError, zlib.error):
            return None  # not UTF-8, ragged, a stray quote, a broken gzip…: the careful path says which
    if cells.num_rows == 0:
        return None
    header = [str(c).strip() for c in cells.slice(0, 1).to_pylist()[0].values()]
    while header and not header[-1]:  # a trailing delimiter on the header line
        header.pop()
    if not header:
        return None
    body = cells.slice(1)
    del cells
    blank = _blank_arrow([body.column(j) for j in range(width)])
    if width > len(header) and not _blank_arrow([body.column(j) for j in range(len(header), width)]).to_numpy(zero_copy_only=False).all():
        return None  # cells beyond the header: `_shape` names each
    if blank.true_count:
        body = body.filter(pc.invert(blank))
    frame = body.select(range(len(header))).to_pandas(types_mapper={pa.string(): order_engine.TEXT, pa.large_string(): order_engine.TEXT}.get)
    frame.columns = header
    rows = len(frame)
    lines = LineMap("line", lambda: _line_table(file, delimiter, lead, rows))
    return _Table(frame, lines, []), "utf-8"


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
        return True
    except LookupError:
        return False


def _blank_arrow(columns: list):
    """Rows whose cells are all empty or whitespace, as an Arrow boolean array (`_blank` of Arrow columns)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = None
    for col in columns:
        empty = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0)
        out = empty if out is None else pc.and_(out, empty)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


# ----------------------------------------------------------------------------- Parquet and Excel
def _cell_text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return ""
    if isinstance(v, _dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (_dt.date, _dt.time)):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _as_text(col: pd.Series) -> pd.Series:
    """A typed column as the text a CSV export would hold (dates ISO, integral floats without '.0')."""
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_convert(CHINA).dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").astype(str)
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_integer_dtype(col):
        return col.astype(str).where(col.notna(), "")
    if pd.api.types.is_float_dtype(col):
        v = col.to_numpy(float, na_value=np.nan)
        out = col.astype(str).to_numpy(object)
        integral = np.isfinite(v) & (np.abs(v) < 1e15)
        integral[integral] = v[integral] == np.round(v[integral])
        out[integral] = v[integral].astype(np.int64).astype(str)
        out[np.isnan(v)] = ""
        return pd.Series(out, index=col.index, dtype=str)
    return col.astype(object).map(_cell_text).astype(str)


def _read_parquet(raw: bytes, label: str) -> _Table:
    try:
        typed = pd.read_parquet(io.BytesIO(raw))
    except (OSError, ValueError, ImportError) as exc:
        raise DataError([Problem(label, f"not a readable Parquet file ({str(exc).splitlines()[0]}); write it again, or save the orders "
                                        "as CSV UTF-8")]) from None
    frame = pd.DataFrame({j: _as_text(typed[c]) for j, c in enumerate(typed.columns)})
    return _shape([str(c).strip() for c in typed.columns], frame, label, lambda kept: LineMap("row", lambda: kept + 1))


def _read_xlsx(raw: bytes, label: str) -> _Table:
    try:
        import openpyxl
    except ImportError:  # pinned in requirements.txt
        raise DataError([Problem(label, "reading .xlsx needs openpyxl (pip install openpyxl), or save the file as CSV UTF-8")]) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise DataError([Problem(label, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}); open it in Excel or WPS and "
                                        "save it again, or save it as CSV UTF-8")]) from None
    try:
        rows = [[_cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()
    h = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if h is None:
        raise DataError([Problem(label, "file is empty (its first sheet has no cells)")])
    header = [c.strip() for c in rows[h]]
    while header and not header[-1]:
        header.pop()
    return _shape(header, rows[h + 1:], label, lambda kept: LineMap("row", lambda: kept + h + 2))


def _bytes(file: Path, label: str) -> bytes:
    if not file.exists():
        raise DataError([Problem(label, "file not found")])
    raw = file.read_bytes()
    if raw.startswith(b"\x1f\x8b"):
        import gzip
        import zlib
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError([Problem(label, f"not a valid gzip file ({exc}); compress it again or give the CSV itself")]) from None
    if not raw.strip():
        raise DataError([Problem(label, "file is empty")])
    return raw


# ----------------------------------------------------------------------------- dates
_CLOCK = (r"(?:(?:T|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<F>\d{1,9}))?)?"
          r"(?:\s*(?P<P>[AaPp])\.?[Mm]\.?)?)?")
_ZONE = r"(?:\s*(?P<Z>Z|[+-]\d{2}(?::?\d{2})?))?"
_YEAR_FIRST = rf"(?P<Y>\d{{4}})[-/.](?P<A>\d{{1,2}})[-/.](?P<B>\d{{1,2}}){_CLOCK}{_ZONE}"
_DAY_MONTH = rf"(?P<A>\d{{1,2}})[-/.](?P<B>\d{{1,2}})[-/.](?P<Y>\d{{4}}){_CLOCK}{_ZONE}"
_SHORT_YEAR = r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2}(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)?"
_TIME_ONLY = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
_FAST = ((r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"), (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "%Y-%m-%d %H:%M:%S"), (r"\d{8}", "%Y%m%d"))
_EXPECTED = "a date like 2024-03-31, 2024-03-31 10:30:00, 20240331 or 31/03/2024"


class _Where:
    """Reports problems of one column at frame positions, in file lines."""

    def __init__(self, label: str, lines: LineMap, raw: pd.Series):
        self.label, self.lines, self.raw = label, lines, raw

    def each(self, mask, column: str, what: str, raw: pd.Series | None = None) -> list[Problem]:
        raw = self.raw if raw is None else raw
        rows = np.flatnonzero(np.asarray(mask, bool))
        out = [self.lines.problem(self.label, f"{what}; found {raw.iloc[i]!r}", i, column) for i in rows[:MAX_LISTED]]
        if len(rows) > MAX_LISTED:
            out.append(Problem(self.label, f"{len(rows) - MAX_LISTED} more rows with: {what}", column=column))
        return out

    def examples(self, mask, n: int = 3) -> str:
        rows = np.flatnonzero(np.asarray(mask, bool))[:n]
        return ", ".join(f"{self.raw.iloc[i]!r} ({self.lines.where(i)})" for i in rows)

    def first(self, mask) -> int:
        return int(np.flatnonzero(np.asarray(mask, bool))[0])


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _arrow_text(s: pd.Series):
    """The Arrow array behind an Arrow-backed text column (None for other columns)."""
    import pyarrow as pa

    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow" or \
            isinstance(s.dtype, pd.ArrowDtype) and pa.types.is_string(s.dtype.pyarrow_dtype) | pa.types.is_large_string(s.dtype.pyarrow_dtype):
        return pa.array(s.array)
    return None


_INTEGER = r"^[+-]?\d{1,18}$"
_DECIMAL = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def _numbers(text: pd.Series) -> pd.Series:
    """`pd.to_numeric(text.str.strip(), errors="coerce")`: by Arrow when every cell is a plain integer or decimal
    number (the same values: both parse to the nearest double), by pandas otherwise (NaN where a cell is not a number)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    stripped = text.str.strip()
    arr = _arrow_text(stripped) if len(stripped) else None
    if arr is not None:
        integral = pc.all(pc.match_substring_regex(arr.slice(0, 1000), _INTEGER)).as_py()  # a decimal early: skip the full check
        if integral and pc.all(pc.match_substring_regex(arr, _INTEGER)).as_py():
            return pd.Series(pc.cast(pc.replace_substring_regex(arr, r"^\+", ""), pa.int64()).to_numpy(), index=text.index)
        if pc.all(pc.match_substring_regex(arr, _DECIMAL)).as_py():
            return pd.Series(pc.cast(arr, pa.float64()).to_numpy(), index=text.index)
    return pd.to_numeric(stripped, errors="coerce")


def _arrow_dates(s: pd.Series, fmt: str) -> pd.Series | None:
    """`pd.to_datetime(s, format=fmt)` for the _FAST formats (every value already matches) by Arrow, when every
    value is a valid date and time; None otherwise (pandas then locates the invalid ones)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = _arrow_text(s)
    if arr is None:
        return None
    try:
        if fmt == "%Y-%m-%d":
            ts = pc.cast(pc.cast(arr, pa.date32()), pa.timestamp("us"))  # an impossible day (02-30) raises
        elif fmt == "%Y%m%d":
            iso = pc.binary_join_element_wise(*(pc.utf8_slice_codeunits(arr, a, b) for a, b in ((0, 4), (4, 6), (6, 8))),
                                             pa.scalar("-", arr.type))
            ts = pc.cast(pc.cast(iso, pa.date32()), pa.timestamp("us"))
        else:  # "%Y-%m-%d %H:%M:%S": the day checked as above (strptime would roll 02-30 over), the time by strptime
            pc.cast(pc.utf8_slice_codeunits(arr, 0, 10), pa.date32())
            ts = pc.strptime(arr, format=fmt, unit="us", error_is_null=True)
            if ts.null_count:
                return None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(ts.to_numpy(), index=s.index).astype(DATE_DTYPE)


def _assemble(parts: pd.DataFrame, month: pd.Series, day: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Timestamps from extracted fields (invalid → NaT) and whether each had a UTC offset; values with
    an offset are converted to China time and lose it."""
    date = pd.to_datetime(pd.DataFrame({"year": _num(parts["Y"]), "month": _num(month), "day": _num(day)}), errors="coerce")
    h, m, s = (_num(parts[k]).fillna(0) for k in ("H", "M", "S"))
    half = parts["P"].fillna("").astype(str).str.lower()
    twelve = half != ""
    bad = (m > 59) | (s > 59) | (~twelve & (h > 23)) | (twelve & ((h < 1) | (h > 12)))
    h = h.where(~twelve, h % 12 + 12 * (half == "p"))
    micro = _num(parts["F"].fillna("").astype(str).str.pad(9, side="right", fillchar="0").str[:6]).fillna(0)
    ts = date + pd.to_timedelta(h * 3600 + m * 60 + s, unit="s") + pd.to_timedelta(micro, unit="us")
    zone = parts["Z"].fillna("").astype(str).str.replace(":", "", regex=False)
    aware = (zone != "").to_numpy()
    if aware.any():
        sign = np.where(zone.str[:1] == "-", -1, 1)
        minutes = sign * (_num(zone.str[1:3]).fillna(0) * 60 + _num(zone.str[3:5]).fillna(0))
        ts = ts.where(~aware, ts - pd.to_timedelta(minutes, unit="min") + pd.Timedelta(hours=8))
    return ts.where(~bad), pd.Series(aware, index=parts.index)


def _suggest(example: str, order: str) -> str:
    sep = re.search(r"[-/.]", example).group(0)
    fmt = {"day": f"%d{sep}%m{sep}%Y", "month": f"%m{sep}%d{sep}%Y"}[order]
    clock = re.search(r"\d:\d{2}(:\d{2})?", example)
    return f"'{fmt}{' %H:%M' + (':%S' if clock.group(1) else '') if clock else ''}'"


def parse_dates(raw: pd.Series, label: str = "order log", date_format: str | None = None,
                lines: LineMap | None = None, column: str = "date") -> tuple[pd.Series, list[Problem]]:
    """The dates of a text column (datetime64; NaT where a problem was found) and the problems, one
    format for the whole column: `date_format` (strftime) or the format the column settles (module
    docstring). Offsets are converted to China time (UTC+08:00) and dropped."""
    raw = raw.astype(str)
    lines = lines or LineMap.header_plus(len(raw))
    w = _Where(label, lines, raw)
    s = raw.str.strip().reset_index(drop=True)
    out = pd.Series(pd.NaT, index=s.index, dtype=DATE_DTYPE)
    if date_format is not None:
        if "%" not in date_format:
            return out, [Problem(label, f"orders_date_format {date_format!r} is not a strftime format; write e.g. '%d/%m/%Y' or "
                                        "'%Y-%m-%d %H:%M'", column=column)]
        aware = "%z" in date_format or "%Z" in date_format
        try:
            parsed = pd.to_datetime(s, format=date_format, errors="coerce", utc=aware)
        except ValueError as exc:
            return out, [Problem(label, f"orders_date_format {date_format!r} is not a usable format ({exc})", column=column)]
        if aware:
            parsed = parsed.dt.tz_convert(CHINA).dt.tz_localize(None)
        parsed = parsed.astype(DATE_DTYPE)
        return parsed, w.each(parsed.isna(), column, f"does not match orders_date_format {date_format!r}")
    for pattern, fmt in _FAST:  # the common cases, at C speed
        if len(s) and s.str.fullmatch(pattern).all():
            parsed = _arrow_dates(s, fmt)  # every value a valid date: Arrow; else pandas, which finds the invalid ones
            parsed = parsed if parsed is not None else pd.to_datetime(s, format=fmt, errors="coerce").astype(DATE_DTYPE)
            return parsed, w.each(parsed.isna(), column, f"not a valid date (no such day), expected {_EXPECTED}")
    left = np.ones(len(s), bool)

    def matching(pattern: str) -> np.ndarray:  # each value is tried against the forms in turn, until one fits
        found = np.zeros(len(s), bool)
        if left.any():
            found[left] = s[left].str.fullmatch(pattern).to_numpy(bool)
            left[found] = False
        return found

    empty = s.eq("").to_numpy(bool)
    left[empty] = False
    year_first, compact, day_month = matching(_YEAR_FIRST), matching(r"\d{8}"), matching(_DAY_MONTH)
    short, clock = matching(_SHORT_YEAR), matching(_TIME_ONLY)
    other = left
    problems = w.each(empty, column, f"empty date, expected {_EXPECTED}")
    problems += w.each(clock, column, "a time without a date (the column may be formatted as time only); give the full date")
    problems += w.each(short, column, "two-digit year: the century is ambiguous; write four-digit years, or set orders_date_format "
                                      "(e.g. '%d/%m/%y')")
    serial = other & s.str.fullmatch(r"\d{5}(?:\.\d+)?").to_numpy(bool)
    problems += w.each(serial, column, "a number, not a date (an Excel date serial? format the column as a date before saving)")
    problems += w.each(other & ~serial, column, f"not a date in a recognised format, expected {_EXPECTED} "
                                                "(or set orders_date_format)")
    ymd = year_first | compact
    if ymd.any() and day_month.any():
        i, j = w.first(ymd), w.first(day_month)
        problems.append(lines.problem(label, f"mixes date formats: {raw.iloc[i]!r} ({lines.where(i)}) is year first, {raw.iloc[j]!r} "
                                             f"({lines.where(j)}) is day or month first; use one format for the whole file", i, column))
        return out, problems
    aware = np.zeros(len(s), bool)
    if compact.any():
        out[compact] = pd.to_datetime(s[compact], format="%Y%m%d", errors="coerce")
    if year_first.any():
        parts = s[year_first].str.extract(_YEAR_FIRST)
        ts, tz = _assemble(parts, parts["A"], parts["B"])
        out[year_first], aware[year_first] = ts, tz.to_numpy()
    if day_month.any():
        parts = s[day_month].str.extract(_DAY_MONTH)
        a, b = _num(parts["A"]), _num(parts["B"])
        day_first, month_first = ((a > 12) & (a <= 31)).to_numpy(), ((b > 12) & (b <= 31)).to_numpy()
        where = np.flatnonzero(day_month)
        if day_first.any() and month_first.any():
            i, j = where[day_first.argmax()], where[month_first.argmax()]
            problems.append(lines.problem(label, f"mixes day-first and month-first dates: {raw.iloc[i]!r} ({lines.where(i)}) can only be "
                                                 f"day first, {raw.iloc[j]!r} ({lines.where(j)}) only month first; use one order for the "
                                                 "whole file", i, column))
            return out, problems
        if not day_first.any() and not month_first.any() and (a != b).any():
            shown = np.zeros(len(s), bool)
            shown[where[(a != b).to_numpy()]] = True
            example = raw.iloc[w.first(shown)].strip()
            problems.append(lines.problem(label, "ambiguous dates: the file never shows whether the day or the month comes first (no first "
                                                 f"or second field above 12), e.g. {w.examples(shown)}; set orders_date_format to "
                                                 f"{_suggest(example, 'day')} (day first) or {_suggest(example, 'month')} (month first)",
                                          w.first(shown), column))
            return out, problems
        day, month = (a, b) if day_first.any() or not month_first.any() else (b, a)
        ts, tz = _assemble(parts, month, day)
        out[day_month], aware[day_month] = ts, tz.to_numpy()
    dated = ymd | day_month
    problems += w.each(dated & out.isna().to_numpy(), column, f"not a valid date (no such day or time), expected {_EXPECTED}")
    if aware.any() and (dated & ~aware).any():
        i, j = w.first(aware), w.first(dated & ~aware)
        problems.append(lines.problem(label, f"mixes times with and without a UTC offset: {raw.iloc[i]!r} ({lines.where(i)}) has one, "
                                             f"{raw.iloc[j]!r} ({lines.where(j)}) has none; give every value an offset, or none", j, column))
    return out, problems


# ----------------------------------------------------------------------------- validation and loading
# what spreadsheets and databases write for a missing id: each would otherwise become one large "customer"
NULL_IDS = ("", "null", "nan", "none", "na", "n/a", "-", "--", "nil")


def validate_frame(df: pd.DataFrame, label: str, *, date_format: str | None = None,
                   lines: LineMap | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed frame and every problem found (empty list when valid). `df` holds text cells; `lines`
    locates its rows in the file (default: row i is line i + 2)."""
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        return df, [Problem(label, f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, df.columns)) or 'none'} "
                                   "(map your names with orders_columns / --param orders_columns=...)")]
    df = df.reset_index(drop=True)
    lines = lines or LineMap.header_plus(len(df))
    text = {c: df[c].astype(str) for c in df.columns if c in REQUIRED + OPTIONAL}
    out = pd.DataFrame({"customer_id": text["customer_id"].str.strip()})
    dates, date_problems = parse_dates(text["date"], label, date_format, lines)
    out["date"] = dates
    out["amount"] = _numbers(text["amount"])
    for col in OPTIONAL:
        if col in df.columns:
            out[col] = text[col].str.strip() if col == "channel" else _numbers(text[col])
    problems = _Where(label, lines, text["customer_id"]).each(_null_ids(out["customer_id"]), "customer_id",
                                                              "empty or null-like customer id (not a customer)")
    problems += date_problems
    amounts = _Where(label, lines, text["amount"])
    bad = out["amount"].isna() | ~np.isfinite(out["amount"].fillna(0))
    comma = text["amount"].str.strip().str.fullmatch(r"-?\d+,\d{1,2}").to_numpy(bool) if bad.any() else np.zeros(len(bad), bool)
    problems += amounts.each(bad & comma, "amount", "not a number (a decimal comma? write 9.5, not 9,5)")
    problems += amounts.each(bad & ~comma, "amount", "not a number")
    problems += amounts.each(out["amount"] < 0, "amount", "negative amount (refunds belong in a separate file)")
    return out, problems


def _null_ids(ids: pd.Series) -> np.ndarray:
    """`ids.str.lower().isin(NULL_IDS)`, looking only at ids as short as the longest null-like one."""
    short = np.flatnonzero((ids.str.len() <= max(map(len, NULL_IDS))).to_numpy(bool))
    out = np.zeros(len(ids), bool)
    out[short] = ids.iloc[short].str.lower().isin(NULL_IDS).to_numpy(bool)
    return out


def _misspelt(extra: tuple[str, ...], columns: list[str], label: str) -> list[Problem]:
    """An unused column that is nearly the name of a column the book reads and the file lacks ('quantty'):
    an error, since the book would otherwise ignore it without a word."""
    import difflib

    problems = []
    for c in extra:
        near = difflib.get_close_matches(c.strip().lower(), [k for k in REQUIRED + OPTIONAL if k not in columns], n=1, cutoff=0.8)
        if near:
            problems.append(Problem(label, f"column {c!r} looks like a misspelt {near[0]!r}, which the book reads; rename it, or "
                                           f"map it with orders_columns={{{near[0]}: {c}}}", column=c))
    return problems


def _header_problems(columns: list[str], wanted: set[str], label: str) -> list[Problem]:
    seen: dict[str, list[int]] = {}
    for j, c in enumerate(columns, 1):
        seen.setdefault(c, []).append(j)
    return [Problem(label, f"column {c!r} appears {len(js)} times in the header (columns {', '.join(map(str, js))}); rename or remove "
                           "the extra ones", column=c) for c, js in seen.items() if len(js) > 1 and c in wanted]


def _table(file: Path, label: str, encoding: str | None = None) -> tuple[_Table, str, str | None]:
    """The file's cells as text, its kind and the text encoding used: UTF-8 delimited text through Arrow
    (`_read_text_fast`), anything else, or a text file with a problem to locate, read in full here."""
    fast = _read_text_fast(file, label, encoding)
    if fast is not None:
        return fast[0], "text", fast[1]
    raw = _bytes(file, label)
    kind = _kind(raw, label, file, encoding)
    if kind == "text":
        table, used = _read_text(raw, label, encoding)
        return table, kind, used
    return (_read_parquet(raw, label) if kind == "parquet" else _read_xlsx(raw, label)), kind, None


def _read(path: Path, label: str) -> pd.DataFrame:
    """The cells of an order file as text, blank rows dropped (datapackage.validate checks the bundled
    logs with `validate_frame` on this); DataError if it is no readable table."""
    table = _table(Path(path), label)[0]
    if table.problems:
        raise DataError(table.problems)
    return table.frame


def _source(path: str | Path | None, resource: str) -> Path:
    """The file `read` reads: `path` (relative to the project), or the data package's `resource`, validated."""
    if path is None or str(path) == "":
        datapackage.check(resource)
        return paths.data_dir() / datapackage.resource(resource)["path"]
    file = Path(path)
    return file if file.is_absolute() else paths.root() / file


def read(path: str | Path | None = None, columns: dict[str, str] | None = None, resource: str = DEFAULT_RESOURCE, *,
         encoding: str | None = None, date_format: str | None = None) -> OrderLog:
    """A validated order log with where it came from (see `load`); DataError listing every problem."""
    file = _source(path, resource)
    label = paths.relative(file)
    table, kind, used = _table(file, label, encoding)
    df = table.frame
    wanted = set(REQUIRED + OPTIONAL) | set((columns or {}).values())
    problems = _header_problems(list(df.columns), wanted, label)
    if problems:
        raise DataError(problems)
    df = df.loc[:, ~df.columns.duplicated()]
    if columns:
        unknown = [k for k in columns if k not in REQUIRED + OPTIONAL]
        absent = [v for v in columns.values() if v not in df.columns]
        if unknown or absent:
            raise DataError([Problem(label, (f"unknown target column(s) {unknown}; use {', '.join(REQUIRED + OPTIONAL)}. " if unknown else "")
                                     + (f"mapped column(s) {absent} not in the file; it has {', '.join(df.columns)}" if absent else ""))])
        df = df.drop(columns=[c for c in columns if c in df.columns and c not in columns.values()])  # a mapped name wins
        df = df.rename(columns={v: k for k, v in columns.items()})
    ignored = tuple(str(c) for c in df.columns if c not in REQUIRED + OPTIONAL)
    misspelt = _misspelt(ignored, list(df.columns), label)
    if misspelt:
        raise DataError(misspelt)
    out, problems = validate_frame(df, label, date_format=date_format, lines=table.lines)
    problems = table.problems + problems
    if problems:
        raise DataError(problems)
    datapackage.record_read(file)
    return_freed_memory()  # parsing a large file leaves its text buffers in Arrow's pool
    return OrderLog(out, label, file, kind, used, table.lines, ignored)


def return_freed_memory() -> None:
    """Give the memory Arrow holds but no longer uses back to the system."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def load_parameters(path: str = "", columns: dict[str, str] | None = None, encoding: str = "", date_format: str = "",
                    resource: str = DEFAULT_RESOURCE) -> pd.DataFrame:
    """`load` with a chapter's parameters as papermill gives them: an empty path, mapping, encoding or format
    means the default."""
    return load(path or None, columns or None, resource, encoding=encoding or None, date_format=date_format or None)


def load(path: str | Path | None = None, columns: dict[str, str] | None = None,
         resource: str = DEFAULT_RESOURCE, *, encoding: str | None = None, date_format: str | None = None) -> pd.DataFrame:
    """A validated order log: the file at `path`, or by default the data package's `resource` (the
    CDNOW master file). `columns` maps the book's names to yours, e.g.
    {"customer_id": "buyer", "date": "paid_at", "amount": "gmv"}. `encoding` names a text file's
    encoding (default: UTF-8, or GB18030 when the bytes are that); `date_format` the strftime format
    of every date (default: inferred from the whole column, see the module docstring; offsets are
    converted to China time, UTC+08:00). DataError lists every problem with its line (row).

    Loading the same unchanged file the same way again (Chapter 4 reads one log for two models) gives the
    frame read before, as long as it is untouched: the same columns, the same values (`_fingerprint`)."""
    key = _load_key(path, columns, resource, encoding, date_format)
    held = _LOADED.get("last")
    if key is not None and held is not None and held[0] == key and _untouched(held[1], held[2]):
        return held[1]
    frame = _checked_copy(path, columns, resource, encoding, date_format)
    if frame is None:
        frame = read(path, columns, resource, encoding=encoding, date_format=date_format).frame
    _LOADED["last"] = (key, frame, (list(frame.columns), _fingerprint(frame)))
    return frame


_LOADED: dict = {}   # the last frame `load` returned, with what it was read from and its fingerprint then


def _load_key(path, columns, resource, encoding, date_format) -> tuple | None:
    file = Path(path) if path else paths.data_dir() / datapackage.resource(resource)["path"]
    file = file if file.is_absolute() else paths.root() / file
    try:
        stat = file.stat()
    except OSError:
        return None
    return (str(file.resolve()), stat.st_mtime_ns, stat.st_size, json.dumps(columns, sort_keys=True), encoding, date_format)


def _untouched(frame: pd.DataFrame, then: tuple) -> bool:
    columns, mark = then
    return mark is not None and list(frame.columns) == columns and _fingerprint(frame) == mark


# ----------------------------------------------------------------------------- checked copies
# The runner reads and checks each order log once, before any kernel starts (`runner.check_order_logs`),
# and keeps what it made: the validated frame and its prepared purchases, as Parquet under
# _build/.cache/orders/<key>/. A chapter loading the same log then reads that copy instead of parsing and
# grouping the file again (for a 200 MB CSV: 12 s per chapter). The key is the file's bytes, how it is
# read (mapping, encoding, date format) and the code and library versions that read and group it, so a
# copy is never used for anything else. The last KEEP_COPIES copies stay.
KEEP_COPIES = 4
_COPIES: dict[int, tuple] = {}  # id(frame) -> (fingerprint at load, copy folder): frames `load` read from a copy


def copies_dir() -> Path:
    return paths.cache("orders")


def _copy_key(file: Path, columns, encoding, date_format) -> str | None:
    import hashlib
    from importlib.metadata import version

    try:
        with open(file, "rb") as f:
            digest = hashlib.file_digest(f, "sha256")
    except OSError:
        return None
    libraries = [version(name) for name in ("pandas", "pyarrow", "duckdb", "ibis-framework")]
    digest.update(json.dumps([columns or {}, encoding, date_format, libraries], sort_keys=True).encode())
    for module in (Path(__file__), Path(order_engine.__file__)):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:40]


def keep_checked(log: OrderLog, columns: dict | None = None, encoding: str | None = None, date_format: str | None = None) -> Path | None:
    """Write the checked copy of `log` (read with `columns`, `encoding`, `date_format`) for `load` in
    other processes; the folder, or None when the file cannot be read again."""
    import os
    import shutil

    key = _copy_key(log.file, columns, encoding, date_format)
    if key is None:
        return None
    folder = copies_dir() / key
    if not (folder / "done").exists():
        staging = folder.with_name(f"{key}.{os.getpid()}.tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        log.frame.to_parquet(staging / "orders.parquet", index=False)
        order_engine.save_prepared(prepared(log.frame), staging)
        (staging / "done").touch()
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    (folder / "done").touch()  # most recently used
    _prune()
    return folder


def _prune() -> None:
    import shutil

    kept = sorted((d for d in copies_dir().iterdir() if (d / "done").exists()), key=lambda d: (d / "done").stat().st_mtime_ns)
    for old in kept[:-KEEP_COPIES]:
        shutil.rmtree(old, ignore_errors=True)


def checked_copy(path: str | Path | None = None, columns: dict[str, str] | None = None, resource: str = DEFAULT_RESOURCE, *,
                 encoding: str | None = None, date_format: str | None = None) -> Path | None:
    """The folder of the runner's checked copy of this log read this way (arguments as for `load`), or None
    when there is none."""
    return _copy_of(_source(path, resource), columns, encoding, date_format)


def _copy_of(file: Path, columns, encoding, date_format) -> Path | None:
    key = _copy_key(file, columns, encoding, date_format) if copies_dir().is_dir() else None
    folder = copies_dir() / key if key else None
    return folder if folder is not None and (folder / "done").exists() else None


def _checked_copy(path, columns, resource, encoding, date_format) -> pd.DataFrame | None:
    """The frame of the checked copy of this log, if the runner kept one; None otherwise."""
    import weakref

    file = _source(path, resource)
    folder = _copy_of(file, columns, encoding, date_format)
    if folder is None:
        return None
    try:
        frame = pd.read_parquet(folder / "orders.parquet")
    except OSError:  # pruned by another run meanwhile: read the file itself
        return None
    datapackage.record_read(file)
    mark = _fingerprint(frame)
    if mark is not None:
        _COPIES[id(frame)] = (mark, folder)
        weakref.finalize(frame, _COPIES.pop, id(frame), None)
    return frame


# ----------------------------------------------------------------------------- what the chapters need
class ModelCheck(NamedTuple):
    errors: list[Problem]     # the chapter would crash or compute nonsense: stop before any kernel starts
    warnings: list[Problem]   # usable, but worth a look


def model_problems(frame: pd.DataFrame, label: str, *, calibration_end=None, holdout_end=None,
                   churn_window_days: int | None = None, cohort_freq: str | None = None,
                   repurchase_days: list[int] | None = None, min_customers: int = MIN_CUSTOMERS,
                   lines: LineMap | None = None, threads: int = 1) -> ModelCheck:
    """Whether a loaded log (`load`'s frame, rows in file order) can feed what a chapter computes from
    it, each failure one located message. Always: rows at all, at least `min_customers` customers,
    some repeat buyer, not every amount 0; warnings for few customers, for lines of amount 0 (free
    items are purchases with no spend) and for amounts above EXTREME_AMOUNT × the median. With the
    parameters a chapter passes, warnings when a measure will not be observable (the chapter says so
    and runs on): `cohort_freq` (two cohort periods), `repurchase_days` (the shortest window); and
    errors for what the models cannot do without: `churn_window_days` (training and test cutoffs with
    churners and stayers), and, for the customer-value models, given `calibration_end` / `holdout_end`: dates inside the
    data and in order, MIN_REPEAT_BUYERS repeat buyers by the calibration end, positive and varying
    repeat spend, purchases in the holdout."""
    lines = lines or LineMap.header_plus(len(frame))
    errors: list[Problem] = []
    warnings: list[Problem] = []
    if frame.empty:
        return ModelCheck([Problem(label, "no order lines: the file has a header but no rows")], [])
    t = prepared(frame, threads)  # the counts below are the engine's, on DuckDB (t lives while `frame` does)
    positions = frame.reset_index(drop=True)  # row i: the i-th line of the log (`lines` locates it)
    amount = positions["amount"].to_numpy(float)
    seen = order_engine.buyers(t)
    first_day, last_day = pd.Timestamp(seen["first"]), pd.Timestamp(seen["last"])
    span = f"the log runs from {first_day.date()} to {last_day.date()}"
    n, repeaters = seen["customers"], seen["repeaters"]
    if n < min_customers:
        ids = positions["customer_id"]
        errors.append(Problem(label, f"only {n} customer(s) ({', '.join(map(repr, ids.unique()[:5]))}); the measures need at least "
                                     f"{min_customers} (shares, ranks and RFM quintiles of fewer describe individuals)", column="customer_id"))
    elif n < FEW_CUSTOMERS:
        warnings.append(Problem(label, f"only {n} customers: each moves a rate by {100 / n:.0f} points or more; read the measures as "
                                       "anecdotes", column="customer_id"))
    if repeaters == 0 and n >= min_customers:
        errors.append(Problem(label, f"no repeat buyer: each of the {n} customers bought on one day only, so there is no repurchase, "
                                     "no time between purchases and nothing for the BG/NBD model to fit; is customer_id really the "
                                     "customer (not the order)?", column="customer_id"))
    repeated, keys = order_engine.repeated_lines(order_engine.table(positions[list(REQUIRED)]))
    if repeated:  # locate the first copy among the lines of the customers concerned (few)
        some = positions.loc[positions["customer_id"].isin(keys["customer_id"]), list(REQUIRED)]
        first = int(some.index[some.duplicated().to_numpy()][0])
        warnings.append(lines.problem(label, f"{repeated} line(s) repeat an earlier line exactly: same customer, time and amount "
                                             f"(first {lines.where(first)}); if an order was exported twice, remove the copies, "
                                             "since each counts as spend", first, "customer_id"))
    zero = amount == 0
    if zero.all():
        errors.append(Problem(label, f"every amount is 0 ({len(amount)} lines): there is no spend to measure; is amount the right "
                                     "column?", column="amount"))
    elif zero.any():  # free items and fully discounted lines are real orders (CDNOW has 80): counted, with no spend
        at = np.flatnonzero(np.asarray(zero, bool))
        warnings.append(lines.problem(label, f"{len(at)} line(s) have amount 0 (first {lines.where(at[0])}): they count as purchases "
                                             "with no spend", at[0], "amount"))
    positive = amount[amount > 0]
    if len(positive):
        median = float(np.median(positive))
        extreme = amount > EXTREME_AMOUNT * median
        if extreme.any():
            rows = np.flatnonzero(extreme)
            shown = ", ".join(f"{amount[i]:,.2f} ({lines.where(i)})" for i in rows[:5])
            warnings.append(lines.problem(label, f"{len(rows)} amount(s) above {EXTREME_AMOUNT:,} × the median {median:,.2f}: {shown}; "
                                                 "check the units (fen or yuan?) and typos", rows[0], "amount"))
    if errors:
        return ModelCheck(errors, warnings)
    if cohort_freq in ("M", "W"):
        if order_engine.periods(t, cohort_freq) < 2:
            unit = {"M": "month", "W": "week"}[cohort_freq]
            warnings.append(Problem(label, f"every purchase falls in one {unit} ({pd.Period(first_day, cohort_freq)}): cohort retention is "
                                           f"not observable (it needs at least two {unit}s; give a longer log" +
                                           (" or cohort_freq=W)" if cohort_freq == "M" else ")"), column="date"))
    if repurchase_days:
        longest = order_engine.longest_wait(t)
        if longest < min(repurchase_days):
            warnings.append(Problem(label, f"no customer is observed for {min(repurchase_days)} days (the shortest of repurchase_days; "
                                           f"the longest time observed is {longest:.0f} days, {span}): the repurchase rates are not "
                                           "observable; give a longer log or shorter repurchase_days", column="date"))
    if churn_window_days:  # the churn model cannot be trained without churners and stayers: an error, not a gap
        errors += _churn_problems(t, first_day, last_day, label, int(churn_window_days), span)
    if calibration_end is not None or holdout_end is not None:
        found, notes = _value_model_problems(t, positions, first_day, last_day, label, lines, calibration_end, holdout_end, span)
        errors += found
        warnings += notes
    return ModelCheck(errors, warnings)


def _churn_problems(t, first_day, last_day, label, window, span) -> list[Problem]:
    """churn.fit trains at the cutoff 2 × window before the last date and tests at 1 × window before it;
    each needs customers by the cutoff, some buying again within the window and some not."""
    cut = last_day - pd.Timedelta(days=2 * window)
    if cut < first_day:
        return [Problem(label, f"the churn model trains at the cutoff {2 * window} days (2 × churn_window_days) before the last date, "
                               f"{cut.date()}, which is before the first purchase ({span}); give a log longer than {2 * window} days "
                               "or a shorter churn_window_days", column="date")]
    for what, cut in (("training", cut), ("test", last_day - pd.Timedelta(days=window))):
        counts = order_engine.churn_cutoff(t, cut, window)
        if not counts["returning"] or counts["returning"] == counts["before"]:
            who = "none of" if not counts["returning"] else "all"
            return [Problem(label, f"at the churn model's {what} cutoff {cut.date()} {who} the {counts['before']} customers buy again "
                                   f"within churn_window_days={window}: a churn model needs churners and stayers; change churn_window_days",
                            column="date")]
    return []


def _value_model_problems(t, frame, first_day, last_day, label, lines, calibration_end, holdout_end,
                          span) -> tuple[list[Problem], list[Problem]]:
    try:
        cal = pd.Timestamp(calibration_end) if calibration_end is not None else None
        hold = pd.Timestamp(holdout_end) if holdout_end is not None else None
    except (TypeError, ValueError) as exc:
        return [Problem(label, f"calibration_end / holdout_end must be dates like 1997-09-30 ({exc})")], []
    errors: list[Problem] = []
    if cal is not None and not first_day < cal < last_day:
        errors.append(Problem(label, f"calibration_end {cal.date()} is outside the data: {span}; choose a date after the first and "
                                     "before the last", column="date"))
    if hold is not None and cal is not None and hold <= cal:
        errors.append(Problem(label, f"calibration_end {cal.date()} must come before holdout_end {hold.date()}", column="date"))
    elif hold is not None and hold > last_day:
        errors.append(Problem(label, f"holdout_end {hold.date()} is after the data: {span}; the holdout would count days without data "
                                     "as days without purchases; choose a date on or before the last", column="date"))
    elif hold is not None and hold <= first_day:
        errors.append(Problem(label, f"holdout_end {hold.date()} is outside the data: {span}", column="date"))
    if errors or cal is None:
        return errors, []
    c = order_engine.calibration(t, cal, hold)  # what rfm_summary(t, cal, hold) would hold, counted in the engine
    customers, repeaters = c["customers"], c["repeaters"]
    if customers < MIN_REPEAT_BUYERS or repeaters < MIN_REPEAT_BUYERS:
        errors.append(Problem(label, f"by calibration_end {cal.date()} {customers} customers have bought and {repeaters} of them again; "
                                     f"the BG/NBD and Gamma-Gamma models need at least {MIN_REPEAT_BUYERS} repeat buyers ({span}); "
                                     "choose a later calibration_end or give a longer log", column="customer_id"))
    elif c["broke"]:
        errors.append(Problem(label, f"{c['broke']} repeat buyer(s) spent nothing on their repeat purchases by calibration_end "
                                     f"{cal.date()} (e.g. customer {c['first_broke']!r}): the Gamma-Gamma spend model needs a positive "
                                     "average repeat spend for every repeat buyer; give the value of free lines or drop them",
                              column="amount"))
    elif c["spends"] == 1:
        errors.append(Problem(label, f"every repeat buyer's average repeat spend is the same ({c['spend']:g}) by calibration_end "
                                     f"{cal.date()}: the Gamma-Gamma spend model has no variation to fit (its fit is singular)",
                              column="amount"))
    if hold is not None and not c["holdout"]:
        errors.append(Problem(label, f"no purchase by the calibration customers between calibration_end {cal.date()} and holdout_end "
                                     f"{hold.date()}: the holdout check has nothing to compare ({span})", column="date"))
    warnings = []
    if c["newcomers"] and cal == cal.normalize():  # a calibration_end with a time of day is no purchase day
        on_day = np.flatnonzero((frame["date"].dt.normalize() == cal.normalize()).to_numpy())
        ids = order_engine.newcomers(t, cal)
        at = on_day[frame["customer_id"].iloc[on_day].isin(ids).to_numpy()]
        warnings.append(lines.problem(label, f"{c['newcomers']} customer(s) first bought on calibration_end {cal.date()} itself (first "
                                             f"{lines.where(at[0])}): they enter the models with no time observed (T = 0) and add "
                                             "nothing to the fit", at[0], "date"))
    return errors, warnings


# ----------------------------------------------------------------------------- the measures
# Each measure exists once, as the Ibis expressions of `growthpath.data.order_engine`; the wrappers below hand the
# frame to an in-process DuckDB connection and return the engine's pandas result. A frame's purchases are
# materialised there once (`engine.prepare`) and reused while the frame lives, is unchanged and is the
# frame last measured (a chapter measures one log, then maybe another: one frame's tables are kept, not
# every frame's). Each frame has a connection of its own, closed when its tables go, so DuckDB's memory
# goes with them (the runner forks its workers after validating a log: what the validation left in its
# memory would be counted again in every worker).
_PREPARED: dict[int, tuple] = {}  # id(frame) -> (fingerprint, prepared purchases, connection); at most one


def _fingerprint(frame: pd.DataFrame) -> tuple | None:
    """What identifies a frame's order columns: their buffers and, for the numeric ones, a checksum of
    their bits (an in-place edit changes it). None when a column is not held as the loader holds it."""
    import pyarrow as pa

    ids, date, amount = (frame[c] for c in REQUIRED)
    if not (isinstance(ids.dtype, pd.StringDtype) and ids.dtype.storage == "pyarrow") or date.dtype.kind != "M" \
            or amount.dtype.kind not in "fi":
        return None
    arrow = pa.array(ids.array)
    chunks = arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow]
    buffers = tuple(b.address if b is not None else 0 for c in chunks for b in c.buffers())
    numeric = tuple((a.__array_interface__["data"][0], int(a.view(np.int64).sum()))
                    for a in (date.to_numpy().view(np.int64), amount.to_numpy(np.float64)))
    return (len(frame), buffers, numeric)


def prepared(orders: pd.DataFrame, threads: int = 1):
    """The frame's purchases in an in-process DuckDB connection of its own (`engine.prepare`), for any engine
    function: made once and kept while the frame lives, its order columns are unchanged and no other frame
    is measured; read from the runner's checked copy when `load` read the frame from one. `threads`: DuckDB's
    threads (one by default, so the same log gives the same numbers to the last bit; the runner's checks,
    which publish no number, use every core)."""
    import weakref

    key = id(orders)
    mark = _fingerprint(orders)
    held = _PREPARED.get(key)
    if held is not None and mark is not None and held[0] == mark:
        return held[1]
    for other in list(_PREPARED):
        _forget(other)
    con = order_engine.connect(threads=threads)  # by default one thread, which adds rows in one order: the same log gives the same last bit
    copy = _COPIES.get(key)
    if copy is not None and copy[0] == mark and (copy[1] / "done").exists():
        table = order_engine.load_prepared(copy[1], con)  # what the runner prepared from this log, rows in a fixed order
    else:
        table = order_engine.prepare(order_engine.table(orders), con)
    if mark is not None:
        _PREPARED[key] = (mark, table, con)
        weakref.finalize(orders, _forget, key)
    else:  # not cached: the connection closes with the last expression using it
        weakref.finalize(table, con.disconnect)
    return table


def release_prepared() -> None:
    """Drop every frame's prepared tables and close their connections now (the runner, before its kernels
    start), rather than when the frame is collected: in a finalizer, a Ctrl-C would be swallowed."""
    for key in list(_PREPARED):
        _forget(key)


def _forget(key: int) -> None:
    held = _PREPARED.pop(key, None)
    if held is not None:
        try:
            order_engine.release(held[1])
            held[2].disconnect()
        except Exception:  # pragma: no cover - the connection is gone (interpreter exit)
            pass


def purchases(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and day: amount summed over that day's lines (sorted by customer and day)."""
    return order_engine.purchase_days(prepared(orders))


def cohort_retention(orders: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """Share of each acquisition cohort (period of first purchase) buying in each later period.
    Rows: cohort; columns: periods since acquisition (0 = the first period, always 1.0); periods
    beyond the end of the data are NaN (`engine.cohort_retention`)."""
    return order_engine.cohort_retention(prepared(orders), freq)


def repurchase_within(orders: pd.DataFrame, days: int, end: pd.Timestamp | None = None) -> dict:
    """Share of customers with a second purchase within `days` of their first. Only customers whose
    first purchase is at least `days` before the end of the data count (no censoring bias;
    `engine.repurchase_within`)."""
    return order_engine.repurchase_within(prepared(orders), days, end)


def inter_purchase_days(orders: pd.DataFrame) -> pd.Series:
    """Days between consecutive purchases of the same customer (`engine.inter_purchase_days`)."""
    return order_engine.inter_purchase_days(prepared(orders))


def time_to_second_purchase(orders: pd.DataFrame, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per customer: days from first to second purchase (event=1), or to the end of data (event=0)
    (`engine.time_to_second_purchase`)."""
    return order_engine.time_to_second_purchase(prepared(orders), end)


KM_ALPHA = 0.05   # the Kaplan–Meier bands' level: 95 %


def kaplan_meier(durations: pd.DataFrame, alpha: float = KM_ALPHA) -> pd.DataFrame:
    """Kaplan–Meier estimate of P(no second purchase yet) with pointwise confidence bands."""
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(durations["duration"].to_numpy(), durations["event"].to_numpy())
    lo, hi = _pointwise(sf, alpha)
    return pd.DataFrame({"days": sf.surv_times, "survival": sf.surv_prob, "lower": lo, "upper": hi})


def _pointwise(sf, alpha: float):
    from scipy.stats import norm

    z = norm.ppf(1 - alpha / 2)
    se = sf.surv_prob_se
    return np.clip(sf.surv_prob - z * se, 0, 1), np.clip(sf.surv_prob + z * se, 0, 1)


def customer_revenue(orders: pd.DataFrame) -> pd.Series:
    """Revenue per customer (`engine.customer_revenue`)."""
    return order_engine.customer_revenue(prepared(orders))


def lorenz(orders: pd.DataFrame) -> pd.DataFrame:
    """Lorenz curve of revenue over customers: cumulative share of customers (poorest first) vs
    cumulative share of revenue, starting at (0, 0) (`engine.lorenz`)."""
    return order_engine.lorenz(prepared(orders))


def gini(orders: pd.DataFrame) -> float:
    """Gini coefficient of revenue per customer (0 = equal, →1 = one customer has everything; `engine.gini`)."""
    return order_engine.gini(prepared(orders))


def top_share(orders: pd.DataFrame, top_pct: float) -> float:
    """Share of revenue from the top `top_pct` % of customers (by revenue; ties broken by order;
    `engine.top_share`)."""
    if not 0 < top_pct <= 100:
        raise ValueError("top_pct must be in (0, 100]")
    return order_engine.top_share(prepared(orders), top_pct)


def rfm(orders: pd.DataFrame, asof: pd.Timestamp | None = None, bins: int = 5) -> pd.DataFrame:
    """Recency (days since last purchase), frequency (purchases), monetary (total amount) per
    customer, each scored 1..bins by quantile (higher = better; ties share a rank; `engine.rfm`)."""
    return order_engine.rfm(prepared(orders), asof, bins)


def _file_problems(path: Path, label: str) -> list[Problem]:
    """A bundled log's checks for `datapackage.validate` (x-validator "orders")."""
    return validate_frame(_read(path, label), label)[1]


datapackage.register_validator("orders", _file_problems)
