"""Import the CDNOW order logs shipped inside the `lifetimes` wheel (run once; outputs are committed).

Load: lifetimes/datasets/CDNOW_master.txt and CDNOW_sample.txt from Lifetimes-0.11.3-py3-none-any.whl
(download it with `pip download --no-deps lifetimes==0.11.3`; the package itself is never imported).
Process: whitespace columns → CSV with an ISO date; nothing else changes (one row per order line).
Save: data/orders/cdnow_master.csv.gz, data/orders/cdnow_sample.csv.gz (gzip with a fixed mtime, so
the bytes are reproducible). Then `growthpath datapackage --refresh`.

Usage: python scripts/import_cdnow.py path/to/Lifetimes-0.11.3-py3-none-any.whl
"""
from __future__ import annotations

import gzip
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def convert(raw: bytes, name: str) -> bytes:
    """The master file has a header (customer_id date number_of_cds dollar_value); the 1/10 sample
    has none and an extra second column (the customer's id within the sample), dropped here."""
    if name == "master":
        df = pd.read_csv(io.BytesIO(raw), sep=r"\s+", dtype={"customer_id": str, "date": str})
        df = df.rename(columns={"number_of_cds": "quantity", "dollar_value": "amount"})
    else:
        df = pd.read_csv(io.BytesIO(raw), sep=r"\s+", header=None, dtype=str,
                         names=["customer_id", "sample_id", "date", "quantity", "amount"])
        df["quantity"], df["amount"] = df["quantity"].astype(int), df["amount"].astype(float)
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d")
    return df[["customer_id", "date", "quantity", "amount"]].to_csv(index=False, lineterminator="\n").encode()


def run(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        for name in ("master", "sample"):
            raw = zf.read(f"lifetimes/datasets/CDNOW_{name}.txt")
            print(f"CDNOW_{name}.txt sha256 {hashlib.sha256(raw).hexdigest()}")
            out = ROOT / "data" / "orders" / f"cdnow_{name}.csv.gz"
            with open(out, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
                gz.write(convert(raw, name))


if __name__ == "__main__":
    run(Path(sys.argv[1]))
