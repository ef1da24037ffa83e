"""Order logs as analysts have them: delimiters, encodings, gzip, Parquet, .xlsx, files that are not
tables; one date format per file (inferred or declared), time zones; physical line numbers; and what
the chapters' measures and models need of a log (`orders.model_problems`), checked before any kernel."""
from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile

import pandas as pd
import pytest

from growthpath.data import orders as o
from growthpath.data.datapackage import DataError

HEADER = "customer_id,date,amount\n"


def write(tmp_path, content, name="orders.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def problems(path, **kw):
    with pytest.raises(DataError) as exc:
        o.load(path, **kw)
    return exc.value.problems


def only(path, **kw):
    found = problems(path, **kw)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def ts(text):
    return pd.Timestamp(text)


# ----------------------------------------------------------------------------- delimiters and encodings
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path, sep):
    text = sep.join(["customer_id", "date", "amount", "channel"]) + "\n" + sep.join(["x", "2024-01-02", "9.5", "wechat, app"]) + "\n"
    df = o.load(write(tmp_path, text.replace("wechat, app", '"wechat, app"') if sep == "," else text))
    assert df.to_dict("records") == [{"customer_id": "x", "date": ts("2024-01-02"), "amount": 9.5, "channel": "wechat, app"}]
    assert str(df["date"].dtype) == "datetime64[us]"


def test_semicolon_file_with_commas_in_values(tmp_path):
    df = o.load(write(tmp_path, "customer_id;date;amount;channel\nx;2024-01-02;3;a,b\ny;2024-01-03;4;c\n"))
    assert df["channel"].tolist() == ["a,b", "c"]


def test_excel_sep_line_is_honoured_and_counted(tmp_path):
    p = only(write(tmp_path, "sep=;\ncustomer_id;date;amount\nx;2024-01-02;1\ny;2024-01-03;-2\n"))
    assert (p.row, p.column) == (4, "amount") and "negative amount" in p.message


def test_utf8_bom_is_not_part_of_the_first_column(tmp_path):
    df = o.load(write(tmp_path, "\ufeff" + HEADER + "顾客甲,2024-01-02,1\n"))
    assert df["customer_id"].tolist() == ["顾客甲"]


def test_gb18030_detected_without_being_declared(tmp_path):
    path = write(tmp_path, "客户,日期,金额,渠道\n张三,2024-01-02,9.5,微信\n李四,2024-01-03,3,抖音\n", encoding="gb18030")
    log = o.read(path, {"customer_id": "客户", "date": "日期", "amount": "金额", "channel": "渠道"})
    assert log.encoding == "gb18030"
    assert log.frame["customer_id"].tolist() == ["张三", "李四"] and log.frame["channel"].tolist() == ["微信", "抖音"]


def test_gbk_declared(tmp_path):
    path = write(tmp_path, HEADER + "王五,2024-01-02,1\n", encoding="gbk")
    assert o.load(path, encoding="GBK")["customer_id"].tolist() == ["王五"]


def test_undeclared_non_utf8_names_byte_line_and_the_parameter(tmp_path):
    path = write(tmp_path, HEADER + "x,2024-01-02,1\nJosé,2024-01-03,1\n", encoding="latin-1")
    p = only(path)
    assert p.row == 3 and "orders.csv" in p.file
    assert "not valid UTF-8" in p.message and "byte 42: " in p.message and "orders_encoding" in p.message
    assert o.load(path, encoding="latin-1")["customer_id"].tolist() == ["x", "José"]


def test_declared_encoding_that_does_not_fit(tmp_path):
    path = write(tmp_path, HEADER + "x,2024-01-02,1\n张三,2024-01-03,1\n", encoding="gb18030")
    p = only(path, encoding="utf-8")
    assert p.row == 3 and "not valid utf-8" in p.message and "orders_encoding" in p.message
    assert "unknown encoding 'klingon'" in only(path, encoding="klingon").message


def test_gzip_by_content_and_a_broken_gzip(tmp_path):
    path = write(tmp_path, gzip.compress((HEADER + "x,2024-01-02,1\ny,2024-01-03,2\n").encode()), "orders.csv.gz")
    assert o.load(path)["amount"].tolist() == [1.0, 2.0]
    broken = write(tmp_path, gzip.compress(HEADER.encode())[:12], "broken.csv.gz")
    assert "not a valid gzip file" in only(broken).message


def test_the_bundled_logs_still_load_fast():
    import time

    started = time.perf_counter()
    df = o.load()
    assert time.perf_counter() - started < 2.0  # ~0.2 s; the bound leaves room for a busy machine
    assert len(df) == 69659 and df["date"].max() == ts("1998-06-30")


# ----------------------------------------------------------------------------- Parquet and Excel
def test_parquet_with_typed_columns(tmp_path):
    frame = pd.DataFrame({"customer_id": [101, 102], "date": [ts("2024-01-02"), ts("2024-01-03 10:30")],
                          "amount": [9.5, 3.0], "quantity": [1, 2]})
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path)
    df = o.load(path)
    assert df["customer_id"].tolist() == ["101", "102"] and df["date"].tolist() == [ts("2024-01-02"), ts("2024-01-03 10:30")]
    assert df["amount"].tolist() == [9.5, 3.0] and df["quantity"].tolist() == [1, 2]


def test_parquet_time_zone_is_china_time_and_problems_name_the_row(tmp_path):
    frame = pd.DataFrame({"customer_id": ["a", "b", "c"], "date": pd.to_datetime(["2024-01-02T00:00Z"] * 3, utc=True),
                          "amount": [1.0, -2.0, 3.0]})
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path)
    p = only(path)
    assert isinstance(p, o.RowProblem) and (p.row, p.column) == (2, "amount")
    assert str(p).endswith("/orders.parquet, row 2, column 'amount': negative amount (refunds belong in a separate file); found '-2'")
    frame["amount"] = [1.0, 2.0, 3.0]
    frame.to_parquet(path)
    assert o.load(path)["date"].iloc[0] == ts("2024-01-02 08:00")


def xlsx(tmp_path, rows, name="orders.xlsx"):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                sheet.cell(r, c, value)
    path = tmp_path / name
    book.save(path)
    return path


def test_xlsx_with_dates_numbers_and_a_blank_row(tmp_path):
    path = xlsx(tmp_path, [["customer_id", "date", "amount"], [101, dt.datetime(2024, 3, 31, 10, 30), 9.5], [None, None, None],
                           ["b", dt.date(2024, 4, 1), 3], ["c", "31/03/2024", 2]])
    with pytest.raises(DataError) as exc:  # text day-first dates beside real dates: one format per file
        o.load(path)
    p = exc.value.problems[0]
    assert (p.row, p.column) == (2, "date") and "/orders.xlsx, row 2, column 'date': mixes date formats" in str(p)
    assert "'31/03/2024' (row 5)" in p.message
    path = xlsx(tmp_path, [["customer_id", "date", "amount"], [101, dt.datetime(2024, 3, 31, 10, 30), 9.5], [None, None, None],
                           ["b", dt.date(2024, 4, 1), 3]])
    df = o.load(path)
    assert df["customer_id"].tolist() == ["101", "b"] and df["date"].tolist() == [ts("2024-03-31 10:30"), ts("2024-04-01")]


def test_xlsx_problems_name_the_spreadsheet_row(tmp_path):
    path = xlsx(tmp_path, [["customer_id", "date", "amount"], ["a", dt.date(2024, 4, 1), 3], [None, None, None],
                           ["b", dt.time(10, 30), 3], ["c", dt.date(2024, 4, 2), -1]])
    found = problems(path)
    assert [(p.row, p.column) for p in found] == [(4, "date"), (5, "amount")]
    assert str(found[0]).endswith("/orders.xlsx, row 4, column 'date': a time without a date (the column may be formatted as time "
                                  "only); give the full date; found '10:30:00'")


# ----------------------------------------------------------------------------- files that are not order tables
def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("name,content,what,todo", [
    ("orders.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "an Excel 97-2003 workbook (.xls)", "save it as .xlsx or CSV UTF-8"),
    ("orders.json", b'[{"customer_id": "x", "date": "2024-01-02", "amount": 1}]', "JSON", "save it as CSV UTF-8"),
    ("orders.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document (despite its .csv extension)", "CSV UTF-8 or .xlsx"),
    ("orders.zip", _zip({"orders.csv": HEADER}), "a zip archive (orders.csv)", "unzip it and give the CSV inside"),
    ("orders.docx", _zip({"word/document.xml": "<w/>"}), "a Word document", "CSV UTF-8 or .xlsx"),
    ("orders.ods", _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
     "an OpenDocument file (.ods)", "save it as .xlsx or CSV UTF-8"),
    ("orders.html", b"<html><table><tr><td>customer_id</td></tr></table></html>", "HTML or XML", "save it as .xlsx or CSV UTF-8"),
    ("orders.txt", b"\xff\xfec\x00u\x00s\x00", "UTF-16 text", "save it as CSV UTF-8"),
    ("orders.bin", b"\x00\x01\x02\x03binary", "a binary file of unknown type", "save the orders as CSV UTF-8 or .xlsx"),
])
def test_what_the_file_appears_to_be_and_what_to_do(tmp_path, name, content, what, todo):
    p = only(write(tmp_path, content, name))
    assert p.file.endswith(name) and p.row is None
    assert f"the file appears to be {what}" in p.message and todo in p.message and "\n" not in p.message


def test_broken_csv_structure_is_located(tmp_path):
    p = only(write(tmp_path, HEADER + "x,2024-01-02,1\n\ny,2024-01-03,2,extra\n"))
    assert p.row == 4 and "more cells than the header: 4 cells, the header has 3" in p.message
    p = only(write(tmp_path, HEADER + "x,2024-01-02,1\n\ny,\"2024-01-03,2\nz,2024-01-04,3\n"))
    assert p.row == 4 and "a quote opened here is never closed" in p.message
    p = only(write(tmp_path, HEADER + "x,2024-01-02,1\n\nx,\"2024\"-01-03,2,3\n"))  # pandas refuses the row; the csv module locates
    assert p.row == 4 and "text after a closing quote" in p.message
    assert o.load(write(tmp_path, HEADER + "x,2024-01-02,1,\ny,2024-01-03,2,\n"))["amount"].tolist() == [1, 2]  # trailing delimiters


def test_a_column_named_twice(tmp_path):
    p = only(write(tmp_path, "customer_id,date,amount,amount\nx,2024-01-02,1,2\n"))
    assert p.column == "amount" and "appears 2 times in the header (columns 3, 4)" in p.message


# ----------------------------------------------------------------------------- dates
@pytest.mark.parametrize("values,expected", [
    (["2024-03-31", "2024-04-01"], ["2024-03-31", "2024-04-01"]),
    (["2024-03-31 10:30:00", "2024-04-01 00:00:00"], ["2024-03-31 10:30", "2024-04-01"]),
    (["2024-03-31 10:30", "2024-04-01"], ["2024-03-31 10:30", "2024-04-01"]),
    (["2024/03/31", "2024/4/1"], ["2024-03-31", "2024-04-01"]),
    (["20240331", "20240401"], ["2024-03-31", "2024-04-01"]),
    (["19970101", "19980630"], ["1997-01-01", "1998-06-30"]),  # CDNOW's own format
    (["2024-03-31T10:30:00", "2024-03-31T23:59:59.5"], ["2024-03-31 10:30", "2024-03-31 23:59:59.5"]),
    (["31/03/2024", "01/04/2024"], ["2024-03-31", "2024-04-01"]),  # 31 > 12: day first
    (["03/31/2024", "04/01/2024"], ["2024-03-31", "2024-04-01"]),  # 31 > 12: month first
    (["31.03.2024", "1.4.2024"], ["2024-03-31", "2024-04-01"]),
    (["3/31/2024 2:30 PM", "4/1/2024 12:05 AM"], ["2024-03-31 14:30", "2024-04-01 00:05"]),
    (["01/01/2024", "02/02/2024"], ["2024-01-01", "2024-02-02"]),  # day = month: the order does not matter
])
def test_dates_inferred_from_the_whole_column(tmp_path, values, expected):
    text = HEADER + "".join(f"c{i},{v},1\n" for i, v in enumerate(values))
    assert o.load(write(tmp_path, text))["date"].tolist() == [ts(e) for e in expected]


def test_utc_offsets_are_converted_to_china_time(tmp_path):
    text = HEADER + "a,2024-03-31T10:30:00+08:00,1\nb,2024-03-31T02:30:00Z,1\nc,2024-03-30T21:30:00-05:00,1\nd,2024-03-31 10:30 +0800,1\n"
    df = o.load(write(tmp_path, text))
    assert df["date"].tolist() == [ts("2024-03-31 10:30")] * 4 and df["date"].dt.tz is None


def test_offsets_mixed_with_local_times_are_refused(tmp_path):
    p = only(write(tmp_path, HEADER + "a,2024-03-31T10:30:00+08:00,1\nb,2024-03-31 10:30:00,1\n"))
    assert (p.row, p.column) == (3, "date")
    assert "mixes times with and without a UTC offset: '2024-03-31T10:30:00+08:00' (line 2) has one, '2024-03-31 10:30:00' (line 3) has none" \
        in p.message


def test_ambiguous_day_month_lists_values_lines_and_the_parameter(tmp_path):
    path = write(tmp_path, HEADER + "a,01/02/2024,1\n\nb,03/04/2024,1\nc,05/06/2024,1\nd,07/08/2024,1\n")
    p = only(path)
    assert (p.row, p.column) == (2, "date") and "orders.csv" in p.file
    assert "ambiguous dates" in p.message and "'01/02/2024' (line 2), '03/04/2024' (line 4), '05/06/2024' (line 5)" in p.message
    assert "orders_date_format to '%d/%m/%Y' (day first) or '%m/%d/%Y' (month first)" in p.message
    assert o.load(path, date_format="%d/%m/%Y")["date"].iloc[0] == ts("2024-02-01")
    assert o.load(path, date_format="%m/%d/%Y")["date"].iloc[0] == ts("2024-01-02")


def test_ambiguous_with_times_suggests_a_format_with_the_time(tmp_path):
    p = only(write(tmp_path, HEADER + "a,01.02.2024 10:30,1\n"))
    assert "'%d.%m.%Y %H:%M' (day first)" in p.message


def test_day_first_and_month_first_in_one_file(tmp_path):
    p = only(write(tmp_path, HEADER + "a,05/06/2024,1\nb,31/03/2024,1\nc,03/31/2024,1\n"))
    assert (p.row, p.column) == (3, "date")
    assert "mixes day-first and month-first dates: '31/03/2024' (line 3) can only be day first, '03/31/2024' (line 4) only month first" \
        in p.message


def test_year_first_and_day_first_in_one_file(tmp_path):
    p = only(write(tmp_path, HEADER + "a,2024-03-31,1\nb,31/03/2024,1\n"))
    assert "mixes date formats: '2024-03-31' (line 2) is year first, '31/03/2024' (line 3) is day or month first" in p.message


def test_two_digit_years_are_refused_unless_declared(tmp_path):
    path = write(tmp_path, HEADER + "a,31/03/24,1\nb,01/04/24,1\n")
    found = problems(path)
    assert [(p.row, p.column) for p in found] == [(2, "date"), (3, "date")]
    assert "two-digit year: the century is ambiguous" in found[0].message and "'31/03/24'" in found[0].message
    assert o.load(path, date_format="%d/%m/%y")["date"].tolist() == [ts("2024-03-31"), ts("2024-04-01")]


def test_a_time_without_a_date(tmp_path):
    found = problems(write(tmp_path, HEADER + "a,2024-03-31 09:00,1\nb,10:30,1\n"))
    assert [(p.row, p.column) for p in found] == [(3, "date")] and "a time without a date" in found[0].message
    assert "found '10:30'" in found[0].message


@pytest.mark.parametrize("value,what", [
    ("2024-02-30", "not a valid date (no such day"),
    ("30/02/2024", "not a valid date (no such day"),
    ("2024-03-31 25:00", "not a valid date (no such day or time)"),
    ("yesterday", "not a date in a recognised format"),
    ("45382", "an Excel date serial"),
    ("", "empty date"),
])
def test_bad_date_values_are_located(tmp_path, value, what):
    found = problems(write(tmp_path, HEADER + f"a,2024-03-01,1\nb,{value},1\n" if "/" not in value else
                           HEADER + f"a,31/03/2024,1\nb,{value},1\n"))
    assert [(p.row, p.column) for p in found] == [(3, "date")]
    assert what in found[0].message and f"found {value!r}" in found[0].message


def test_values_that_do_not_match_the_declared_format(tmp_path):
    path = write(tmp_path, HEADER + "a,31/03/2024,1\nb,2024-04-01,1\n")
    p = only(path, date_format="%d/%m/%Y")
    assert (p.row, p.column) == (3, "date") and "does not match orders_date_format '%d/%m/%Y'; found '2024-04-01'" in p.message
    assert "not a strftime format" in only(path, date_format="mixed").message


def test_declared_format_with_offsets(tmp_path):
    path = write(tmp_path, HEADER + "a,31/03/2024 02:30 +0000,1\n")
    assert o.load(path, date_format="%d/%m/%Y %H:%M %z")["date"].tolist() == [ts("2024-03-31 10:30")]


# ----------------------------------------------------------------------------- physical line numbers
@pytest.mark.parametrize("text,line", [
    (HEADER + "x,2024-01-01,1\n\ny,2024-01-02,-3\n", 4),                           # a blank line
    ("\n\n" + HEADER + "x,2024-01-01,1\ny,2024-01-02,-3\n", 5),                    # blank lines before the header
    (HEADER + 'x,2024-01-01,1\n"y\nz",2024-01-02,1\nw,2024-01-03,-3\n', 5),        # a line break inside a quoted cell
    (HEADER + 'x,2024-01-01,1\n"y\n\nz",2024-01-02,-3\n', 3),                      # the record's first line
    (HEADER.replace("\n", "\r\n") + "x,2024-01-01,1\r\n\r\ny,2024-01-02,-3\r\n", 4),  # CRLF
    (HEADER + "x,2024-01-01,1\n   \n,,\ny,2024-01-02,-3\n", 5),                    # blank-looking rows skipped, counted
    (HEADER + 'x,2024-01-01,1\n"a\nb",2024-01-01,2\n\ny,2024-01-02,-3,\n', 6),     # both, and a ragged row (pandas refuses)
])
def test_problems_name_the_physical_line(tmp_path, text, line):
    p = only(write(tmp_path, text))
    assert (p.row, p.column) == (line, "amount") and "negative amount" in p.message and "found '-3'" in p.message


def test_blank_lines_are_not_rows(tmp_path):
    df = o.load(write(tmp_path, HEADER + "x,2024-01-01,1\n\n  \n,,\ny,2024-01-02,2\n\n"))
    assert df["customer_id"].tolist() == ["x", "y"] and df.index.tolist() == [0, 1]


def test_read_maps_positions_to_lines(tmp_path):
    log = o.read(write(tmp_path, HEADER + 'x,2024-01-01,1\n\n"y\nz",2024-01-02,2\nw,2024-01-03,3\n'))
    assert log.lines([0, 1, 2]) == [2, 4, 6] and log.lines.unit == "line" and log.kind == "text"


# ----------------------------------------------------------------------------- what the chapters need
def frame(rows):
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "date": pd.to_datetime([r[1] for r in rows]).astype("datetime64[us]"),
                         "amount": [float(r[2]) for r in rows]})


def base_log(customers=40, start="2024-01-01", repeat_every=2):
    """`customers` customers a week apart from `start`, every `repeat_every`-th buying again 45 days
    later, amounts varying; c0 buys a third time on 2025-01-05, the last day."""
    t0 = pd.Timestamp(start)
    rows = []
    for i in range(customers):
        first = t0 + pd.Timedelta(days=(i * 7) % 300)
        rows.append((f"c{i}", first, 10 + i))
        if i % repeat_every == 0:
            rows.append((f"c{i}", first + pd.Timedelta(days=45), 20 + i))
    return frame(rows + [("c0", "2025-01-05", 7)])


def messages(check):
    return [str(p) for p in check]


def test_a_good_log_has_no_problems():
    check = o.model_problems(base_log(), "log.csv", cohort_freq="M", repurchase_days=[30, 90], churn_window_days=60,
                             calibration_end="2024-07-03", holdout_end="2024-12-01")
    assert check.errors == [] and check.warnings == []


def test_header_only():
    found = o.model_problems(frame([]), "log.csv").errors
    assert messages(found) == ["log.csv: no order lines: the file has a header but no rows"]


def test_one_customer():
    found = o.model_problems(frame([("x", "2024-01-01", 5), ("x", "2024-02-01", 6)]), "log.csv").errors
    assert len(found) == 1 and found[0].column == "customer_id"
    assert "only 1 customer(s) ('x'); the measures need at least 5" in found[0].message


def test_everyone_buys_once():
    log = frame([(f"c{i}", "2024-01-01", 5) for i in range(6)] + [("c0", "2024-01-01", 3)])  # two lines, one day: one purchase
    found = o.model_problems(log, "log.csv").errors
    assert len(found) == 1 and "no repeat buyer: each of the 6 customers bought on one day only" in found[0].message


def test_all_amounts_zero():
    log = base_log().assign(amount=0.0)
    found = o.model_problems(log, "log.csv").errors
    assert len(found) == 1 and found[0].column == "amount" and "every amount is 0 (" in found[0].message


def test_zero_amounts_are_a_warning_naming_the_first_physical_line(tmp_path):
    """Free lines are real orders (the bundled CDNOW log has 80): counted, with no spend, and said."""
    text = HEADER + "".join(f"c{i % 6},2024-0{1 + i % 6}-1{i % 9},{0 if i in (3, 7) else 5 + i}\n" + ("\n" if i == 5 else "")
                            for i in range(12))
    log = o.read(write(tmp_path, text))
    checked = o.model_problems(log.frame, log.label, lines=log.lines)
    assert not [p for p in checked.errors if p.column == "amount"]
    zero = [p for p in checked.warnings if p.column == "amount"]
    assert len(zero) == 1 and zero[0].row == 5 and "2 line(s) have amount 0 (first line 5)" in zero[0].message


def test_a_repeat_buyer_without_repeat_spend_is_an_error_for_the_spend_model():
    log = base_log()
    repeat = log.duplicated("customer_id")
    first_repeater = log.loc[repeat, "customer_id"].iloc[0]
    log.loc[repeat & (log["customer_id"] == first_repeater), "amount"] = 0.0
    cal = str((log["date"].min() + (log["date"].max() - log["date"].min()) * 0.8).date())
    found = o.model_problems(log, "log.csv", calibration_end=cal).errors
    assert any("spent nothing on their repeat purchases" in p.message and p.column == "amount" for p in found), found


def test_extreme_amounts_are_a_warning_with_the_line():
    log = base_log()
    log.loc[5, "amount"] = 1e7
    check = o.model_problems(log, "log.csv")
    assert check.errors == [] and len(check.warnings) == 1
    w = check.warnings[0]
    assert (w.row, w.column) == (7, "amount") and "1 amount(s) above 1,000 × the median" in w.message and "10,000,000.00 (line 7)" in w.message


def test_few_customers_is_a_warning():
    check = o.model_problems(base_log(customers=8, repeat_every=2), "log.csv")
    assert check.errors == [] and "only 8 customers" in check.warnings[0].message


def test_cohorts_need_two_periods_or_are_not_observable():
    log = frame([(f"c{i}", f"2024-03-{1 + i:02d}", 5) for i in range(6)] + [("c0", "2024-03-20", 5)])
    found = [w for w in o.model_problems(log, "log.csv", cohort_freq="M").warnings if w.column == "date"]  # not observable: the chapter says so and runs on
    assert len(found) == 1 and "every purchase falls in one month (2024-03)" in found[0].message and "cohort_freq=W" in found[0].message


def test_repurchase_windows_longer_than_the_log():
    log = frame([(f"c{i}", f"2024-03-{1 + i:02d}", 5) for i in range(6)] + [("c0", "2024-03-20", 5)])
    found = [w for w in o.model_problems(log, "log.csv", repurchase_days=[30, 90]).warnings if w.column == "date"]  # not observable: the chapter says so and runs on
    assert len(found) == 1 and "no customer is observed for 30 days" in found[0].message and "not observable" in found[0].message
    assert "the log runs from 2024-03-01 to 2024-03-20" in found[0].message


def test_churn_window_longer_than_half_the_log():
    found = o.model_problems(base_log(), "log.csv", churn_window_days=200).errors
    assert len(found) == 1 and "400 days (2 × churn_window_days)" in found[0].message


@pytest.mark.parametrize("cal,hold,fragment", [
    ("2030-01-01", "2031-01-01", "calibration_end 2030-01-01 is outside the data: the log runs from 2024-01-01 to 2025-01-05"),
    ("2023-06-30", "2024-06-30", "calibration_end 2023-06-30 is outside the data: the log runs from 2024-01-01 to 2025-01-05"),
    ("2024-01-01", "2024-06-30", "calibration_end 2024-01-01 is outside the data"),
    ("2024-07-01", "2024-07-01", "calibration_end 2024-07-01 must come before holdout_end 2024-07-01"),
    ("2024-07-01", "2024-03-01", "calibration_end 2024-07-01 must come before holdout_end 2024-03-01"),
    ("2024-07-01", "2026-01-01", "holdout_end 2026-01-01 is after the data: the log runs from 2024-01-01 to 2025-01-05"),
    ("2024-02-01", "2024-12-01", "by calibration_end 2024-02-01 5 customers have bought and 0 of them again"),
])
def test_calibration_and_holdout_dates(cal, hold, fragment):
    found = o.model_problems(base_log(), "log.csv", calibration_end=cal, holdout_end=hold).errors
    assert fragment in found[0].message and len(found) == 1 + (hold == "2031-01-01"), messages(found)  # 2031: after the data too


def test_constant_spend_is_a_singular_gamma_gamma_fit():
    found = o.model_problems(base_log().assign(amount=10.0), "log.csv", calibration_end="2024-07-01").errors
    assert len(found) == 1 and found[0].column == "amount" and "average repeat spend is the same (10)" in found[0].message


def test_an_empty_holdout():
    log = base_log()
    log = log[log["date"] <= "2024-07-01"]
    log = pd.concat([log, frame([("late", "2024-12-01", 5)])], ignore_index=True)  # the data go on, the calibration customers stop
    found = o.model_problems(log, "log.csv", calibration_end="2024-07-01", holdout_end="2024-11-30").errors
    assert len(found) == 1 and "no purchase by the calibration customers between calibration_end 2024-07-01" in found[0].message


def test_customers_first_seen_on_the_calibration_end_are_a_warning():
    log = pd.concat([base_log(), frame([("new", "2024-07-03", 5)])], ignore_index=True)
    check = o.model_problems(log, "log.csv", calibration_end="2024-07-03", holdout_end="2024-12-01")
    assert check.errors == [] and len(check.warnings) == 1
    w = check.warnings[0]
    assert w.row == len(log) + 1 and "1 customer(s) first bought on calibration_end 2024-07-03 itself" in w.message


def test_the_runner_checks_what_each_chapter_computes_before_any_kernel(project, capsys):
    from growthpath.publish import runner

    chapters = {ch.name: ch for ch in runner.select(None)}
    problem, theory = chapters["02_problem_definition"], chapters["04_theory"]
    base_log(customers=25).assign(date=lambda f: f["date"].dt.strftime("%Y-%m-%d")).to_csv(project / "log.csv", index=False)
    runner.check_order_logs([(problem, {"orders_path": "log.csv"})])
    assert "warning: log.csv, column 'customer_id': only 25 customers" in capsys.readouterr().err
    with pytest.raises(DataError) as exc:  # chapter 4's default calibration_end (1997-09-30) is not in a 2024 log
        runner.check_order_logs([(theory, {"clv_orders_path": "log.csv"})])
    assert "calibration_end 1997-09-30 is outside the data: the log runs from 2024-01-01 to 2025-01-05" in str(exc.value)
    assert capsys.readouterr().err == ""  # no warning when something failed
    runner.check_order_logs([(theory, {"clv_orders_path": "log.csv", "calibration_end": "2024-07-03", "holdout_end": "2024-12-01"})])


def test_churn_cutoffs_need_churners_and_stayers():
    log = frame([(f"c{i}", "2024-01-10", 5 + i) for i in range(10)] + [(f"c{i}", "2024-10-01", 5) for i in range(5)]
                + [("z", "2024-12-31", 9)])  # trained at 2024-09-02: half buy again; tested at 2024-11-01: nobody does
    found = o.model_problems(log, "log.csv", churn_window_days=60).errors
    assert len(found) == 1 and "at the churn model's test cutoff 2024-11-01 none of the 10 customers buy again" in found[0].message
