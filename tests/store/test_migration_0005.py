"""Migration 0005 on a database that already has the duplicates it forbids: findings stored twice
by concurrent ingests are kept once, top-level regions created twice are merged (their children,
organs, reports and reviewers move to the one kept)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from nianbao.store import Store
from nianbao.store.migrate import alembic_config
from nianbao.store.url import normalise_url


def test_upgrade_merges_what_concurrent_writers_duplicated(db_url: str) -> None:
    engine = create_engine(normalise_url(db_url))
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004_review_states")
    with engine.begin() as c:
        # 甲市 twice (two first ingests at once), each with a 兴隆县 and an organ; a 乙市 once
        for rid, name, parent in (
            (1, "甲市", None),
            (2, "甲市", None),
            (3, "兴隆县", 1),
            (4, "兴隆县", 2),
            (5, "乙市", None),
        ):
            c.execute(
                text("INSERT INTO regions (id, name, parent_id) VALUES (:i, :n, :p)"),
                {"i": rid, "n": name, "p": parent},
            )
        for oid, region in ((1, 3), (2, 4)):
            c.execute(
                text(
                    "INSERT INTO organs (id, key, name, kind, region_id) VALUES (:i, :k, '兴隆县财政局', '部门', :r)"
                ),
                {"i": oid, "k": f"{region}|财政局", "r": region},
            )
        for rep, organ, region in ((1, 1, 3), (2, 2, 4)):
            c.execute(
                text(
                    "INSERT INTO reports (id, organ, organ_id, region_id, year, table_templates, tables_present,"
                    " sections, consolidated, created_at) VALUES (:i, '甲市兴隆县财政局', :o, :r, 2024, '{}', '[]',"
                    " '[]', false, CURRENT_TIMESTAMP)"
                ),
                {"i": rep, "o": organ, "r": region},
            )
        for _ in range(3):  # one cross-year finding, stored three times
            c.execute(
                text(
                    'INSERT INTO findings (report_id, code, severity, message, cells, "where", data, scope,'
                    " accepted) VALUES (1, 'XY_CARRY_MISMATCH', 'error', '上年结转不衔接', '[\"t3.carried_over.total\"]',"
                    " NULL, '{}', 'corpus', false)"
                )
            )
        c.execute(
            text(
                "INSERT INTO findings (report_id, code, severity, message, cells, data, scope, accepted)"
                " VALUES (2, 'XY_CARRY_MISMATCH', 'error', '上年结转不衔接', '[]', '{}', 'corpus', false)"
            )
        )
    engine.dispose()

    store = Store(db_url)  # upgrades to the newest revision
    try:
        regions = {(r.name, r.parent_id) for r in store.regions()}
        kept = min(r.id for r in store.regions() if r.name == "甲市")
        assert [r.name for r in store.regions()].count("甲市") == 1
        (county,) = [r for r in store.regions() if r.name == "兴隆县"]
        assert county.parent_id == kept and ("乙市", None) in regions
        assert {o.region_id for o in store.organs()} == {county.id}
        assert {sr.region_id for sr in store.reports()} == {county.id}
        assert [f.report_id for f in store.findings(code="XY_CARRY_MISMATCH")] == [1, 2]
        assert all(f.fingerprint for f in store.findings())
    finally:
        store.close()
