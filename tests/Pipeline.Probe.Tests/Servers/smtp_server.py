"""A real SMTP server for the probe and notifier tests, built on Debian's python3-aiosmtpd.

Run with /usr/bin/python3 (Debian's interpreter sees the python3-aiosmtpd package). Prints "READY <port>" on
standard output once it listens. Modes:
  plain (default)                      no STARTTLS offered
  --tls-cert C --tls-key K             STARTTLS with that certificate
  --anon-only                          STARTTLS offered, but only anonymous (aNULL) TLS 1.2 ciphers, no certificate
  --implicit-tls (with cert and key)   TLS from the first byte (SMTPS)
  --auth-user U --auth-password-file F AUTH PLAIN/LOGIN required for MAIL
  --maildir DIR                        each received message becomes DIR/msg-N.json (envelope and content)
"""
import argparse, asyncio, json, os, signal, ssl, sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, maildir):
        self.maildir = maildir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.maildir:
            self.count += 1
            doc = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "data": envelope.content.decode("utf-8", "replace"),
                "auth_login": session.auth_data.login.decode() if isinstance(getattr(session, "auth_data", None), LoginPassword) else None,
                "tls": server.transport.get_extra_info("ssl_object") is not None,
            }
            path = os.path.join(self.maildir, "msg-%06d-%d.json" % (self.count, os.getpid()))
            with open(path + ".tmp", "w") as f:
                json.dump(doc, f)
            os.rename(path + ".tmp", path)  # readers never see half a message
        return "250 OK queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--anon-only", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--auth-user")
    p.add_argument("--auth-password-file")
    p.add_argument("--maildir")
    a = p.parse_args()

    tls = None
    if a.anon_only:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.maximum_version = ssl.TLSVersion.TLSv1_2  # TLS 1.3 has no anonymous suites
        tls.set_ciphers("aNULL:@SECLEVEL=0")
    elif a.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(a.tls_cert, a.tls_key)

    kwargs = {}
    if a.auth_user:
        with open(a.auth_password_file) as f:
            password = f.read().strip()

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == a.auth_user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False, auth_data=auth_data)  # handled=False: aiosmtpd answers 535 itself

        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=tls is not None and not a.implicit_tls)

    handler = Sink(a.maildir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        return SMTP(handler, hostname="probe-test.local", ident="aiosmtpd test",
                    tls_context=None if a.implicit_tls else tls, **kwargs)

    server = loop.run_until_complete(loop.create_server(factory, a.host, a.port, ssl=tls if a.implicit_tls else None))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    parent = os.getppid()

    def watch_parent():
        # A test host that crashed cannot kill its servers: they end with it.
        if os.getppid() != parent:
            loop.stop()
        else:
            loop.call_later(0.5, watch_parent)

    loop.call_later(0.5, watch_parent)
    print("READY %d" % a.port, flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
