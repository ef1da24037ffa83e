"""The audit on the real ledger: stable findings (a snapshot a reviewer updates deliberately), the
CLI, and an analyst's own ledger."""
from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from growthpath import audit
from growthpath.cli import app

SNAPSHOT = Path(__file__).parent / "snapshots" / "audit.json"
cli = CliRunner()


def current() -> str:
    return json.dumps([f.to_dict() for f in audit.run()], ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def test_findings_match_the_reviewed_snapshot(update_snapshots):
    now = current()
    if update_snapshots:
        SNAPSHOT.write_text(now, encoding="utf-8")
    old = SNAPSHOT.read_text(encoding="utf-8")
    if now != old:
        diff = "".join(difflib.unified_diff(old.splitlines(True), now.splitlines(True), "snapshot", "now", n=2))
        raise AssertionError("audit findings changed; review the diff, then run `pytest --update-snapshots`:\n" + diff[:20000])


def test_headline_findings_are_present():
    findings = audit.run()
    ids = {f.id.split("@")[0] for f in findings}
    severity = {f.id.split("@")[0]: f.severity for f in findings}
    # CAC: the industry's +22 %/yr and one platform's 35→89 元 are two scopes, not a contradiction
    assert severity["growth_vs_endpoints:000-2.1-01+000-2.1-02+000-2.1-03"] == "unclear"
    assert severity["one_number_two_meanings:000-2.1-03+000-3.3-10"] == "unclear"   # the platform's 89 元 as the plan's starting CAC
    assert "shares_sum:004-2.3-02+004-2.3-03" in ids                             # payment shares sum to 120 %
    assert any(i.startswith("parts_vs_whole:") and "000-1.5-04" in i for i in ids)  # 3 platforms ÷ 68 %


def test_every_input_of_every_finding_has_words_and_no_box_shows_a_key():
    """A new rule's input without words in `audit.worked.INPUT_WORDS` fails here, as does a box that prints an
    internal key ('a unit = %') or an official series' id."""
    import re

    from growthpath.audit import boxes, worked

    findings = audit.run()
    # every rule but three that do not fire on the ledger (test_audit_rules checks theirs on made-up claims):
    # multiplier_vs_baseline's one finding set §4.2's fission conversion against §4.1's potential-user conversion,
    # another quantity (test_a_baseline_claim_is_the_same_quantity_or_in_the_same_sentence)
    assert {f.rule for f in findings} >= set(audit.RULES) - {"rate_outside_range", "pp_difference", "multiplier_vs_baseline"}
    assert [(f.id, worked.unnamed_inputs(f)) for f in findings if worked.unnamed_inputs(f)] == []
    series = {o.split(":")[0] for f in findings for o in f.official}
    for f in findings:
        line = boxes.arithmetic(f).replace("\\_", "_")
        assert not re.search(r"\b[a-z_]+ = |_pct\b|_unit\b", line), line
        assert not any(s in line for s in series), line


def test_every_finding_is_complete():
    for f in audit.run():
        d = f.to_dict()
        assert d["severity"] in audit.SEVERITIES and d["refs"] and d["message"].endswith((".", ")"))
        assert d["arithmetic"]["formula"] and d["arithmetic"]["result"]


def test_cli_json_shape():
    result = cli.invoke(app, ["audit", "--json", "--severity", "contradiction"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data and all(d["severity"] == "contradiction" for d in data)
    assert set(data[0]) >= {"id", "rule", "severity", "refs", "arithmetic", "message"}
    assert set(data[0]["refs"][0]) == {"doc", "section", "claim_id"}


def test_cli_lists_rules_and_rejects_unknown():
    assert "growth_vs_endpoints" in cli.invoke(app, ["audit", "--list-rules"]).stdout
    assert cli.invoke(app, ["audit", "--severity", "nope"]).exit_code == 2
    assert cli.invoke(app, ["audit", "--rule", "nope"]).exit_code == 2


def test_analysts_own_ledger(tmp_path):
    src = Path(__file__).resolve().parents[1] / "data" / "claims" / "claims.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    mine = tmp_path / "mine.csv"
    keep = [lines[0]] + [l for l in lines[1:] if l.startswith(("000-2.1-0",))]
    mine.write_text("\n".join(keep) + "\n", encoding="utf-8")
    result = cli.invoke(app, ["audit", "--json", "--claims", str(mine)])
    assert result.exit_code == 0
    assert [d["rule"] for d in json.loads(result.stdout)] == ["growth_vs_endpoints"]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace(",%,", ",furlongs,", 1)]) + "\n", encoding="utf-8")
    result = cli.invoke(app, ["audit", "--claims", str(bad)])
    assert result.exit_code == 2 and str(bad) in result.output and "line 2" in result.output


def test_in_a_chapter_run_findings_are_computed_once_and_reused(project, monkeypatch):
    """Inside `growthpath run` (the dependency file is set) the findings are cached by content: the
    reused ones equal a fresh computation, the inputs are still recorded as read, the official rows
    the rules drew on are noted again for provenance, and a change of inputs or thresholds misses."""
    from growthpath.data import datapackage, provenance

    deps = project / "deps.txt"
    monkeypatch.setenv(datapackage.DEPS_ENV, str(deps))
    cache = project / "_build" / ".cache" / "audit"
    shutil.rmtree(cache, ignore_errors=True)
    with provenance.capture() as computed_notes:
        first = audit.run()
    assert len(list(cache.glob("*.json"))) == 1
    deps.write_text("")
    with provenance.capture() as reused_notes:
        again = audit.run()
    assert again == first == audit.reviewed(audit.run_rules(audit.context()))
    assert reused_notes == computed_notes and any(i.startswith("nbs_") for i in reused_notes)
    # official statistics are recorded per series read (the bounds' series among them), not as the whole file
    assert {"data/claims/claims.csv", "data/official/statistics.csv#series_id=nbs_online_retail"} <= set(deps.read_text().split())
    audit.run(thresholds={"cross_doc_conflict": {"rel_tol": 0.2}})
    assert len(list(cache.glob("*.json"))) == 2
    for entry in cache.glob("*.json"):
        entry.write_bytes(b"damaged")
    assert audit.run() == first  # a damaged entry is recomputed (and rewritten)
    assert audit.run() == first


def test_outside_a_chapter_run_nothing_is_cached(project, monkeypatch):
    from growthpath.data import datapackage

    monkeypatch.delenv(datapackage.DEPS_ENV, raising=False)
    shutil.rmtree(project / "_build" / ".cache" / "audit", ignore_errors=True)
    audit.run()
    assert not (project / "_build" / ".cache" / "audit").exists()


# ----------------------------------------------------------------------------- review, scope, history, verdicts
def test_every_serious_finding_is_reviewed():
    """Every contradiction and implausible finding carries a reviewer's verdict (data/reference/reviews.csv)."""
    unreviewed = [f.id for f in audit.run() if f.severity in ("contradiction", "implausible") and not f.review]
    assert not unreviewed, "review these findings in data/reference/reviews.csv:\n" + "\n".join(unreviewed)


def test_no_review_is_stale():
    ids = {f.id for f in audit.run()}
    stale = sorted(set(audit.reviews()["finding_id"]) - ids)
    assert not stale, f"reviews of findings the audit no longer produces: {stale}"


def test_a_rejected_finding_is_shown_only_in_the_appendix():
    findings = audit.run()
    rejected = [f for f in findings if f.review == "rejected"]
    published = audit.published(findings)
    assert len(published) + len(rejected) == len(findings)
    for f in rejected:
        assert f not in audit.for_places(findings, [(r.doc, r.section) for r in f.refs])
        assert f.review_reason


def test_no_contradiction_sets_different_entities_or_scopes_against_each_other():
    from growthpath.data import claims

    mixed = audit.mixed_scope(audit.published(audit.run()), claims.load())
    assert not mixed, [f.id for f in mixed]


def test_one_finding_per_problem_and_set_of_claims():
    keys = [(f.problem, f.claim_set) for f in audit.run()]
    assert len(keys) == len(set(keys))


def test_history_matches_the_snapshot_in_git():
    """The 'before' counts the appendix prints are those of the reviewed snapshot at the recorded commit."""
    import collections
    import subprocess

    row = audit.history().iloc[0]
    root = Path(__file__).resolve().parents[1]
    try:
        text = subprocess.run(["git", "show", f"{row['commit']}:tests/snapshots/audit.json"], cwd=root,
                              capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        import pytest
        pytest.skip("no git history here (a source archive)")
    counts = collections.Counter(f["severity"] for f in json.loads(text))
    assert (row["findings"], row["contradiction"], row["implausible"], row["unclear"]) == (
        sum(counts.values()), counts["contradiction"], counts["implausible"], counts["unclear"])


def test_every_seed_section_has_a_verdict_and_a_reason():
    from growthpath.data import claims, datapackage
    from growthpath.audit import verdicts

    findings = audit.run()
    table = verdicts.table(findings, claims.sections(), datapackage.read_table("section_verdicts"))
    assert len(table) == len(claims.sections()) and table["verdict"].isin(verdicts.VERDICTS).all()
    assert (table["why"].str.len() > 20).all()
    assert "No reviewer's verdict" not in " ".join(table["why"])
    curated = datapackage.read_table("section_verdicts").set_index(["doc", "section"])["verdict"]
    serious = verdicts.serious_by_section(findings)
    holds_anyway = [p for p, v in curated.items() if v == "holds" and p in serious]
    assert not holds_anyway, f"reviewer says 'holds' where the audit finds contradictions: {holds_anyway}"


def test_facts_carry_a_checkable_source():
    from growthpath.data import datapackage

    facts = datapackage.read_table("facts")
    assert len(facts) >= 5
    assert facts["citation"].str.match(r"https?://").all() and (facts["source"].str.len() > 10).all()
    hits = {f.inputs["fact"] for f in audit.run() if f.rule == "known_facts"}
    assert hits == set(facts["fact_id"]), "a fact no claim conflicts with does not belong in the table"


def test_targets_misfit_recomputed_from_the_ledger():
    """The summary's sentence on the plan's targets, against the arithmetic redone from the ledger's values:
    GMV ×(1 + g)³ over users ×(1 + u)³ or ×(1 + cumulative) and order value target ÷ base, 2023 → 2026."""
    from growthpath.data import claims

    v = claims.load().set_index("claim_id")["value"]
    gmv = (1 + v["000-3.1-06"] / 100) ** 3
    users = [(1 + v["000-3.1-02"] / 100) ** 3, 1 + v["000-8.1-02"] / 100]
    aov = v["000-3.3-09"] / v["000-3.3-08"]
    fall = sorted(100 * (1 - gmv / (u * aov)) for u in users)
    live = v["000-3.1-09"] / 100 * v["000-3.1-07"] * 1e4
    text = audit.targets_misfit(audit.run())
    assert f"{fall[0]:.0f}–{fall[1]:.0f} % less often" in text
    whole = v["000-3.1-07"] * 1e4
    assert f"{live:,.0f} 亿元 in 2026 if the total stops at its {whole:,.0f} 亿元 floor, below the {v['000-1.1-06'] * 1e4:,.0f} 亿元" in text
    assert f"the total would need {v['000-1.1-06'] * 1e4 / (v['000-3.1-09'] / 100):,.0f} 亿元 to keep it" in text   # 突破: at least


def test_a_split_short_of_the_whole_names_the_other_percentage_of_its_sentence():
    """004 §2.1: KOL 38 % + KOC 52 % of the decision weight, and in the same sentence ordinary users' review influence 31 %."""
    from growthpath.data import claims

    v = claims.load().set_index("claim_id")["value"]
    found = [f for f in audit.run() if f.rule == "shares_sum" and "004-2.1-01" in f.claim_set]
    assert len(found) == 1 and "004-2.1-03" in found[0].claim_set
    total = v["004-2.1-01"] + v["004-2.1-02"]
    assert f"add up to {total:g} %" in found[0].message and f"the parts make {total + v['004-2.1-03']:g} %" in found[0].message
    payment = [f for f in audit.run() if f.rule == "shares_sum" and "004-2.3-02" in f.claim_set]
    assert payment and "third figure" not in payment[0].message     # over 100 %: no other part is looked for


def test_a_rate_a_year_against_a_total_change_shows_the_conversion_in_its_arithmetic():
    from growthpath.data import claims

    v = claims.load().set_index("claim_id")["value"]
    f = next(f for f in audit.run() if f.rule == "same_subject_different_values" and f.claim_set == {"000-3.1-02", "000-8.1-02"})
    assert f.formula.startswith(f"(1 + {v['000-3.1-02']:g} %)^3 − 1")
    assert f.result == f"at least {((1 + v['000-3.1-02'] / 100) ** 3 - 1) * 100:.1f} % vs {v['000-8.1-02']:g} % over 2023–2026"   # 不低于


def test_the_arithmetic_never_states_as_fact_what_the_message_hedges():
    """Appendix A's 'Arithmetic.' line of a finding whose year is only a reading (the ledger's parenthesised period:
    the CAC rise of 000 §2.1/§6.3, which the text leaves undated) says so in the message's own words."""
    from growthpath.audit import boxes, registry, worked

    findings = audit.run()
    periods = dict(zip(audit.context().claims["claim_id"], audit.context().claims["period"]))
    for f in findings:
        text = worked.worked(f)
        for key, hedge in (f.inputs.get("assumed") or {}).items():
            assert hedge.lower() in f.message.lower() and hedge in text, (f.id, key, text)
        for key in registry.YEAR_INPUTS:
            shown = str(f.inputs.get(key, ""))
            read = [periods[r.claim_id] for r in f.refs if shown and registry.period_range(periods[r.claim_id])
                    and registry.period_inferred(periods[r.claim_id]) and shown in periods[r.claim_id]]
            if read and key not in (f.inputs.get("assumed") or {}):
                raise AssertionError(f"{f.id}: {key} {shown} is the ledger's reading ({read}) but is shown as stated: {text}")
    cac = [f for f in findings if f.rule == "growth_vs_endpoints" and "000-2.1-02" in f.claim_set]
    assert cac, "the CAC rise against the industry rate is still reported"
    line = boxes.arithmetic(cac[0])
    assert "if the rise spans 2021-2023" in line and "start of 2021-2023" not in line, line
    assert "If the rise spans" not in cac[0].message or "if the rise spans 2021-2023" in cac[0].message


def test_one_reading_of_n_times_across_the_audit():
    """Every 倍 claim of the ledger is read the same way by every rule: flagged as '×N or ×(N+1)' exactly when
    its wording allows both (提高/增长/高N倍), and then everywhere; 较/是/达/至…的N倍 is N× everywhere."""
    from growthpath.audit import readings as rd, relate

    findings = audit.run()
    flagged = {r.claim_id for f in findings if f.rule == "times_ambiguity" for r in f.refs}
    claims = audit.context().claims
    for _, r in claims[claims["unit"] == "倍"].iterrows():
        two = len(rd.times_readings(r["quote_zh"], r["value"])) == 2
        assert two == (r["claim_id"] in flagged), r["claim_id"]
        assert len(relate.multiplier_readings(None, r)) == (2 if two else 1), r["claim_id"]
    assert rd.times_readings("较行业平均的3.2倍", 3.2) == (3.2,)
    for f in findings:
        if any(r.claim_id == "000-4.2-11" for r in f.refs):
            assert "4.2×" not in f.message and "4.2×" not in f.result, f.id


def test_a_baseline_claim_is_the_same_quantity_or_in_the_same_sentence():
    """A multiple's `baseline_ref` naming another claim names one of the same subject, or one its own sentence gives
    (000-2.4-09: '较电商直接转化(18%)低12.8个百分点'). §4.2's fission conversion is not measured against §4.1's
    potential-user conversion (潜在用户转化率) and no finding relates them."""
    ctx = audit.context()
    c = ctx.claims.set_index("claim_id", drop=False)
    for cid, r in c[c["baseline_ref"].str.match(r"^\d{3}-")].iterrows():
        b = c.loc[r["baseline_ref"]]
        assert b["subject"] == r["subject"] or ctx.sentence(b) == ctx.sentence(r), (cid, r["subject"], b["subject"])
    assert c.at["000-4.1-02", "subject"] != c.at["000-4.2-11", "subject"]
    # one as the other's baseline, no; the plan giving one compared quantity two industry averages is reported (unclear)
    assert not [f.id for f in audit.run() if {"000-4.1-02", "000-4.2-11"} <= f.claim_set and f.rule != "industry_averages"]


# ----------------------------------------------------------------------------- referee's points (audit2)
def test_referee_points_on_the_real_ledger():
    findings = audit.run()
    by_id = {f.id.split("@")[0]: f for f in findings}
    # two unnamed brands (某品牌) need not be one; §6.4 gives the 30 % to industry data
    dup = by_id["same_subject_different_values:000-2.5-02+000-6.4-02"]
    assert dup.severity == "unclear" and "may be two firms" in dup.message
    # any base of §8.1's user penetration would exceed the population: published, whatever the base
    pen = by_id["penetration_base:000-3.1-03+000-8.1-01+000-8.1-02+000-8.1-05+000-8.1-06"]
    assert pen.severity == "contradiction" and pen.review == "correct" and "netizens" not in pen.id
    assert "25.02 亿人" in pen.message and "28.57 亿人" in pen.message
    assert by_id["industry_averages:000-4.1-01+000-4.1-02+000-4.2-10+000-4.2-11"].severity == "unclear"
    assert by_id["recycled_evidence:000-4.1-12+000-5.2-09"].severity == "unclear"
    assert by_id["recycled_evidence:004-5.4b-07+004-7.4-05"].severity == "implausible"
    assert "-32.6 %" in by_id["multiplier_vs_baseline:000-3.3-10+000-3.3-11+000-3.3-12"].result


def test_no_finding_gives_a_figure_a_scope_its_sentence_does_not():
    """§3.3 says only 目标CAC从89元/人降至60元/人: the book never calls it the industry's CAC."""
    import pandas as pd
    from growthpath.data import claims
    row = claims.load().set_index("claim_id").loc["000-3.3-10"]
    assert "行业" not in row["quote_zh"] and not str(row["entity"]).lower().startswith("industry")
    assert not any("industry CAC" in f.message for f in audit.run())
    assert isinstance(row, pd.Series)


def test_rejected_reasons_read_as_plain_english():
    """Appendix A's 'Rejected on review' table is read by people: whole sentences, no reviewer's shorthand."""
    shorthand = (" vs ", "the doc's", "the rule's", "rule's choice", " wrt ", " e.g. ")
    for row in audit.rejected_table(audit.run()).itertuples():
        assert len(row.reason.split()) >= 12 and row.reason.rstrip().endswith("."), row.finding
        assert not any(s in row.reason for s in shorthand), (row.finding, row.reason)


def test_rejected_findings_are_shown_by_what_they_say_not_by_their_key():
    table = audit.rejected_table(audit.run())
    assert len(table) and not table["finding"].str.contains(r"^[a-z_]+:\d{3}-", regex=True).any(), table["finding"].tolist()
