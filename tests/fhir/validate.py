"""Reads DocumentReferences as a FHIR server would, with an independent FHIR library
(fhir.resources, its R4B models), and checks each one's PDF against the files made.

    python validate.py RESOURCES PDF_DIR

RESOURCES is an NDJSON file (one DocumentReference a line) or one JSON resource. Each
attachment's data is decoded and must equal, byte for byte, a PDF in PDF_DIR; its size
and hash (base64 SHA-1) must be that PDF's. Prints one JSON object a resource: the file
it holds, its subject, language, title, date and creation. Exits 1 naming the first
resource that fails.
"""
import base64
import hashlib
import json
import os
import sys

from fhir.resources.R4B.documentreference import DocumentReference


def main():
    source, pdf_dir = sys.argv[1], sys.argv[2]
    pdfs = {}
    for name in sorted(os.listdir(pdf_dir)):
        if name.endswith(".pdf"):
            with open(os.path.join(pdf_dir, name), "rb") as f:
                data = f.read()
            pdfs[hashlib.sha1(data).digest()] = (name, data)
    with open(source, encoding="utf-8") as f:
        text = f.read()
    lines = [text] if source.endswith(".json") else text.splitlines()
    for number, line in enumerate(lines, 1):
        where = f"{source}:{number}"
        resource = DocumentReference.model_validate_json(line)
        raw = json.loads(line)
        if raw["status"] != "current":
            sys.exit(f"{where}: status {raw['status']!r}")
        attachment = resource.content[0].attachment
        data = base64.b64decode(raw["content"][0]["attachment"]["data"], validate=True)
        digest = hashlib.sha1(data).digest()
        if base64.b64encode(digest).decode() != raw["content"][0]["attachment"]["hash"]:
            sys.exit(f"{where}: the hash is not the data's SHA-1")
        if attachment.size != len(data):
            sys.exit(f"{where}: size {attachment.size}, data {len(data)} bytes")
        if attachment.contentType != "application/pdf" or not data.startswith(b"%PDF-"):
            sys.exit(f"{where}: not a PDF")
        if digest not in pdfs or pdfs[digest][1] != data:
            sys.exit(f"{where}: its PDF is none of the files in {pdf_dir}")
        coding = resource.type.coding[0]
        print(json.dumps({
            "file": pdfs[digest][0],
            "subject": resource.subject.reference if resource.subject else None,
            "language": attachment.language,
            "title": attachment.title,
            "description": resource.description,
            "type": f"{coding.system}|{coding.code}",
            "date": raw["date"],
            "creation": raw["content"][0]["attachment"]["creation"],
            "id": resource.id,
        }, ensure_ascii=False))


if __name__ == "__main__":
    main()
