#!/usr/bin/env python3
"""test_cli_green.py — `szfin green` against a real server: the acceptance
examples of issue 6 walked through the command line (1,000 MWh South 2023 ->
404.20 t; market based with 300 MWh green -> 426.72 t; base 60, score 78,
1 bp/point capped at 15 bp: 3.00% -> 2.85%; the ¥10m PCAF loan -> 500 t),
every green route once (factor sets, accounts from flags and from a file,
restatement, ESG, certificates, pricing policy, loans, CERF, positions,
the book, tags, the taxonomy), human output and --json, help, and errors
that print the problem code and exit non-zero."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, ROOT, Server, Tap  # noqa: E402

GREEN_ENV = {"SZFIN_GREEN_DIR": os.path.join(ROOT, "share", "green")}

t = Tap()
s = Server(env=GREEN_ENV).start()
token_files = {}


def token_file(name, role, **kw):
    """A token created by the admin, kept in a file (never on argv)."""
    path = os.path.join(s.data_dir, f"{name}.token")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(s.token(role, name=name, **kw) + "\n")
    token_files[name] = path


def cli(who, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SZFIN_")}
    env["SZFIN_URL"] = f"http://127.0.0.1:{s.port}"
    if who is not None:
        env["SZFIN_TOKEN_FILE"] = token_files[who]
    p = subprocess.run([BIN, "green"] + list(args), capture_output=True, text=True, env=env, timeout=120,
                       cwd=tempfile.gettempdir())
    return p.returncode, p.stdout, p.stderr


def js(out):
    try:
        return json.loads(out)
    except ValueError:
        return None


def line(out, label):
    """The value of a human key-value line ("label   value unit")."""
    for row in out.splitlines():
        if row.startswith(label + " ") and row[len(label):len(label) + 1] == " ":
            return row[len(label):].strip()
    return None


def write(name, doc):
    path = os.path.join(s.data_dir, name)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


try:
    token_file("cb", "central_bank")
    token_file("bank", "operator", tenant=1)
    token_file("bank2", "operator", tenant=2)
    token_file("ent42", "merchant", tenant=1, owner=42)
    token_file("ent43", "merchant", tenant=1, owner=43)
    token_file("ent44", "merchant", tenant=1, owner=44)
    token_file("reg", "regulator")

    # ---- help ------------------------------------------------------------------------
    rc, out, err = cli(None, "--help")
    t.ok(rc == 0 and "szfin green factors list" in out and "szfin green taxonomy" in out,
         "green --help prints every group's usage", out + err)
    rc, out, err = cli(None, "loan", "--help")
    t.ok(rc == 0 and "loan price LOAN" in out and "factors" not in out, "green loan --help prints one group", out)
    rc, out, err = cli(None)
    t.ok(rc == 2 and "usage" in err, "green without a group exits 2 with usage", err)
    rc, out, err = cli("reg", "nonsense")
    t.ok(rc == 2 and "unknown group" in err, "an unknown group exits 2", err)
    rc, out, err = cli("ent44", "account", "submit", "--period", "2023", "--electricty-mwh", "1")
    t.ok(rc == 2 and "--electricty-mwh" in err, "a mistyped option is refused before any request", err)
    rc, out, err = cli("ent44", "account", "submit", "--period", "twenty")
    t.ok(rc == 2 and "--period" in err, "a non-integer period is refused", err)
    rc, out, err = cli("ent44", "account", "submit", "--period", "2023", "--green-mwh", "300")
    t.ok(rc == 2 and "--certificate" in err, "--green-mwh needs the certificate it claims", err)
    rc, out, err = cli("reg", "factors", "list", "--token", "x")
    t.ok(rc == 2 and "not taken from the command line" in err, "a token on argv is refused", err)

    # ---- factor sets -----------------------------------------------------------------------
    rc, out, err = cli("reg", "factors", "list")
    t.ok(rc == 0 and "cn-2024.1" in out and "cn-2025.1" in out and "DIGEST" in out, "factors list (table)",
         out + err)
    rc, out, err = cli("reg", "factors", "list", "--json")
    doc = js(out)
    digests = {x["version"]: x["digest"] for x in (doc or {}).get("loaded", [])}
    t.ok(rc == 0 and len(digests.get("cn-2025.1", "")) == 16 and doc["default"] is None,
         "factors list --json parses; nothing active yet", out + err)
    rc, out, err = cli("ent42", "factors", "get", "cn-2025.1")
    south = [r for r in out.splitlines() if " SOUTH " in r and "0.4042" in r and "2023" in r]
    t.ok(rc == 0 and south and "MEE/NBS" in south[0], "factors get shows the South 2023 factor with its source",
         out[:2000] + err)
    rc, out, err = cli("bank", "factors", "activate", "cn-2025.1")
    t.ok(rc == 1 and "forbidden" in err, "an operator cannot activate: exit 1, problem code on stderr", err)
    rc, out, err = cli("cb", "factors", "activate", "cn-2025.1", "--digest", "0123456789abcdef")
    t.ok(rc == 1 and "factor_digest_mismatch" in err, "activation under another digest is refused", err)
    rc, out, err = cli("cb", "factors", "activate", "cn-2024.1", "--id", "1")
    t.ok(rc == 0 and line(out, "digest") == digests.get("cn-2024.1"), "cn-2024.1 activated (digest shown)",
         out + err)
    rc, out, err = cli("cb", "factors", "activate", "cn-2024.1", "--id", "1", "--json")
    t.ok(rc == 0 and (js(out) or {}).get("version") == "cn-2024.1", "activation retried with --id is idempotent",
         out + err)

    # ---- accounts ----------------------------------------------------------------------------
    # enterprise 42 under cn-2024.1, from a JSON file; restated later under cn-2025.1
    acct42 = write("acct42.json", {"period": 2023, "province": "CN-GD", "electricity_mwh": "1000",
                                   "certificates": [{"serial": "GEC-2023-000001", "mwh": "300"}],
                                   "value_added": "50000000.00", "industry_intensity_tco2e_per_10k_yuan": "0.20"})
    rc, out, err = cli("ent42", "account", "submit", acct42)
    t.ok(rc == 0 and line(out, "scope 2, location based") == "386.90 tCO2e"
         and line(out, "factor set").startswith("cn-2024.1"),
         "account submit FILE under cn-2024.1 -> 386.90 tCO2e", out + err)
    t.ok(line(out, "grade") and line(out, "grade").startswith("1, dark green"), "the grade is shown",
         line(out, "grade"))
    rc, out, err = cli("cb", "factors", "activate", "cn-2025.1", "--digest", digests.get("cn-2025.1", ""))
    t.eq(rc, 0, "cn-2025.1 activated with its digest pinned")

    # acceptance: 1,000 MWh in the Southern grid 2023, 300 MWh of it green
    rc, out, err = cli("ent44", "account", "submit", "--id", "102", "--period", "2023", "--province", "CN-GD",
                       "--electricity-mwh", "1000", "--green-mwh", "300", "--certificate", "GEC-2023-000044")
    t.ok(rc == 0 and line(out, "scope 2, location based") == "404.20 tCO2e",
         "1,000 MWh South 2023 -> 404.20 tCO2e (flags)", out + err)
    t.eq(line(out, "scope 2, market based"), "426.72 tCO2e", "market based with 300 MWh green -> 426.72 tCO2e")
    t.ok((line(out, "grid factor") or "").startswith("0.4042 tCO2/MWh (SOUTH 2023")
         and "residual_mix" in (line(out, "fallbacks") or ""), "the grid factor and fallbacks are shown", out)
    t.ok(line(out, "green power") == "300 MWh" and "GEC-2023-000044" in out, "green power and its certificate",
         out)
    rc, out, err = cli("ent44", "account", "submit", "--id", "102", "--period", "2023", "--province", "CN-GD",
                       "--electricity-mwh", "1000", "--green-mwh", "300", "--certificate", "GEC-2023-000044",
                       "--json")
    doc = js(out)
    t.ok(rc == 0 and doc and doc["scope2_location_tco2e"] == "404.20" and doc["scope2_market_tco2e"] == "426.72"
         and doc["factor_set"]["digest"] == digests.get("cn-2025.1"),
         "the same submission retried --json: the raw answer parses", out + err)
    rc, out, err = cli("ent43", "account", "submit", "--period", "2023", "--fuel", "natural_gas:10")
    t.ok(rc == 0 and line(out, "scope 1") == "216.22 tCO2e" and "natural_gas" in out,
         "--fuel natural_gas:10 (10^5 Nm3) -> 216.22 tCO2e", out + err)
    rc, out, err = cli("ent43", "account", "submit", "--period", "2024", "--province", "CN-GD",
                       "--electricity-mwh", "500", "--certificate", "GEC-2023-000001:100")
    t.ok(rc == 1 and "cert_already_claimed" in err and out == "",
         "a certificate claimed by another: exit 1 with the problem code", err)
    rc, out, err = cli("ent42", "account", "submit", acct42, "--file", acct42)
    t.eq(rc, 2, "FILE and --file together are a usage error")
    rc, out, err = cli("bank", "account", "get", "44", "2023")
    t.ok(rc == 0 and line(out, "total, location based") == "404.20 tCO2e" and line(out, "enterprise") == "44",
         "account get (bank reads the borrower)", out + err)
    rc, out, err = cli("ent43", "account", "get", "42", "2023")
    t.ok(rc == 1 and "not_found" in err, "another enterprise's account is not found", err)
    rc, out, err = cli("reg", "account", "get", "42", "1800")
    t.ok(rc == 1 and "field_invalid" in err and "400" in err, "a period out of range: 400 field_invalid", err)
    rc, out, err = cli("reg", "certificate", "get", "GEC-2023-000044")
    t.ok(rc == 0 and line(out, "claimed by enterprise") == "44" and line(out, "period") == "2023",
         "certificate get names the claimant", out + err)

    # restatement
    rc, out, err = cli("ent42", "account", "restate", "42", "2023", "--factor-version", "cn-2025.1")
    t.ok(rc == 0 and "386.90" in out and "404.20" in out and "17.30" in out and "cn-2024.1" in out,
         "restate shows before 386.90, after 404.20, change 17.30", out + err)
    rc, out, err = cli("reg", "account", "restatements", "42", "2023", "--json")
    doc = js(out)
    t.ok(rc == 0 and doc and len(doc["restatements"]) == 1
         and doc["restatements"][0]["delta"]["total_tco2e"] == "17.30", "restatements --json", out + err)
    rc, out, err = cli("reg", "account", "restatements", "42", "2023")
    t.ok(rc == 0 and "restatement 1:" in out and "17.30" in out, "restatements (human)", out + err)

    # ESG from a peers file
    peers = write("peers.json", [
        {"carbon_intensity": "0.10", "green_power_share": "0.9", "injury_rate": "0.1",
         "social_insurance_rate": "1", "independent_directors": "5", "regulatory_penalties": "0"},
        {"carbon_intensity": "0.50", "green_power_share": "0.1", "injury_rate": "0.5",
         "social_insurance_rate": "0.5", "independent_directors": "1", "regulatory_penalties": "3"},
    ])
    rc, out, err = cli("bank", "account", "esg", "44", "2023", "--peers", peers, "--subject", "0")
    t.ok(rc == 0 and line(out, "ESG score") == "100.00", "account esg --peers FILE --subject 0 -> 100.00",
         out + err)
    rc, out, err = cli("bank", "account", "esg", "42", "2023", "--peers", peers, "--subject", "5")
    t.ok(rc == 1 and "esg_invalid" in err, "a subject outside the peers: esg_invalid", err)

    # ---- pricing -----------------------------------------------------------------------------
    rc, out, err = cli("bank", "pricing", "policy", "set", "--base-score", "60", "--discount-per-point-bp", "1",
                       "--cap-bp", "15")
    t.ok(rc == 0 and line(out, "discount cap") == "15.00 bp" and line(out, "base score") == "60"
         and line(out, "bank") == "1", "pricing policy set: base 60, 1 bp/point, cap 15 bp", out + err)
    rc, out, err = cli("reg", "policy", "get", "1", "--json")
    doc = js(out)
    t.ok(rc == 0 and doc and doc["base_score"] == 60 and doc["cap_bp"] == "15.00" and doc["default"] is False,
         "policy get --json", out + err)
    rc, out, err = cli("bank2", "policy", "get", "1")
    t.ok(rc == 1 and "out_of_scope" in err, "another bank's policy is out of scope", err)
    rc, out, err = cli("bank", "loan", "price", "900", "--enterprise", "42", "--period", "2023",
                       "--base-rate-percent", "3.00", "--score", "78")
    t.ok(rc == 0 and line(out, "  rate") == "2.85 %" and line(out, "  discount") == "15.00 bp",
         "score 78 over base 60 capped at 15 bp: LPR 3.00% -> 2.85%", out + err)
    t.ok(line(out, "  re-derives") == "yes" and line(out, "  factor set") == "cn-2024.1",
         "the terms pin the account's factor set and re-derive", out)
    rc, out, err = cli("bank", "loan", "price", "901", "--enterprise", "42", "--period", "2023",
                       "--base-rate-percent", "3.00", "--score", "78", "--score-from-esg")
    t.ok(rc == 1 and "field_invalid" in err, "score and --score-from-esg together are refused", err)
    rc, out, err = cli("bank", "loan", "price", "902", "--enterprise", "44", "--period", "2023",
                       "--base-rate-percent", "3.45", "--score-from-esg", "--json")
    doc = js(out)
    t.ok(rc == 0 and doc and doc["terms"]["score"] == 100 and doc["terms"]["rate_percent"] == "3.30",
         "a price from the ESG score (--score-from-esg)", out + err)
    rc, out, err = cli("bank", "loan", "cerf", "900", "--principal", "10000000.00", "--project-investment",
                       "40000000.00", "--project-reduction-tco2e", "20000", "--area", "clean_energy",
                       "--term-days", "365")
    t.ok(rc == 0 and line(out, "qualifies") == "yes" and line(out, "refinanceable") == "6000000.00 CNY"
         and line(out, "attributed reduction") == "5000.00 tCO2e", "loan cerf: 60% refinanceable", out + err)
    rc, out, err = cli("bank", "loan", "cerf", "905", "--principal", "1.00", "--project-investment", "2.00",
                       "--project-reduction-tco2e", "1", "--area", "clean_energy", "--term-days", "365",
                       "--lender-not-eligible", "--json")
    doc = js(out)
    t.ok(rc == 0 and doc and not doc["qualifies"] and doc["reason"] == "lender_not_eligible",
         "--lender-not-eligible is sent as false", out + err)

    # ---- PCAF ----------------------------------------------------------------------------------
    rc, out, err = cli("bank", "position", "add", "--loan", "900", "--outstanding", "10000000.00", "--equity",
                       "40000000.00", "--debt", "60000000.00", "--emissions-tco2e", "5000", "--data-quality", "2")
    t.ok(rc == 0 and line(out, "attribution") == "0.100000" and line(out, "financed emissions") == "500.00 tCO2e",
         "¥10m of ¥40m equity + ¥60m debt, 5,000 t -> 500.00 tCO2e financed", out + err)
    rc, out, err = cli("bank", "position", "add", "--loan", "904", "--outstanding", "1.00", "--equity", "1",
                       "--debt", "1", "--data-quality", "2")
    t.ok(rc == 1 and "field_missing" in err, "emissions are required without an enterprise", err)
    rc, out, err = cli("bank", "book", "1")
    t.ok(rc == 0 and line(out, "financed emissions") == "500.00 tCO2e" and line(out, "positions") == "1"
         and line(out, "outstanding") == "10000000.00 CNY", "book 1: 500.00 tCO2e financed", out + err)
    rc, out, err = cli("reg", "book", "1", "--json")
    doc = js(out)
    t.ok(rc == 0 and doc and doc["financed_tco2e"] == "500.00" and doc["positions"][0]["financed_tco2e"] == "500.00",
         "book --json", out + err)
    rc, out, err = cli("ent42", "book", "1")
    t.ok(rc == 1 and "forbidden" in err, "an enterprise cannot read a bank's book", err)

    # ---- taxonomy ----------------------------------------------------------------------------
    rc, out, err = cli("bank", "tag", "add", "--instrument", "900", "--kind", "loan", "--edition", "2021",
                       "--code", "3.2")
    t.ok(rc == 0 and line(out, "category (2025)") == "4" and line(out, "2021 code") == "3.2",
         "tag add: 2021 code 3.2 -> 2025 category 4", out + err)
    rc, out, err = cli("bank", "tag", "add", "--instrument", "910", "--kind", "bond", "--code", "99")
    t.ok(rc == 1 and "taxonomy_code_invalid" in err, "an impossible category: taxonomy_code_invalid", err)
    rc, out, err = cli("ent42", "tag", "get", "900")
    t.ok(rc == 0 and line(out, "bank") == "1" and "能源绿色低碳转型" in out, "tag get", out + err)
    rc, out, err = cli("reg", "taxonomy")
    t.ok(rc == 0 and "2025 catalogue:" in out and "2021 catalogue" in out and "能源绿色低碳转型" in out,
         "taxonomy listing (human)", out + err)
    rc, out, err = cli("reg", "taxonomy", "--json")
    doc = js(out)
    t.ok(rc == 0 and doc and len(doc["categories_2025"]) == 9, "taxonomy --json: 9 categories", out[:500] + err)

    # ---- a loan brings it together ---------------------------------------------------------------
    rc, out, err = cli("reg", "loan", "get", "900")
    t.ok(rc == 0 and line(out, "  rate") == "2.85 %" and line(out, "  financed emissions") == "500.00 tCO2e"
         and line(out, "  category (2025)") == "4" and line(out, "  qualifies") == "yes",
         "loan get: terms, tag, CERF and position", out + err)
    rc, out, err = cli("bank2", "loan", "get", "900")
    t.ok(rc == 1 and "404" in err and "not_found" in err, "another bank's loan: 404 not_found", err)
    rc, out, err = cli("reg", "loan", "get", "999999", "--json")
    doc = js(err)
    t.ok(rc == 1 and doc and doc.get("code") == "not_found", "an error with --json prints the problem as JSON",
         out + err)
finally:
    s.cleanup()
t.done()
