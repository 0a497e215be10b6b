"""A real SMTP server for herald's delivery tests: aiosmtpd on a loopback port with
STARTTLS required and AUTH required (only over TLS), a CA and server certificate made at
start (trustme), and scripted failures.

usage: smtp_server.py DIR USER PASSWORD [BEHAVIOUR]

BEHAVIOUR: ok (default) | 451xN (answer 451 to the first N DATA commands) |
drop-data (close the connection after the first message's final dot, without an answer) |
550 (reject every message) | slow-250:N (keep the first message, then wait N seconds
before answering its final dot) | slow-250-on:TEXT:N (the same for every message holding
TEXT) | trickle-dot:N (keep the first message, then answer its final dot with a `250-`
line every N seconds, never ending) | trickle-greeting:N (greet with a `220-` line every N
seconds, never ending) | random-slow:MS (wait a random 0 to MS milliseconds before answering
each command's DATA and each QUIT) | slow-quit:N (wait N seconds before answering QUIT).

Writes DIR/ca.pem, binds a loopback port the system picks (port 0) and keeps it, then
prints `READY <port>` and serves until killed. Each accepted
message is written to DIR/received/N.eml; every event is appended to DIR/log.jsonl as
{"event": ..., "tls": bool, "auth": bool}.
"""

import asyncio
import json
import os
import random
import socket
import ssl
import sys
import logging

import trustme
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

# aiosmtpd 1.4 logs a warning about its own deprecated login_data on every AUTH.
logging.getLogger("mail.log").setLevel(logging.ERROR)

DIR, USER, PASSWORD = sys.argv[1], sys.argv[2], sys.argv[3]
BEHAVIOUR = sys.argv[4] if len(sys.argv) > 4 else "ok"
os.makedirs(os.path.join(DIR, "received"), exist_ok=True)


def log(event, session, **extra):
    record = {
        "event": event,
        "tls": session.ssl is not None,
        "auth": bool(session.authenticated),
        **extra,
    }
    with open(os.path.join(DIR, "log.jsonl"), "a") as f:
        f.write(json.dumps(record) + "\n")


class Authenticator:
    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == USER
            and auth_data.password.decode() == PASSWORD
        )
        log("auth", session, ok=ok)
        return AuthResult(success=ok, handled=False)


class Handler:
    def __init__(self):
        self.data_commands = 0
        self.accepted = 0

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        n = self.data_commands
        if BEHAVIOUR.startswith("451x") and n <= int(BEHAVIOUR[4:]):
            log("data", session, reply=451)
            return "451 4.3.0 Try again later"
        if BEHAVIOUR == "550":
            log("data", session, reply=550)
            return "550 5.7.1 Message rejected"
        if BEHAVIOUR == "drop-data" and n == 1:
            self.keep(envelope)
            log("data", session, reply="dropped")
            server.transport.close()
            return "421 closing"
        if BEHAVIOUR.startswith("random-slow:"):
            await asyncio.sleep(random.uniform(0, float(BEHAVIOUR.split(":")[1])) / 1000)
        if BEHAVIOUR.startswith("slow-250-on:"):
            _, text, seconds = BEHAVIOUR.split(":")
            if text.encode() in envelope.original_content:
                self.keep(envelope)
                log("data", session, reply="slow")
                await asyncio.sleep(float(seconds))
                return "250 2.0.0 OK (late)"
        if BEHAVIOUR.startswith("trickle-dot:") and n == 1:
            self.keep(envelope)
            log("data", session, reply="trickle")
            while True:
                await server.push("250-still working on it")
                await asyncio.sleep(float(BEHAVIOUR.split(":")[1]))
        if BEHAVIOUR.startswith("slow-250:") and n == 1:
            self.keep(envelope)
            log("data", session, reply="slow")
            await asyncio.sleep(float(BEHAVIOUR.split(":")[1]))
            return "250 2.0.0 OK (late)"
        self.keep(envelope)
        log("data", session, reply=250, rcpt=envelope.rcpt_tos)
        return "250 2.0.0 OK"

    def keep(self, envelope):
        self.accepted += 1
        with open(os.path.join(DIR, "received", f"{self.accepted}.eml"), "wb") as f:
            f.write(envelope.original_content)

    async def handle_QUIT(self, server, session, envelope):
        if BEHAVIOUR.startswith("random-slow:"):
            await asyncio.sleep(random.uniform(0, float(BEHAVIOUR.split(":")[1])) / 1000)
        if BEHAVIOUR.startswith("slow-quit:"):
            log("quit", session, reply="slow")
            await asyncio.sleep(float(BEHAVIOUR.split(":")[1]))
        return "221 Bye"


async def trickle(reader, writer):
    """Greets with `220-` continuation lines, one every N seconds, and never finishes."""
    while True:
        writer.write(b"220-still starting up\r\n")
        await writer.drain()
        await asyncio.sleep(float(BEHAVIOUR.split(":")[1]))


async def serve(sock, context):
    handler = Handler()
    loop = asyncio.get_running_loop()
    if BEHAVIOUR.startswith("trickle-greeting:"):
        server = await asyncio.start_server(trickle, sock=sock)
        print(f"READY {sock.getsockname()[1]}", flush=True)
        await server.serve_forever()
    server = await loop.create_server(
        lambda: SMTP(
            handler,
            hostname="127.0.0.1",
            tls_context=context,
            require_starttls=True,
            auth_required=True,
            auth_require_tls=True,
            authenticator=Authenticator(),
        ),
        sock=sock,
    )
    print(f"READY {sock.getsockname()[1]}", flush=True)
    await server.serve_forever()


def main():
    ca = trustme.CA()
    ca.cert_pem.write_to_path(os.path.join(DIR, "ca.pem"))
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    # The port is bound here and never let go, so no other process can take it in between.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    asyncio.run(serve(sock, context))


if __name__ == "__main__":
    main()
