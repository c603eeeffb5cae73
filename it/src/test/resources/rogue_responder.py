#!/usr/bin/python3
"""A rogue Loomchat server for LanTrustIT: announces _loomchat._tcp with python-zeroconf (an mDNS library
Loomchat does not use) and listens on TCP, writing every byte it receives to a file so that the test can
tell what reached it (a password, a hello, nothing at all).

  rogue_responder.py --address IP --port PORT --name NAME --txt tls=0,password=1 --record FILE
                     [--no-probe] [--tls CERT.pem KEY.pem | --silent]

--no-probe   announce at once, without probing first (RFC 6762 section 8), taking a name already in use
--tls        speak TLS with this certificate; the record holds what came through TLS
--silent     accept connections and read, but never answer (a TLS handshake that never ends)

The record file gets the bytes; FILE.events gets one line per connection accepted and per TLS outcome.
Prints "announced NAME" once the service is registered, then serves until it is terminated.
"""

import argparse
import signal
import socket
import ssl
import sys
import threading

from zeroconf import IPVersion, ServiceInfo, Zeroconf

TYPE = "_loomchat._tcp.local."
lock = threading.Lock()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--address", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--txt", default="proto=1,tls=0,password=1")
    p.add_argument("--record", required=True)
    p.add_argument("--no-probe", action="store_true")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--silent", action="store_true")
    args = p.parse_args()

    open(args.record, "wb").close()
    open(args.record + ".events", "w").close()
    context = None
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.address, args.port))
    listener.listen(16)
    threading.Thread(target=accept_loop, args=(listener, context, args), daemon=True).start()

    txt = dict(kv.split("=", 1) for kv in args.txt.split(",") if kv)
    zc = Zeroconf(interfaces=[args.address], ip_version=IPVersion.V4Only)
    info = ServiceInfo(TYPE, args.name + "." + TYPE, addresses=[socket.inet_aton(args.address)], port=args.port,
                       properties=txt, server="rogue-" + args.address.replace(".", "-") + ".local.")
    # cooperating_responders skips the check for a name in use and the probing: the name is simply taken.
    zc.register_service(info, allow_name_change=False, cooperating_responders=args.no_probe)
    print("announced " + args.name, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    zc.close()


def accept_loop(listener, context, args):
    while True:
        connection, peer = listener.accept()
        event(args, "accepted " + peer[0])
        threading.Thread(target=serve, args=(connection, context, args), daemon=True).start()


def serve(connection, context, args):
    try:
        if context is not None and not args.silent:
            try:
                connection = context.wrap_socket(connection, server_side=True)
                event(args, "tls handshake done")
            except (ssl.SSLError, OSError) as e:
                event(args, "tls handshake failed: " + str(e))
                return
        while True:
            data = connection.recv(65536)
            if not data:
                event(args, "closed by the client")
                return
            with lock:
                with open(args.record, "ab") as f:
                    f.write(data)
    except OSError as e:
        event(args, "connection error: " + str(e))
    finally:
        connection.close()


def event(args, text):
    with lock:
        with open(args.record + ".events", "a") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
