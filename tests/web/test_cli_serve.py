"""``govstd serve token …`` and the checks ``govstd serve`` makes before it starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govservice_std.cli import main
from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.web.auth import TokenStore
from tests.web.conftest import HALL


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_tokens_are_created_listed_and_revoked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hall.db"
    SQLiteStore(db, HALL, locality="441324").close()
    code, out, err = run(
        capsys, "serve", "token", "create", "counter", "--db", str(db), "--hall", HALL,
        "--window", "A01", "--label", "一号窗口",
    )  # fmt: skip
    assert code == 0
    secret = out.strip()
    assert secret.startswith("gst_")
    assert "已创建" in err
    assert TokenStore(db).check(secret, HALL) is not None
    assert secret.encode() not in db.read_bytes()  # stored hashed
    code, out, _ = run(capsys, "serve", "token", "list", "--db", str(db), "--json")
    listed = json.loads(out)
    assert [(t["role"], t["window"], t["revoked_at"]) for t in listed] == [("counter", "A01", None)]
    assert secret not in out
    code, out, _ = run(capsys, "--lang", "en", "serve", "token", "revoke", listed[0]["id"],
                       "--db", str(db))  # fmt: skip
    assert (code, out.strip()) == (0, f"token {listed[0]['id']} revoked")
    assert TokenStore(db).check(secret, HALL) is None
    code, _, err = run(capsys, "serve", "token", "revoke", listed[0]["id"], "--db", str(db))
    assert code == 2
    assert "没有有效令牌" in err


def test_a_counter_token_needs_its_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hall.db"
    SQLiteStore(db, HALL, locality="441324").close()
    code, _, err = run(capsys, "serve", "token", "create", "counter", "--db", str(db),
                       "--hall", HALL)  # fmt: skip
    assert code == 2
    assert "--window" in err
    code, _, err = run(capsys, "serve", "token", "list", "--db", str(tmp_path / "typo.db"))
    assert code == 2
    assert "不存在" in err
    assert not (tmp_path / "typo.db").exists()


def test_serve_checks_the_hall_and_the_clock_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hall.db"
    code, _, err = run(capsys, "serve", "441324", "--hall", "999999", "--db", str(db))
    assert code == 2
    assert "没有服务场所 999999" in err
    code, _, err = run(capsys, "serve", "441324", "--hall", HALL, "--db", str(db),
                       "--at", "monday")  # fmt: skip
    assert code == 2
    assert "ISO 8601" in err
