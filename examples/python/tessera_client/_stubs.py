"""The gRPC stubs of tessera.v1.TokenizerService, generated from the repository's .proto files.

Nothing generated is committed: on first import grpc_tools.protoc compiles the .proto files into a
build directory named after a hash of their contents (and of the compiler), so an edited .proto
gets fresh stubs and two processes starting at once never see a half-written directory.
"""

import functools
import hashlib
import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

PROTO_FILES = ("tessera/v1/tokenizer.proto", "tessera/v1/manifest.proto")

_HERE = Path(__file__).resolve().parent


class StubsError(RuntimeError):
    """The stubs could not be generated; the message says what to do."""


def proto_dir():
    """$TESSERA_PROTO_DIR, or proto/src/main/proto of the checkout this package lives in."""
    configured = os.environ.get("TESSERA_PROTO_DIR")
    return Path(configured) if configured else _HERE.parents[2] / "proto" / "src" / "main" / "proto"


def stubs_root():
    """$TESSERA_STUBS_DIR, or build/stubs next to this package."""
    configured = os.environ.get("TESSERA_STUBS_DIR")
    return Path(configured) if configured else _HERE.parent / "build" / "stubs"


def _protoc():
    try:
        from grpc_tools import protoc
    except ImportError as e:
        raise StubsError(
            f"grpc_tools is not installed for {sys.executable} ({e}); install grpcio-tools "
            "(Debian: apt-get install python3-grpc-tools)") from e
    return protoc


def _digest(source, protoc):
    h = hashlib.sha256(getattr(protoc, "__file__", "").encode())
    for name in PROTO_FILES:
        h.update(name.encode() + b"\0" + (source / name).read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _generate(source, target, protoc):
    """Compiles PROTO_FILES into a fresh directory, then renames it to target in one step."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        includes = Path(protoc.__file__).parent / "_proto"  # google/protobuf/*.proto
        status = protoc.main([
            "grpc_tools.protoc", f"-I{source}", f"-I{includes}",
            f"--python_out={scratch}", f"--grpc_python_out={scratch}",
            *(str(source / name) for name in PROTO_FILES)])
        if status != 0:
            raise StubsError(f"grpc_tools.protoc failed on {source} (exit {status}); see above")
        try:
            os.replace(scratch, target)
        except OSError:
            if not target.is_dir():  # not merely another process having been first
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@functools.lru_cache(maxsize=None)
def load():
    """(tokenizer_pb2, tokenizer_pb2_grpc), generating them first when needed."""
    source = proto_dir()
    missing = [name for name in PROTO_FILES if not (source / name).is_file()]
    if missing:
        raise StubsError(
            f"no {missing[0]} under {source}; set TESSERA_PROTO_DIR to the proto/src/main/proto "
            "directory of a Tessera checkout")
    protoc = _protoc()
    target = stubs_root() / _digest(source, protoc)
    if not (target / "tessera" / "v1" / "tokenizer_pb2_grpc.py").is_file():
        _generate(source, target, protoc)
    if str(target) not in sys.path:
        sys.path.insert(0, str(target))
    return (importlib.import_module("tessera.v1.tokenizer_pb2"),
            importlib.import_module("tessera.v1.tokenizer_pb2_grpc"))
