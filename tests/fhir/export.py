"""Writes a synthetic FHIR Bulk Data export (Patient.ndjson, Condition.ndjson) for the
batch's tests and benchmark: mixed languages and names, active, resolved and unrelated
problems, and (with --broken) the mistakes a real export can hold.

    python3 tests/fhir/export.py OUT_DIR [--patients N] [--broken] [--gzip] [--parts K]
                                 [--csv LIST.csv]

--csv also writes the same jobs as a patient list for `batch --csv` (the bundled
handout for each matching patient, by name, in their language where the bundled library
has it), so scripts/bench-fhir-batch can compare the two on identical work.

Patient i (from 0) is built to a plan the tests read back from the ids:
  i % 6 == 0  active M48.061                      -> the handout
  i % 6 == 1  resolved M48.061 only               -> nothing
  i % 6 == 2  active I10 (hypertension)           -> nothing
  i % 6 == 3  active M54.16 and M48062 (no dot)   -> the handout, once
  i % 6 == 4  active M48 (a parent code)          -> the handout
  i % 6 == 5  M48.061 entered in error            -> nothing
Languages cycle (preferred first) through LANGUAGES below. Patient 6 has died and
patient 12's record is inactive (a merged duplicate): neither gets a handout.
"""
import argparse
import csv
import gzip
import json
import os

ICD = "http://hl7.org/fhir/sid/icd-10-cm"
BCP47 = "urn:ietf:bcp:47"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
# (tag, preferred) pairs; "de" and "sw" have no bundled translation; "" is no language.
LANGUAGES = ["es-MX", "vi", "de", "zh-TW", "", "fr", "sw", "en-US"]
GIVEN = ["María José", "An", "Jürgen", "美玲", "Fatima", "Jean-Luc", "Amani", "Pat"]
FAMILY = ["García López", "Nguyễn", "Müller", "陳", "Haddad", "Côté", "Mwangi", "Smith"]
# A middle name from a list of another length: the first 88 patients' names all differ.
MIDDLE = ["Ana", "Binh", "Carl", "Dina", "Emil", "Fei", "Gita", "Hugo", "Ines", "Jon", "Kay"]


def patient(i):
    lang = LANGUAGES[i % len(LANGUAGES)]
    resource = {
        "resourceType": "Patient",
        "id": f"p{i:05d}",
        "name": [
            {"use": "old", "family": "Formerly"},
            {
                "use": "official",
                "given": GIVEN[i % len(GIVEN)].split(" ") + [MIDDLE[i % len(MIDDLE)]],
                "family": FAMILY[i % len(FAMILY)],
            },
        ],
    }
    if i == 6:
        resource["deceasedBoolean"] = True
    if i == 12:
        resource["active"] = False
    if lang:
        resource["communication"] = [
            {"language": {"coding": [{"system": BCP47, "code": "en"}]}},
            {"language": {"coding": [{"system": BCP47, "code": lang}]}, "preferred": True},
        ]
    return resource


def condition(n, patient_id, code, clinical="active", verification="confirmed"):
    return {
        "resourceType": "Condition",
        "id": f"c{n}",
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": clinical}]},
        "verificationStatus": {"coding": [{"system": VERIFICATION, "code": verification}]},
        "code": {"coding": [{"system": ICD, "code": code}]},
        "subject": {"reference": f"Patient/{patient_id}"},
    }


def conditions(i):
    pid = f"p{i:05d}"
    plan = {
        0: [("M48.061", "active", "confirmed")],
        1: [("M48.061", "resolved", "confirmed")],
        2: [("I10", "active", "confirmed")],
        3: [("M54.16", "active", "confirmed"), ("M48062", "active", "confirmed")],
        4: [("M48", "active", "confirmed")],
        5: [("M48.061", "active", "entered-in-error")],
    }[i % 6]
    return [condition(f"{i}-{k}", pid, code, c, v) for k, (code, c, v) in enumerate(plan)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--patients", type=int, default=24)
    parser.add_argument("--broken", action="store_true")
    parser.add_argument("--gzip", action="store_true")
    parser.add_argument("--parts", type=int, default=1)
    parser.add_argument("--csv")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.csv:
        bundled = {"es-MX": "es", "vi": "vi", "zh-TW": "zh-Hant", "fr": "fr"}
        with open(args.csv, "w", encoding="utf-8", newline="") as f:
            rows = csv.writer(f)
            rows.writerow(["patient", "handout", "preset", "language"])
            for i in range(args.patients):
                if i % 6 in (0, 3, 4) and i not in (6, 12):
                    official = patient(i)["name"][1]
                    name = " ".join(official["given"] + [official["family"]])
                    language = bundled.get(LANGUAGES[i % len(LANGUAGES)], "")
                    rows.writerow([name, "l3-l4-foraminal-narrowing", "brief", language])

    def lines(kind):
        if kind == "Patient":
            for i in range(args.patients):
                yield json.dumps(patient(i), ensure_ascii=False)
        else:
            for i in range(args.patients):
                for c in conditions(i):
                    yield json.dumps(c, ensure_ascii=False)

    for kind in ["Patient", "Condition"]:
        all_lines = list(lines(kind))
        if args.broken and kind == "Condition":
            # Line 3: cut short; line 5: a Patient in the Condition file; line 7: a
            # Condition about a patient the export does not hold.
            all_lines.insert(2, '{"resourceType": "Condition", "code": {"coding": [')
            all_lines.insert(4, json.dumps(patient(99999)))
            all_lines.insert(6, json.dumps(condition("x", "nobody", "M48.061")))
        if args.broken and kind == "Patient":
            # Line 2: an Observation among the Patients; line 4: blank (passed over).
            all_lines.insert(1, json.dumps({"resourceType": "Observation", "id": "o1"}))
            all_lines.insert(3, "")
        size = -(-len(all_lines) // args.parts)
        for part in range(args.parts):
            chunk = all_lines[part * size:(part + 1) * size]
            name = f"{kind}.ndjson" if args.parts == 1 else f"{kind}.{part:03d}.ndjson"
            text = "".join(line + "\n" for line in chunk).encode()
            if args.gzip:
                with gzip.open(os.path.join(args.out, name + ".gz"), "wb") as f:
                    f.write(text)
            else:
                with open(os.path.join(args.out, name), "wb") as f:
                    f.write(text)


if __name__ == "__main__":
    main()
