"""Verifies a message's DKIM signature with dkimpy, the public key served by a stubbed DNS.

Usage: dkim_check.py MESSAGE PUBLIC_KEY_DER_FILE ALGORITHM(rsa|ed25519)
       dkim_check.py --keygen rsa|ed25519 DIR  (writes DIR/private.pem and DIR/public.der)
Prints one JSON line: {"verified": bool, "d": ..., "s": ..., "a": ..., "c": ..., "h": [...]}.
"""
import base64
import json
import sys

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa


def keygen(kind, out):
    if kind == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # PKCS #8, what `openssl genpkey` writes today.
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        public = key.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    else:
        key = ed25519.Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        # RFC 8463: the p= of an Ed25519 record is the raw 32-byte public key.
        public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                               serialization.PublicFormat.Raw)
    with open(f"{out}/private.pem", "wb") as f:
        f.write(pem)
    with open(f"{out}/public.der", "wb") as f:
        f.write(public)


def main():
    if sys.argv[1] == "--keygen":
        keygen(sys.argv[2], sys.argv[3])
        return
    message = open(sys.argv[1], "rb").read()
    public = base64.b64encode(open(sys.argv[2], "rb").read()).decode()
    record = f"v=DKIM1; k={sys.argv[3]}; p={public}".encode()
    asked = []

    def dnsfunc(name, timeout=5):
        asked.append(name.decode() if isinstance(name, bytes) else name)
        return record

    verifier = dkim.DKIM(message)
    try:
        verified = bool(verifier.verify(dnsfunc=dnsfunc))
    except dkim.DKIMException as e:
        verified = False
        print(f"dkim error: {e}", file=sys.stderr)
    sig = dkim.util.parse_tag_value(
        [v for (k, v) in verifier.headers if k.lower() == b"dkim-signature"][0]
        .replace(b"\r\n", b"").replace(b"\n", b""))
    print(json.dumps({
        "verified": verified,
        "asked": asked,
        "d": sig[b"d"].decode(),
        "s": sig[b"s"].decode(),
        "a": sig[b"a"].decode(),
        "c": sig[b"c"].decode(),
        "h": [h.strip().decode() for h in sig[b"h"].split(b":")],
    }))


if __name__ == "__main__":
    main()
