"""What the example programs share: the server options and one-line errors."""

import argparse
import os
import sys

from ._stubs import StubsError
from .client import TesseraError, TokenizerClient


def parser(doc):
    """An argument parser with the options every program has: server, model, TLS, token.

    doc, the program's docstring, is its --help text above the options.
    """
    p = argparse.ArgumentParser(description=doc,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--server", default=os.environ.get("TESSERA_SERVER", "localhost:50051"),
                   help="HOST:PORT of tessera serve (default: $TESSERA_SERVER or %(default)s)")
    p.add_argument("--model", help="model name (default: the server's only model)")
    p.add_argument("--version", help="model version (default: the highest)")
    p.add_argument("--batch-size", type=_positive, default=64,
                   help="images or grids per call; at most the server's --max-batch "
                        "(default %(default)s)")
    p.add_argument("--deadline", type=float, default=60.0,
                   help="seconds allowed for each call (default %(default)s)")
    p.add_argument("--auth-token-file", help="send 'authorization: Bearer <token>', the token "
                                             "being the file's content")
    p.add_argument("--tls", action="store_true", help="TLS, trusting the system's CAs")
    p.add_argument("--tls-ca", help="TLS, trusting the CA certificates (PEM) in this file")
    p.add_argument("--tls-cert", help="client certificate chain (PEM) for mutual TLS")
    p.add_argument("--tls-key", help="the client certificate's private key (PEM)")
    return p


def connect(args):
    """The TokenizerClient the parsed options describe."""
    token = None
    if args.auth_token_file:
        with open(args.auth_token_file, encoding="utf-8") as f:
            token = f.read().strip()
    return TokenizerClient(args.server, deadline=args.deadline, token=token, tls=args.tls,
                           ca_file=args.tls_ca, cert_file=args.tls_cert, key_file=args.tls_key)


def batches(count, size):
    """(start, stop) of consecutive batches of at most `size` items out of `count`."""
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def run(main):
    """Runs main(); a failure the user can act on becomes one line on stderr and exit status 1."""
    try:
        main()
    except (TesseraError, StubsError, OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text}")
    return value
