#!/usr/bin/env python3
"""Verifies an RS256 JWT against a JWKS document with the standard library only, then prints its claims.

usage: jwt_verify.py JWKS_FILE TOKEN   -> exit 0 and the payload JSON on stdout when the signature is valid
"""
import base64
import hashlib
import json
import sys


def b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def main() -> int:
    jwks = json.load(open(sys.argv[1]))
    token = sys.argv[2].strip()
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(b64url(header_b64))
    if header.get("alg") != "RS256":
        print(f"unexpected alg {header.get('alg')}", file=sys.stderr)
        return 1
    keys = [k for k in jwks["keys"] if k.get("kid") == header.get("kid")]
    if not keys:
        print(f"no key with kid {header.get('kid')} in the JWKS", file=sys.stderr)
        return 1
    n = int.from_bytes(b64url(keys[0]["n"]), "big")
    e = int.from_bytes(b64url(keys[0]["e"]), "big")
    signature = int.from_bytes(b64url(signature_b64), "big")
    size = (n.bit_length() + 7) // 8
    decoded = pow(signature, e, n).to_bytes(size, "big")
    # PKCS#1 v1.5: 00 01 FF.. 00 || DigestInfo(SHA-256) || hash
    digest_info = bytes.fromhex("3031300d060960864801650304020105000420")
    expected_hash = hashlib.sha256(f"{header_b64}.{payload_b64}".encode()).digest()
    padding = size - 3 - len(digest_info) - len(expected_hash)
    expected = b"\x00\x01" + b"\xff" * padding + b"\x00" + digest_info + expected_hash
    if decoded != expected:
        print("signature does not verify against the JWKS", file=sys.stderr)
        return 1
    print(json.dumps(json.loads(b64url(payload_b64))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
