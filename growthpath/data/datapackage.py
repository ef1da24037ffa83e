"""Every data file is described in `data/datapackage.json` (a Frictionless Data Package) and is
checked against it before it is read: existence, encoding, md5, table schema, keys and foreign keys.

A failed check raises `DataError`, whose message names file, line, column, what was expected and
what was found. Every file read is also recorded for the runner's cache (`record_read`)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from growthpath import paths
from growthpath.markup import plural

if TYPE_CHECKING:
    import pandas as pd

DESCRIPTOR = "datapackage.json"
DEPS_ENV = "GROWTHPATH_DEPS_FILE"


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class DataError(ValueError):
    """Input data that does not match its declared schema; `problems` lists each one."""

    def __init__(self, problems: list[Problem], limit: int = 20):
        self.problems = problems
        shown = [f"  - {p}" for p in problems[:limit]]
        if len(problems) > limit:
            shown.append(f"  … and {len(problems) - limit} more")
        super().__init__(f"{plural(len(problems), 'data problem')}:\n" + "\n".join(shown))


# ----------------------------------------------------------------------------- dependency tracking
def record_read(path: Path) -> None:
    """Note that the running chapter read `path` (the runner hashes these files for its cache)."""
    target = os.environ.get(DEPS_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(paths.relative(path) + "\n")


def record_dep(*deps: str) -> None:
    """Note dependencies that are not files (e.g. `audit:000:2.1`, see `runner.dep_digest`)."""
    target = os.environ.get(DEPS_ENV)
    if target and deps:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write("".join(f"{d}\n" for d in deps))


@contextmanager
def unrecorded():
    """Reads inside the block are not recorded: the caller records what its result depends on itself."""
    target = os.environ.pop(DEPS_ENV, None)
    try:
        yield
    finally:
        if target is not None:
            os.environ[DEPS_ENV] = target


def record_rows(path: Path, column: str, value: str) -> None:
    """Note that the running chapter read only the rows of CSV `path` whose `column` is `value`: the
    dependency `<path>#<column>=<value>` is hashed as those rows (`dep_digest`), so a change to other
    rows does not re-run the chapter. A value a dependency line cannot hold records the whole file."""
    if not value or re.search(r"[\s#=]", value) or not re.fullmatch(r"\w+", column):
        record_read(path)
        return
    target = os.environ.get(DEPS_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(f"{paths.relative(path)}#{column}={value}\n")


def dep_digest(dep: str) -> str:
    """sha256 (hex) of what a recorded dependency covers, 'missing' for a file that is not there: a plain
    path covers the whole file; `<path>#<column>=<value>` the header line and the raw lines of the rows
    whose `column` is `value`, in file order (a file without that column: the whole file)."""
    rel, _, selector = dep.partition("#")
    path = paths.root() / rel
    if not path.exists():
        return "missing"
    raw = path.read_bytes()
    if not selector:
        return hashlib.sha256(raw).hexdigest()
    column, _, value = selector.partition("=")
    return _row_digests(raw, column).get(value) or _row_digests(raw, column).get(None)


@lru_cache(maxsize=8)
def _row_digests(raw: bytes, column: str) -> dict:
    """{value of `column`: sha256 of the header and that value's raw rows}; key None: a value no row
    has (the header alone), or the whole file when it has no such column or is not UTF-8 CSV."""
    import csv

    whole = {None: hashlib.sha256(raw).hexdigest()}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return whole
    records, pending = [], ""
    for line in re.findall(r"[^\n]*\n|[^\n]+$", text):  # a record ends where its quotes balance
        pending += line
        if pending.count('"') % 2 == 0:
            records.append(pending)
            pending = ""
    if pending:
        records.append(pending)
    if not records:
        return whole
    header = next(csv.reader([records[0]]), [])
    if column not in header:
        return whole
    index = header.index(column)
    rows: dict = {}
    for record in records[1:]:
        cells = next(csv.reader(io.StringIO(record)), [])
        if len(cells) > index:
            rows.setdefault(cells[index], []).append(record)
    digest = lambda selected: hashlib.sha256("".join([records[0], *selected]).encode("utf-8")).hexdigest()
    return {None: digest([]), **{value: digest(selected) for value, selected in rows.items()}}


# ----------------------------------------------------------------------------- descriptor
def descriptor_path() -> Path:
    return paths.data_dir() / DESCRIPTOR


def load_descriptor() -> dict:
    path = descriptor_path()
    if not path.exists():
        raise DataError([Problem(paths.relative(path), "file not found")])
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError([Problem(paths.relative(path), f"not valid JSON: {exc}")]) from None


def resource(name: str, descriptor: dict | None = None) -> dict:
    descriptor = descriptor or load_descriptor()
    for res in descriptor["resources"]:
        if res["name"] == name:
            return res
    names = ", ".join(r["name"] for r in descriptor["resources"])
    raise KeyError(f"no resource {name!r} in {DESCRIPTOR}; known: {names}")


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def refresh_hashes() -> list[str]:
    """Re-record md5 and size of every resource after a deliberate data change. Returns the changed names."""
    desc = load_descriptor()
    missing = [Problem(paths.relative(paths.data_dir() / r["path"]), f"file not found (resource '{r['name']}' in {DESCRIPTOR})")
               for r in desc["resources"] if not (paths.data_dir() / r["path"]).exists()]
    if missing:
        raise DataError(missing)
    changed = []
    for res in desc["resources"]:
        if res.get("x-edited"):  # configuration edited in place (data/scenarios.yml): validated, not pinned
            res.pop("hash", None), res.pop("bytes", None)
            continue
        path = paths.data_dir() / res["path"]
        new = {"hash": f"md5:{md5(path)}", "bytes": path.stat().st_size}
        if any(res.get(k) != v for k, v in new.items()):
            changed.append(res["name"])
            res.update(new)
    descriptor_path().write_text(json.dumps(desc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return changed


# ----------------------------------------------------------------------------- validation
def read_text_bytes(path: Path, label: str) -> bytes:
    """The bytes of a UTF-8 text file (gunzipped when it ends in .gz); DataError when the file is
    missing, empty or not UTF-8."""
    if not path.exists():
        raise DataError([Problem(label, "file not found")])
    raw = path.read_bytes()
    if path.suffix == ".gz":
        import gzip
        raw = gzip.decompress(raw)
    if not raw.strip():
        raise DataError([Problem(label, "file is empty")])
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(label, f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8",
                                 row=raw[: exc.start].count(b"\n") + 1)]) from None
    return raw


def _file_problems(res: dict) -> list[Problem]:
    path = paths.data_dir() / res["path"]
    name = paths.relative(path)
    if not path.exists():
        return [Problem(name, f"file not found (resource '{res['name']}' in {DESCRIPTOR})")]
    raw = path.read_bytes()
    expected = "" if res.get("x-edited") else res.get("hash", "").removeprefix("md5:")
    if expected and hashlib.md5(raw).hexdigest() != expected:
        return [Problem(name, f"md5 is {hashlib.md5(raw).hexdigest()} but {DESCRIPTOR} records {expected}: "
                              "the file changed after its metadata; check it, then run `growthpath datapackage --refresh`")]
    if res.get("compression") == "gz":
        import gzip
        raw = gzip.decompress(raw)
    if not raw.strip():
        return [Problem(name, "file is empty")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [Problem(name, f"not valid UTF-8 (byte {exc.start}); expected UTF-8 text, save the file as UTF-8", row=line)]
    if name.endswith(".csv") or res.get("format") == "csv" or res["path"].endswith((".csv", ".csv.gz")):
        return _unclosed_quote(name, text)
    return []


def _unclosed_quote(name: str, text: str) -> list[Problem]:
    """A quote opened and never closed swallows the rest of the file into one cell; say where it opened."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text))
    start = end = 0
    try:
        for _ in reader:
            start, end = end + 1, reader.line_num
    except csv.Error as exc:
        return [Problem(name, f"not a well-formed CSV: {exc}", row=start)]
    if text.count('"') % 2:
        return [Problem(name, "a double quote opened on this line is never closed (a stray quote)", row=start)]
    return []


def _frictionless_problems(res: dict, descriptor: dict, base: Path | None = None) -> list[Problem]:
    import frictionless  # slow import, only when validating

    def strip(r: dict) -> dict:  # hashes are checked above with a clearer message
        return {k: v for k, v in r.items() if k not in ("hash", "bytes")}

    needed = {res["name"]} | {fk["reference"]["resource"] for fk in res.get("schema", {}).get("foreignKeys", [])}
    package = frictionless.Package({"name": descriptor["name"],
                                    "resources": [strip(r) for r in descriptor["resources"] if r["name"] in needed]},
                                   basepath=str(base or paths.data_dir()))
    report = package.get_resource(res["name"]).validate(limit_errors=200)
    name = paths.relative((base or paths.data_dir()) / res["path"])
    problems = []
    header = {"extra-label", "missing-label", "incorrect-label", "blank-label", "duplicate-label"}
    for task in report.tasks:
        errors = task.errors
        if any(e.type in header for e in errors):  # a wrong header explains every row's error: report it alone
            errors = [e for e in errors if e.type in header]
        for err in errors:
            problems.append(Problem(name, _message(err), row=getattr(err, "row_number", None),
                                    column=getattr(err, "field_name", None) or getattr(err, "label", None)))
    for err in report.errors:
        problems.append(Problem(name, _message(err)))
    return problems


def _message(err) -> str:
    kind = err.type
    cell = getattr(err, "cell", None)
    if kind == "type-error":
        return f"expected {err.note.replace('type is ', '')}, found {cell!r}"
    if kind == "constraint-error":
        m = re.match(r'constraint "(\w+)" is "(.*)"', err.note or "")
        if m and m.group(1) == "required":
            return "a value is required here, found an empty cell"
        rule = f"{m.group(1)} {m.group(2)}" if m else err.note
        return f"expected a value satisfying {rule}, found {cell!r}"
    if kind == "extra-label":
        return f"unknown extra column {err.label!r}; remove it or declare it in {DESCRIPTOR} (unknown columns fail, so a misspelt one is never ignored)"
    if kind == "extra-cell":
        return (f"this row has more cells than the header (extra {cell!r}): a stray delimiter, or a comma inside "
                "an unquoted text field")
    if kind == "missing-label":
        return f"expected a column {getattr(err, 'field_name', None)!r}, found no such column (the header lacks it)"
    if kind == "missing-cell":
        return "expected a value here, found the row ending early (fewer cells than the header)"
    if kind == "incorrect-label":
        expected = getattr(err, "field_name", None)
        return f"expected column {expected!r}, found {err.label!r} (renamed or misspelt?)"
    if kind == "primary-key":
        return f"duplicate or empty key ({err.note})"
    if kind == "foreign-key":
        return f"value not found in the referenced table ({err.note})"
    return f"{kind}: {err.note or err.message}"


def validate(names: list[str] | None = None) -> list[Problem]:
    """Every problem in the named resources (default: all), without raising."""
    try:
        desc = load_descriptor()
    except DataError as exc:
        return exc.problems
    problems = []
    for res in desc["resources"]:
        if names is not None and res["name"] not in names:
            continue
        found = _file_problems(res)
        kind, path = res.get("x-validator"), paths.data_dir() / res["path"]
        if not found and kind == "orders":  # 70k rows: a vectorised check, not row by row
            found = validator(kind)(path, paths.relative(path))
        elif not found and res.get("profile") == "tabular-data-resource":
            found = _frictionless_problems(res, desc)
            if not found and kind:  # the ledger's cross-column rules; statistics' units, ids, one value per period
                found = validator(kind)(path, paths.relative(path))
        problems.extend(found)
    return problems


# x-validator name -> its checks (file, label) -> problems, registered by the module that owns the table
# (claims, official, orders), so this module, which they all read through, imports none of them
VALIDATORS: dict[str, "Callable[[Path, str], list[Problem]]"] = {}
VALIDATOR_MODULES = {"claims": "growthpath.data.claims", "statistics": "growthpath.data.official", "orders": "growthpath.data.orders"}


def register_validator(name: str, check) -> None:
    VALIDATORS[name] = check


def validator(name: str):
    """The registered checks of x-validator `name`; an error, never a silently skipped check, when the
    module that owns them was not imported."""
    if name not in VALIDATORS:
        raise RuntimeError(f"x-validator {name!r} is not registered: import {VALIDATOR_MODULES.get(name, 'its module')} "
                           "before validating this resource")
    return VALIDATORS[name]


def pd_read(path: Path) -> "pd.DataFrame":
    import pandas as pd
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _validation_key(name: str) -> str | None:
    """sha256 of what validating `name` depends on: its descriptor entry and the bytes of its file and
    of the tables its foreign keys point to. None when a file is missing (validate to say so)."""
    desc = load_descriptor()
    res = resource(name, desc)
    h = hashlib.sha256(json.dumps(res, sort_keys=True).encode())
    for r in [res] + [resource(n, desc) for n in _also_read(res)]:
        path = paths.data_dir() / r["path"]
        if not path.exists():
            return None
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@lru_cache(maxsize=64)
def _checked(name: str, path: str, mtime_ns: int, size: int) -> None:
    """Validate once per content: a stamp under _build/.cache/validated/ lets every later process (each
    chapter's kernel) skip frictionless for a file that already passed."""
    key = _validation_key(name)
    stamp = paths.cache("validated") / f"{name}-{key}" if key else None
    if stamp is not None and stamp.exists():
        return
    problems = validate([name])
    if problems:
        raise DataError(problems)
    if stamp is not None:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()


VALIDATOR_READS = {"statistics": ("units",)}  # tables an x-validator reads besides the foreign keys' targets


def _also_read(res: dict) -> list[str]:
    """Resources validating `res` reads: its foreign keys' targets and its x-validator's tables."""
    return [fk["reference"]["resource"] for fk in res.get("schema", {}).get("foreignKeys", [])] + \
        list(VALIDATOR_READS.get(res.get("x-validator"), ()))


def check(name: str, record: bool = True) -> Path:
    """Validate one resource (cached while the file is unchanged) and return its path. `record=False`:
    the caller records which rows it reads itself (`record_rows`); the tables validation read are recorded."""
    res = resource(name)
    path = paths.data_dir() / res["path"]
    stat = path.stat() if path.exists() else None
    _checked(name, str(path), stat.st_mtime_ns if stat else 0, stat.st_size if stat else -1)
    if record:
        record_read(path)
    for other in _also_read(res):  # validation read these too
        record_read(paths.data_dir() / resource(other)["path"])
    return path


_PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean",
                 "date": "string", "year": "Int64", "any": "string"}


def read_table(name: str, record: bool = True) -> pd.DataFrame:
    """A validated table with the dtypes its schema declares (dates parsed); `record`: see `check`."""
    import pandas as pd  # here: the build and the CLI's cache checks use this module without pandas

    path = check(name, record)
    fields = resource(name)["schema"]["fields"]
    dtypes = {f["name"]: _PANDAS_TYPES.get(f.get("type", "string"), "string") for f in fields}
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    for f in fields:
        if f.get("type") == "date":
            df[f["name"]] = pd.to_datetime(df[f["name"]], errors="raise")
        elif dtypes[f["name"]] == "string":
            df[f["name"]] = df[f["name"]].fillna("")
    return df


def read_text(name: str) -> str:
    return check(name).read_text(encoding="utf-8")


def read_external_table(name: str, path) -> pd.DataFrame:
    """A file outside data/ (an analyst's own ledger, say) checked against resource `name`'s schema,
    foreign keys resolved against the project's reference tables. Errors name the given file."""
    import shutil
    import tempfile

    import pandas as pd

    path = Path(path)
    desc = load_descriptor()
    res = {k: v for k, v in resource(name, desc).items() if k not in ("hash", "bytes")}
    label = str(path)
    raw = read_text_bytes(path, label)
    with tempfile.TemporaryDirectory() as tmp:
        targets = [resource(fk["reference"]["resource"], desc) for fk in res.get("schema", {}).get("foreignKeys", [])]
        for t in targets:
            (Path(tmp) / t["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(paths.data_dir() / t["path"], Path(tmp) / t["path"])
        local = dict(res, path="external.csv")
        (Path(tmp) / "external.csv").write_bytes(raw)
        problems = _frictionless_problems(local, {"name": desc["name"], "resources": [local, *targets]}, base=Path(tmp))
        problems = [Problem(label, p.message, p.row, p.column) for p in problems]
        if problems:
            raise DataError(problems)
        record_read(path)
        fields = res["schema"]["fields"]
        dtypes = {f["name"]: _PANDAS_TYPES.get(f.get("type", "string"), "string") for f in fields}
        df = pd.read_csv(Path(tmp) / "external.csv", dtype=dtypes, keep_default_na=False, na_values=[""])
    for f in fields:
        if dtypes[f["name"]] == "string":
            df[f["name"]] = df[f["name"]].fillna("")
    return df
