#!/usr/bin/env python3
"""A TLS front for the Docker socket, as `dockerd --tlsverify` would serve it: the
client must show a certificate signed by our CA; the bytes then go both ways to the
daemon's unix socket, half-closes included (a hijacked exec needs them).

Why not socat's OPENSSL-LISTEN: with client verification on, OpenSSL refuses resumed
sessions unless the server sets a session id context, which socat does not, so every
client that resumes a session (rustls does) gets an internal-error alert. Python's
ssl module sets it. Why not asyncio: its TLS transport cannot half-close, and an exec
whose client closed stdin must still get its output.

usage: tls_forward.py HOST PORT CERT KEY CA UNIX_SOCKET
"""
import select
import socket
import ssl
import sys
import threading


def serve(raw, context, socket_path):
    """One connection, on one thread: OpenSSL objects must not be used from two
    threads at once, so both directions share a select loop."""
    try:
        tls = context.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError):
        raw.close()
        return
    try:
        daemon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        daemon.connect(socket_path)
    except OSError:
        tls.close()
        return
    client_open = True
    try:
        while True:
            watch = [daemon] + ([tls] if client_open else [])
            readable = [tls] if client_open and tls.pending() else select.select(watch, [], [])[0]
            if tls in readable:
                data = tls.recv(65536)
                if data:
                    daemon.sendall(data)
                else:
                    # The client is done sending (stdin closed): tell the daemon and
                    # keep its answer coming.
                    client_open = False
                    daemon.shutdown(socket.SHUT_WR)
            if daemon in readable:
                data = daemon.recv(65536)
                if not data:
                    break
                tls.sendall(data)
        # The daemon is done: end the TLS session properly.
        tls.settimeout(2)
        tls.unwrap()
    except (ssl.SSLError, OSError, ValueError):
        pass
    finally:
        for s in (tls, daemon):
            try:
                s.close()
            except OSError:
                pass


def main(host, port, cert, key, ca, socket_path):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.load_verify_locations(ca)
    context.verify_mode = ssl.CERT_REQUIRED
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, int(port)))
    listener.listen(64)
    while True:
        raw, _ = listener.accept()
        threading.Thread(target=serve, args=(raw, context, socket_path), daemon=True).start()


if __name__ == "__main__":
    main(*sys.argv[1:7])
