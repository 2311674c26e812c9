"""``omzien.fetch`` against a local server in the shape of CBS's OData feed (paged by
``odata.nextLink``), serving the sample table of ``data/fixtures``: the download loads as the
same figures, progress reaches the callback only when asked, and failures are ``FetchError``."""

from __future__ import annotations

import csv
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlparse

import polars as pl
import pytest

import omzien

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "fixtures" / "tables" / "50090NED_sample.csv"
PAGE = 10


def _table() -> dict[str, Any]:
    with SAMPLE.open(newline="") as f:
        reader = csv.DictReader(f)
        keys = list(reader.fieldnames or [])
        rows = [
            {k: (int(v) if k == "ID" else (v if v != "" else None)) for k, v in r.items()}
            for r in reader
        ]
    areas: dict[str, str] = {}
    for r in rows:
        code = r["WijkenEnBuurten"]
        name = r["Gemeentenaam_1"].strip() if code.strip()[:2] in ("GM", "NL") else ""
        areas.setdefault(code, name)
    periods = sorted({r["Perioden"] for r in rows})
    return {"keys": keys, "rows": rows, "areas": areas, "periods": periods}


class _Feed(BaseHTTPRequestHandler):
    table: dict[str, Any] = {}
    requests: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _json(self, doc: Any, status: int = 200) -> None:
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _page(self, url: str, items: list[Any], skip: int) -> dict[str, Any]:
        doc: dict[str, Any] = {"value": items[skip : skip + PAGE]}
        if skip + PAGE < len(items):
            doc["odata.nextLink"] = f"{url}?$format=json&$skip={skip + PAGE}"
        return doc

    def do_GET(self) -> None:
        u = urlparse(self.path)
        q = parse_qs(u.query)
        skip = int(q.get("$skip", ["0"])[0])
        self.requests.append(u.path)
        parts = u.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "odata":
            return self._json({"error": "not found"}, 404)
        table, entity = parts[1], parts[2]
        if table != "50090NED":
            self.send_response(404)
            self.end_headers()
            self.wfile.write(b"<html>Resource not found</html>")
            return
        t = self.table
        url = f"http://{self.headers['Host']}{u.path}"
        if entity == "TableInfos":
            return self._json({"value": [{"Identifier": table, "Title": "Eenzaamheid (sample)",
                                          "Modified": "2022-07-01T02:00:00",
                                          "RecordCount": len(t["rows"])}]})
        if entity == "DataProperties":
            kinds = {"WijkenEnBuurten": "GeoDimension", "Perioden": "TimeDimension",
                     "Leeftijd": "Dimension", "Marges": "Dimension"}
            return self._json({"value": [{"Key": k, "Type": kinds.get(k, "Topic")}
                                         for k in t["keys"] if k != "ID"]})
        if entity == "WijkenEnBuurten":
            items = [{"Key": k, "Title": v, "Description": None} for k, v in t["areas"].items()]
            return self._json(self._page(url, items, skip))
        if entity == "Perioden":
            return self._json({"value": [{"Key": p, "Title": p[:4]} for p in t["periods"]]})
        if entity in ("UntypedDataSet", "TypedDataSet"):
            return self._json(self._page(url, t["rows"], skip))
        return self._json({"error": "no such entity"}, 404)


@pytest.fixture(scope="module")
def feed() -> Iterator[str]:
    _Feed.table = _table()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/odata"
    finally:
        server.shutdown()


def test_download_loads_as_the_table(feed: str, tmp_path: Path) -> None:
    events: list[tuple[Any, ...]] = []
    got = omzien.fetch(
        "50090NED", tmp_path, boundaries=False, odata=feed, progress=lambda *e: events.append(e)
    )
    assert got.folder == tmp_path / "50090NED"
    assert (got.table, got.title, got.rows) == ("50090NED", "Eenzaamheid (sample)", 36)
    assert got.pages == 4 and got.boundaries == [] and got.population is None
    assert ("start",) == events[0][:1] and ("finish",) in events
    assert sum(e[1] for e in events if e[0] == "advance") >= 36

    fetched = omzien.load(got.folder).figures()
    direct = omzien.load(SAMPLE).figures()
    assert fetched.drop("name").equals(direct.drop("name"))
    assert len(fetched) > 0


def test_silent_unless_asked_and_existing_kept(
    feed: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    omzien.fetch("50090NED", tmp_path, boundaries=False, odata=feed)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    with pytest.raises(omzien.FetchError, match="exists"):
        omzien.fetch("50090NED", tmp_path, boundaries=False, odata=feed)
    again = omzien.fetch("50090NED", tmp_path, boundaries=False, odata=feed, force=True)
    assert again.rows == 36


def test_tqdm_bars_when_asked(feed: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    omzien.fetch("50090NED", tmp_path, boundaries=False, odata=feed, progress=True)
    out, err = capfd.readouterr()
    assert out == "" and "36" in err, err


def test_failures_are_fetch_errors(feed: str, tmp_path: Path) -> None:
    with pytest.raises(omzien.FetchError) as e:
        omzien.fetch("50120NED", tmp_path, boundaries=False, odata=feed, tries=1)
    assert isinstance(e.value, OSError)
    assert "50120NED" in str(e.value)
    with pytest.raises(omzien.QueryError):
        omzien.fetch("50090NED", tmp_path, level="provincie", odata=feed)
    with pytest.raises(omzien.QueryError, match="wait"):
        omzien.fetch("50090NED", tmp_path, wait=-1, odata=feed)
    # Nothing to reach: a closed port.
    with pytest.raises(omzien.FetchError, match="127.0.0.1:9"):
        omzien.fetch("50090NED", tmp_path / "x", boundaries=False,
                     odata="http://127.0.0.1:9/odata", tries=1, wait=0)
