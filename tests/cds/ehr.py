"""An EHR as tests/serve_cds.rs needs one: its signing keys, the tokens it signs with
PyJWT and cryptography (as real CDS clients do), and a FHIR server it points the CDS
service to.

    ehr.py keys DIR           key pairs and the JWKS files of two trusted EHRs
    ehr.py tokens DIR         reads a JSON list of token specs on stdin, prints the tokens
    ehr.py fhir ANSWERS LOG   serves ANSWERS ({"path?query": resource}) on 127.0.0.1, prints
                              its port, and writes each request's path and Authorization
                              header to LOG
    ehr.py fhirs ANSWERS LOG  the same over TLS, with a self-signed certificate
"""

import base64
import hashlib
import hmac
import http.server
import json
import os
import sys
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def save(private, path):
    with open(path, "wb") as f:
        f.write(
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def public_jwk(private, kid, alg=None):
    if isinstance(private, rsa.RSAPrivateKey):
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    else:
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    jwk["kid"] = kid
    if alg:
        jwk["alg"] = alg
    return jwk


def keys(directory):
    es = ec.generate_private_key(ec.SECP384R1())
    rs = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stranger = ec.generate_private_key(ec.SECP384R1())
    other = ec.generate_private_key(ec.SECP384R1())
    for name, key in [("es", es), ("rs", rs), ("stranger", stranger), ("other", other)]:
        save(key, os.path.join(directory, f"{name}.pem"))
    with open(os.path.join(directory, "ehr-jwks.json"), "w") as f:
        json.dump({"keys": [public_jwk(es, "ehr-es", "ES384"), public_jwk(rs, "ehr-rs")]}, f)
    with open(os.path.join(directory, "other-jwks.json"), "w") as f:
        json.dump({"keys": [public_jwk(other, "other-es", "ES384")]}, f)


def load(directory, name):
    with open(os.path.join(directory, f"{name}.pem"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hmac_token(claims, secret, alg, headers):
    header = {"alg": alg, "typ": "JWT", **headers}
    signed = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    return signed + "." + b64(hmac.new(secret, signed.encode(), digest).digest())


def tokens(directory):
    now = int(time.time())
    out = []
    for spec in json.load(sys.stdin):
        claims = dict(spec.get("claims", {}))
        for claim in ("exp", "nbf", "iat"):
            if f"{claim}_in" in spec:
                claims[claim] = now + spec[f"{claim}_in"]
        headers = dict(spec.get("headers", {}))
        alg = spec.get("alg", "ES384")
        if alg == "none":
            token = jwt.encode(claims, None, algorithm="none", headers=headers)
        elif alg.startswith("HS"):
            # Algorithm confusion: the EHR's public key set used as an HMAC secret, signed
            # by hand since PyJWT rightly refuses to.
            with open(os.path.join(directory, "ehr-jwks.json"), "rb") as f:
                secret = f.read()
            token = hmac_token(claims, secret, alg, headers)
        else:
            token = jwt.encode(claims, load(directory, spec["key"]), algorithm=alg, headers=headers)
        out.append(token)
    json.dump(out, sys.stdout)


def fhir(answers_file, log_file, tls=False):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            with open(log_file, "a") as log:
                log.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization")}) + "\n")
            if self.headers.get("Authorization") != "Bearer fhir-access-token":
                self.send_response(401)
                self.end_headers()
                return
            # Read at each request: the test writes them once it knows the port.
            with open(answers_file) as f:
                answer = json.load(f).get(self.path)
            if answer is None:
                self.send_response(404)
                self.end_headers()
                return
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls:
        server.socket = self_signed(os.path.dirname(log_file)).wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def self_signed(directory):
    """A TLS context with a certificate for 127.0.0.1 that no public CA signed."""
    import datetime
    import ipaddress
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file = os.path.join(directory, "fhir-cert.pem")
    key_file = os.path.join(directory, "fhir-key.pem")
    with open(cert_file, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    save(key, key_file)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "keys":
        keys(sys.argv[2])
    elif command == "tokens":
        tokens(sys.argv[2])
    elif command in ("fhir", "fhirs"):
        fhir(sys.argv[2], sys.argv[3], tls=command == "fhirs")
    else:
        sys.exit(f"unknown command {command}")
