#!/usr/bin/env python3
"""test_api_green.py — the green domain over HTTP on the real binary: factor
sets (list, provenance, activation pinned by digest), carbon accounts with
the acceptance examples of issue 6 (1,000 MWh South 2023 -> 404.20 t, market
based 426.72 t, 10^5 Nm3 gas -> 216.22 t), claim-once certificates, explicit
restatement, carbon-linked pricing (3.00% -> 2.85%) with pinned terms, ESG,
PCAF financed emissions (500 t), the PBoC facility, taxonomy tags, roles and
scope, idempotency, errors as problem+json, and state after a restart."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import ROOT, Server, Tap  # noqa: E402

GREEN_ENV = {"SZFIN_GREEN_DIR": os.path.join(ROOT, "share", "green")}

t = Tap()
s = Server(env=GREEN_ENV).start()
restarted = None


def problem(st, doc, status, code, name):
    t.ok(st == status and isinstance(doc, dict) and doc.get("code") == code, name,
         f"status {st} doc {doc}")


try:
    tok = {
        "cb": s.token("central_bank", name="pboc"),
        "bank": s.token("operator", tenant=1, name="bank1"),
        "bank2": s.token("operator", tenant=2, name="bank2"),
        "ent42": s.token("merchant", tenant=1, owner=42, name="ent42"),
        "ent43": s.token("merchant", tenant=1, owner=43, name="ent43"),
        "ent44": s.token("merchant", tenant=1, owner=44, name="ent44"),
        "reg": s.token("regulator", name="reg"),
        "aud": s.token("auditor", name="aud"),
    }

    # ---- factor sets -------------------------------------------------------------
    st, doc = s.get("/v1/green/factors", tok["reg"])
    versions = [x["version"] for x in (doc or {}).get("loaded", [])]
    t.ok(st == 200 and "cn-2024.1" in versions and "cn-2025.1" in versions, "factor sets are loaded", doc)
    t.ok(doc["active"] == [] and doc["default"] is None, "no factor set is active at first", doc)
    digests = {x["version"]: x["digest"] for x in doc["loaded"]}
    t.ok(all(len(d) == 16 for d in digests.values()), "digests are 16 hex digits", digests)
    st, _ = s.get("/v1/green/factors")
    t.eq(st, 401, "factors need a token")
    st, doc = s.get("/v1/green/factors/cn-2025.1", tok["ent42"])
    row = next((r for r in (doc or {}).get("rows", []) if r["code"] == "average" and r["area"] == "SOUTH"
                and r["year"] == 2023), None)
    t.ok(st == 200 and row and row["value"] == "0.4042" and row["unit"] == "tCO2/MWh" and row["source"] == "MEE/NBS"
         and row["publication"], "a factor set shows each value with its provenance", row)
    st, doc = s.get("/v1/green/factors/cn-1999.9", tok["reg"])
    problem(st, doc, 404, "not_found", "an unknown factor set is 404")

    st, doc = s.post("/v1/green/factors/cn-2024.1/activate", {"id": "1"}, tok["bank"])
    problem(st, doc, 403, "forbidden", "an operator cannot activate factor sets")
    st, doc = s.post("/v1/green/factors/cn-2024.1/activate", {"id": "1", "digest": "0123456789abcdef"}, tok["cb"])
    problem(st, doc, 422, "factor_digest_mismatch", "activation with another digest is refused")
    st, doc = s.post("/v1/green/factors/cn-1999.9/activate", {"id": "1"}, tok["cb"])
    problem(st, doc, 422, "factor_set_not_loaded", "activation of a set that is not loaded is refused")
    st, doc = s.post("/v1/green/factors/cn-2024.1/activate", {"id": "1"}, tok["cb"])
    t.ok(st == 201 and doc["version"] == "cn-2024.1" and doc["digest"] == digests["cn-2024.1"],
         "the central bank activates cn-2024.1 (digest pinned)", doc)
    st, doc = s.post("/v1/green/factors/cn-2024.1/activate", {"id": "1"}, tok["cb"])
    t.eq(st, 200, "activation retried with the same id answers 200")
    st, doc = s.post("/v1/green/factors/cn-2025.1/activate", {"id": "1"}, tok["cb"])
    problem(st, doc, 409, "exists_with_different_fields", "the same id for another activation is 409")
    st, doc = s.post("/v1/green/factors/cn-2024.1/activate", {"id": "2"}, tok["cb"])
    problem(st, doc, 422, "factor_set_already_active", "a set is activated once")

    # ---- accounts ------------------------------------------------------------------
    acct42 = {"id": "100", "period": 2023, "province": "CN-GD", "electricity_mwh": "1000",
              "certificates": [{"serial": "GEC-2023-000001", "mwh": "300"}],
              "value_added": "50000000.00", "industry_intensity_tco2e_per_10k_yuan": "0.20"}
    st, doc = s.post("/v1/green/accounts", acct42, tok["bank"])
    problem(st, doc, 403, "forbidden", "an operator cannot submit an enterprise's account")
    st, doc = s.post("/v1/green/accounts", dict(acct42, enterprise_id="43"), tok["ent42"])
    problem(st, doc, 403, "out_of_scope", "an enterprise cannot submit for another")
    st, doc = s.post("/v1/green/accounts", dict(acct42, colour="green"), tok["ent42"])
    problem(st, doc, 400, "field_unknown", "unknown fields are refused")
    st, doc = s.post("/v1/green/accounts", dict(acct42, electricity_mwh="1.0001"), tok["ent42"])
    problem(st, doc, 400, "field_invalid", "more than 3 decimals of MWh are refused")
    st, doc = s.post("/v1/green/accounts", {k: v for k, v in acct42.items() if k != "id"}, tok["ent42"])
    problem(st, doc, 400, "field_missing", "the command id is required")
    st, doc = s.post("/v1/green/accounts", dict(acct42, province="GD"), tok["ent42"])
    problem(st, doc, 422, "account_invalid", "a malformed province is refused by the domain")

    st, doc, _, resp = s.request("POST", "/v1/green/accounts", body=acct42, token=tok["ent42"])
    t.ok(st == 201 and doc["scope2_location_tco2e"] == "386.90" and doc["factor_set"]["version"] == "cn-2024.1",
         "an account under cn-2024.1: South 2022 factor 0.3869 -> 386.90 t", doc)
    t.ok("year_earlier" in doc["flags"] and "area_region" in doc["flags"], "fallback flags are shown",
         doc and doc.get("flags"))
    t.eq(resp.getheader("Location"), "/v1/green/accounts/42/2023", "Location names the account")
    t.ok(doc["data_quality"] == {"score": 2, "evidence": "primary_energy"}, "data quality 2 (metered energy)",
         doc["data_quality"])
    t.ok(doc["grade"] and doc["grade"]["grade"] == 1 and doc["grade"]["colour"] == "dark green",
         "graded against the industry intensity", doc["grade"])
    t.eq(doc["intensity_tco2e_per_10k_yuan"], "0.0774", "intensity: 386.90 t per ¥5,000 x 10k value added")
    st, doc2 = s.post("/v1/green/accounts", acct42, tok["ent42"])
    t.ok(st == 200 and doc2 == doc, "retry with the same id: 200 with the same account", doc2)
    st, doc2 = s.post("/v1/green/accounts", dict(acct42, electricity_mwh="999"), tok["ent42"])
    problem(st, doc2, 409, "exists_with_different_fields", "same id, other fields: 409")
    st, doc2 = s.post("/v1/green/accounts", dict(acct42, id="101", certificates=[]), tok["ent42"])
    problem(st, doc2, 422, "account_period_exists", "one account per enterprise and period")

    # a newer set is activated: the stored result does not change
    st, doc2 = s.post("/v1/green/factors/cn-2025.1/activate", {"id": "3", "digest": digests["cn-2025.1"]}, tok["cb"])
    t.eq(st, 201, "cn-2025.1 activated")
    st, doc2 = s.get("/v1/green/factors", tok["aud"])
    t.ok(doc2["default"] == "cn-2025.1" and [a["version"] for a in doc2["active"]] == ["cn-2024.1", "cn-2025.1"],
         "active sets in order; the newest is the default", doc2)
    st, doc2 = s.get("/v1/green/accounts/42/2023", tok["ent42"])
    t.ok(st == 200 and doc2["scope2_location_tco2e"] == "386.90" and doc2["factor_set"]["version"] == "cn-2024.1",
         "the old result keeps its factor set", doc2)

    # acceptance under cn-2025.1
    acct44 = {"id": "102", "period": 2023, "province": "CN-GD", "electricity_mwh": "1000",
              "certificates": [{"serial": "GEC-2023-000044", "mwh": "300"}]}
    st, doc = s.post("/v1/green/accounts", acct44, tok["ent44"])
    t.ok(st == 201 and doc["scope2_location_tco2e"] == "404.20", "1,000 MWh South 2023 -> 404.20 t", doc)
    t.ok(doc["scope2_market_tco2e"] == "426.72" and "residual_mix" in doc["flags"],
         "market based: 700 MWh x residual mix 0.6096 -> 426.72 t", doc)
    t.ok(doc["factor_set"] == {"version": "cn-2025.1", "digest": digests["cn-2025.1"]},
         "the result records the factor set and digest", doc["factor_set"])
    t.eq(doc["grid_factor"]["value"], "0.4042", "the grid factor used is shown")
    acct43 = {"id": "103", "period": 2023, "fuels": [{"fuel": "natural_gas", "activity": "10"}]}
    st, doc = s.post("/v1/green/accounts", acct43, tok["ent43"])
    t.ok(st == 201 and doc["scope1_tco2e"] == "216.22" and doc["fuels"][0]["co2e_tco2e"] == "216.22",
         "100,000 Nm3 natural gas -> 216.22 t", doc)
    # certificates are claimed once
    st, doc = s.post("/v1/green/accounts", {"id": "104", "period": 2024, "province": "CN-GD",
                                            "electricity_mwh": "500",
                                            "certificates": [{"serial": "GEC-2023-000001", "mwh": "100"}]},
                     tok["ent43"])
    problem(st, doc, 422, "cert_already_claimed", "a certificate claimed by another enterprise is refused")
    st, doc = s.get("/v1/green/accounts/43/2024", tok["reg"])
    problem(st, doc, 404, "not_found", "the refused account left no trace")
    st, doc = s.get("/v1/green/certificates/GEC-2023-000001", tok["reg"])
    t.ok(st == 200 and doc["enterprise_id"] == "42" and doc["period"] == 2023, "the claim names its owner", doc)
    st, doc = s.get("/v1/green/certificates/GEC-2023-000001", tok["ent43"])
    problem(st, doc, 404, "not_found", "another enterprise does not see the claim")

    # read scope
    st, doc = s.get("/v1/green/accounts/42/2023", tok["ent43"])
    problem(st, doc, 404, "not_found", "an enterprise does not see another's account")
    for who in ("bank", "reg", "aud", "cb"):
        st, doc = s.get("/v1/green/accounts/42/2023", tok[who])
        t.eq(st, 200, f"{who} reads the account")
    st, doc = s.get("/v1/green/accounts/42/1800", tok["reg"])
    problem(st, doc, 400, "field_invalid", "a period out of range is 400")
    st, doc = s.get("/v1/green/accounts/x/2023", tok["reg"])
    problem(st, doc, 400, "id_invalid", "a bad enterprise id is 400")

    # ---- restatement ----------------------------------------------------------------
    st, doc = s.post("/v1/green/accounts/42/2023/restate", {"id": "200", "factor_version": "cn-2025.1"},
                     tok["ent43"])
    problem(st, doc, 403, "out_of_scope", "an enterprise restates only its own account")
    st, doc = s.post("/v1/green/accounts/42/2023/restate", {"id": "200", "factor_version": "cn-2024.1"},
                     tok["ent42"])
    problem(st, doc, 422, "restate_same_set", "restating under the stored set is refused")
    st, doc = s.post("/v1/green/accounts/42/2023/restate", {"id": "200", "factor_version": "cn-2025.1"},
                     tok["ent42"])
    t.ok(st == 201 and doc["before"]["scope2_location_tco2e"] == "386.90"
         and doc["after"]["scope2_location_tco2e"] == "404.20" and doc["delta"]["total_tco2e"] == "17.30",
         "restatement shows before (386.90), after (404.20) and the change", doc)
    t.ok(doc["before"]["factor_set"]["version"] == "cn-2024.1" and doc["after"]["factor_set"]["version"] == "cn-2025.1",
         "before and after name their factor sets", doc)
    st, doc = s.get("/v1/green/accounts/42/2023", tok["reg"])
    t.ok(doc["scope2_location_tco2e"] == "386.90" and doc["restatement_count"] == 1,
         "the stored result is unchanged; the restatement is recorded beside it", doc)
    st, doc = s.get("/v1/green/accounts/42/2023/restatements", tok["aud"])
    t.ok(st == 200 and len(doc["restatements"]) == 1, "restatements are listed", doc)

    # ---- pricing ----------------------------------------------------------------------
    st, doc = s.post("/v1/green/pricing/policies", {"id": "300", "cap_bp": "15"}, tok["ent42"])
    problem(st, doc, 403, "forbidden", "an enterprise cannot set pricing policies")
    st, doc = s.post("/v1/green/pricing/policies", {"id": "300", "partial_share_percent": "150"}, tok["bank"])
    problem(st, doc, 400, "field_invalid", "a share over 100% is refused")
    st, doc = s.post("/v1/green/pricing/policies", {"id": "300", "base_score": 60, "discount_per_point_bp": "1",
                                                    "cap_bp": "15"}, tok["bank"])
    t.ok(st == 201 and doc["bank"] == "1" and doc["cap_bp"] == "15.00" and doc["version"] == 1,
         "the bank sets its policy", doc)
    st, doc = s.get("/v1/green/pricing/policies/1", tok["reg"])
    t.ok(st == 200 and doc["base_score"] == 60 and not doc["default"], "the regulator reads the policy", doc)
    st, doc = s.get("/v1/green/pricing/policies/1", tok["bank2"])
    problem(st, doc, 403, "out_of_scope", "another bank's policy is out of scope")
    price = {"id": "400", "enterprise_id": "42", "period": 2023, "base_rate_percent": "3.00", "score": 78}
    st, doc = s.post("/v1/green/loans/900/price", price, tok["bank"])
    terms = (doc or {}).get("terms") or {}
    t.ok(st == 201 and terms.get("rate_percent") == "2.85" and terms.get("discount_bp") == "15.00",
         "score 78 over base 60, capped at 15 bp: 3.00% -> 2.85%", doc)
    t.ok(terms.get("factor_set", {}).get("version") == "cn-2024.1" and terms.get("rederives") is True
         and terms.get("policy", {}).get("cap_bp") == "15.00" and terms.get("data_quality") == 2,
         "terms pin the policy, data quality and the account's factor set, and re-derive", terms)
    st, doc2 = s.post("/v1/green/loans/900/price", price, tok["bank"])
    t.ok(st == 200 and doc2 == doc, "pricing retried: 200, same terms", doc2)
    st, doc2 = s.post("/v1/green/loans/900/price", dict(price, id="401", score=90), tok["bank"])
    problem(st, doc2, 422, "loan_already_priced", "a priced loan is not re-priced")
    st, doc2 = s.post("/v1/green/loans/901/price", dict(price, id="402", enterprise_id="77"), tok["bank"])
    problem(st, doc2, 422, "green_account_not_found", "pricing needs the enterprise's account")
    st, doc2 = s.post("/v1/green/loans/901/price", dict(price, id="402", score_source="esg"), tok["bank"])
    problem(st, doc2, 400, "field_invalid", "score and score_source together are refused")
    st, doc2 = s.post("/v1/green/loans/901/price", price, tok["ent42"])
    problem(st, doc2, 403, "forbidden", "an enterprise cannot price loans")
    st, doc2 = s.get("/v1/green/loans/900", tok["reg"])
    t.ok(st == 200 and doc2["terms"] == terms, "the regulator reads the pinned terms", doc2)
    st, doc2 = s.get("/v1/green/loans/900", tok["bank2"])
    problem(st, doc2, 404, "not_found", "another bank does not see the loan")

    # ESG, then a price from it
    peers = [
        {"carbon_intensity": "0.10", "green_power_share": "0.9", "injury_rate": "0.1",
         "social_insurance_rate": "1", "independent_directors": "5", "regulatory_penalties": "0"},
        {"carbon_intensity": "0.50", "green_power_share": "0.1", "injury_rate": "0.5",
         "social_insurance_rate": "0.5", "independent_directors": "1", "regulatory_penalties": "3"},
    ]
    st, doc = s.post("/v1/green/accounts/44/2023/esg", {"id": "500", "peers": peers, "subject": 0}, tok["bank"])
    t.ok(st == 201 and doc["esg"]["score"] == "100.00", "ESG scored against peers", doc and doc.get("esg"))
    st, doc = s.post("/v1/green/accounts/42/2023/esg", {"id": "501", "peers": peers, "subject": 5}, tok["bank"])
    problem(st, doc, 422, "esg_invalid", "a subject outside the peers is refused")
    st, doc = s.post("/v1/green/loans/902/price", {"id": "403", "enterprise_id": "44", "period": 2023,
                                                   "base_rate_percent": "3.45", "score_source": "esg"}, tok["bank"])
    t.ok(st == 201 and doc["terms"]["score"] == 100 and doc["terms"]["rate_percent"] == "3.30"
         and doc["terms"]["score_from_esg"], "a price from the ESG score", doc)

    # ---- PCAF -----------------------------------------------------------------------
    pos = {"id": "600", "loan_id": "900", "outstanding": "10000000.00", "equity": "40000000.00",
           "debt": "60000000.00", "emissions_tco2e": "5000", "data_quality": 2}
    st, doc = s.post("/v1/green/positions", pos, tok["bank"])
    t.ok(st == 201 and doc["attribution"] == "0.100000" and doc["financed_tco2e"] == "500.00",
         "¥10m of ¥40m equity + ¥60m debt, 5,000 t -> 500 t financed", doc)
    st, doc = s.post("/v1/green/positions", dict(pos, id="601"), tok["bank"])
    problem(st, doc, 422, "position_exists", "one position per loan")
    st, doc = s.post("/v1/green/positions", {"id": "602", "loan_id": "902", "enterprise_id": "44", "period": 2023,
                                             "outstanding": "1000000.00", "equity": "1000000.00",
                                             "debt": "1000000.00"}, tok["bank"])
    t.ok(st == 201 and doc["emissions_from_account"] and doc["borrower_emissions_tco2e"] == "404.20"
         and doc["financed_tco2e"] == "202.10", "a position takes emissions from the borrower's account", doc)
    st, doc = s.post("/v1/green/positions", {"id": "603", "loan_id": "903", "outstanding": "1.00",
                                             "equity": "0", "debt": "0", "emissions_tco2e": "1",
                                             "data_quality": 2}, tok["bank"])
    problem(st, doc, 422, "position_invalid", "a zero denominator is refused")
    st, doc = s.post("/v1/green/positions", {"id": "604", "loan_id": "904", "outstanding": "1.00", "equity": "1",
                                             "debt": "1", "data_quality": 2}, tok["bank"])
    problem(st, doc, 400, "field_missing", "emissions are required without an enterprise")
    st, doc = s.get("/v1/green/books/1/financed-emissions", tok["bank"])
    t.ok(st == 200 and doc["position_count"] == 2 and doc["financed_tco2e"] == "702.10"
         and doc["outstanding"] == "11000000.00" and doc["data_quality"] == "2.00",
         "the bank's book: 702.10 t financed", doc)
    st, doc = s.get("/v1/green/books/1/financed-emissions", tok["reg"])
    t.eq(st, 200, "the regulator reads a bank's book")
    st, doc = s.get("/v1/green/books/1/financed-emissions", tok["bank2"])
    problem(st, doc, 403, "out_of_scope", "another bank's book is out of scope")
    st, doc = s.get("/v1/green/books/1/financed-emissions", tok["ent42"])
    problem(st, doc, 403, "forbidden", "an enterprise cannot read a bank's book")

    # ---- CERF and taxonomy --------------------------------------------------------------
    cerf = {"id": "700", "principal": "10000000.00", "project_investment": "40000000.00",
            "project_reduction_tco2e": "20000", "area": "clean_energy", "lender_eligible": True, "term_days": 365}
    st, doc = s.post("/v1/green/loans/900/cerf", cerf, tok["bank"])
    t.ok(st == 201 and doc["qualifies"] and doc["refinanceable"] == "6000000.00" and doc["annual_cost"] == "105000.00"
         and doc["attributed_reduction_tco2e"] == "5000.00", "CERF: 60% refinanceable at 1.75%", doc)
    st, doc = s.post("/v1/green/loans/905/cerf", dict(cerf, id="701", area="none"), tok["bank"])
    t.ok(st == 201 and not doc["qualifies"] and doc["reason"] == "area_not_eligible", "CERF: outside the areas", doc)
    st, doc = s.post("/v1/green/loans/906/cerf", dict(cerf, id="702", principal="50000000.00"), tok["bank"])
    problem(st, doc, 422, "cerf_invalid", "CERF: principal over the investment is refused")
    st, doc = s.post("/v1/green/tags", {"id": "800", "instrument_id": "900", "kind": "loan", "edition": 2021,
                                        "code": "3.2"}, tok["bank"])
    t.ok(st == 201 and doc["category_2025"] == 4 and doc["code_2021"] == "3.2" and doc["name_zh"] == "能源绿色低碳转型",
         "a 2021 code is tagged with its 2025 category", doc)
    st, doc = s.post("/v1/green/tags", {"id": "801", "instrument_id": "910", "kind": "bond", "edition": 2021,
                                        "code": "1"}, tok["bank"])
    problem(st, doc, 422, "taxonomy_code_invalid", "a split 2021 category must be tagged at the second level")
    st, doc = s.post("/v1/green/tags", {"id": "802", "instrument_id": "910", "kind": "bond", "code": "99"},
                     tok["bank"])
    problem(st, doc, 422, "taxonomy_code_invalid", "an impossible category is refused")
    st, doc = s.post("/v1/green/tags", {"id": "803", "instrument_id": "910", "kind": "bond", "code": "6"}, tok["bank"])
    t.ok(st == 201 and doc["kind"] == "bond" and doc["category_2025"] == 6, "a bond tagged in the 2025 catalogue", doc)
    st, doc = s.get("/v1/green/tags/910", tok["ent42"])
    t.ok(st == 200 and doc["bank"] == "1", "tags are readable", doc)
    st, doc = s.get("/v1/green/taxonomy", tok["aud"])
    t.ok(st == 200 and len(doc["categories_2025"]) == 9 and any(m["code_2025"] is None for m in doc["mapping_2021"]),
         "the taxonomy lists 9 categories and the mapping", doc and len(doc.get("categories_2025", [])))
    st, doc = s.get("/v1/green/loans/900", tok["bank"])
    t.ok(st == 200 and doc["terms"]["rate_percent"] == "2.85" and doc["taxonomy"]["category_2025"] == 4
         and doc["cerf"]["qualifies"] and doc["position"]["financed_tco2e"] == "500.00",
         "a loan shows terms, tag, CERF and position together", doc)
    st, _, _, resp = s.request("GET", "/v1/green/loans/999999", token=tok["reg"])
    t.ok(st == 404 and resp.getheader("Content-Type", "").startswith("application/problem+json"),
         "errors are problem+json")

    # ---- restart ----------------------------------------------------------------------
    snapshot = {p: s.get(p, tok["reg"]) for p in ("/v1/green/accounts/42/2023", "/v1/green/accounts/44/2023",
                                                  "/v1/green/loans/900", "/v1/green/books/1/financed-emissions",
                                                  "/v1/green/factors", "/v1/green/accounts/42/2023/restatements")}
    t.eq(s.stop(), 0, "the server stops cleanly")
    restarted = Server(data_dir=s.data_dir, env=GREEN_ENV).start()
    for p, before in snapshot.items():
        t.ok(restarted.get(p, tok["reg"]) == before, f"after restart {p} is unchanged")
    st, doc = restarted.post("/v1/green/accounts", acct42, tok["ent42"])
    t.eq(st, 200, "after restart a retried account answers 200")
    st, doc = restarted.post("/v1/green/accounts", {"id": "105", "period": 2025, "province": "CN-GD",
                                                    "electricity_mwh": "1",
                                                    "certificates": [{"serial": "GEC-2023-000044", "mwh": "1"}]},
                             tok["ent42"])
    problem(st, doc, 422, "cert_already_claimed", "after restart claims still hold")
finally:
    if restarted is not None:
        restarted.cleanup()
    s.cleanup()
t.done()
