"""Python client of a Tessera tokenizer server (tessera.v1.TokenizerService over gRPC).

    from tessera_client import TokenizerClient
    with TokenizerClient("localhost:50051") as client:
        tokens = client.encode(images)    # uint8 [N, C, H, W] -> int32 [N, h, w]
        decoded = client.decode(tokens)   # -> uint8 [N, C, H, W]

The gRPC stubs are generated from the repository's .proto files on first import (see _stubs).
"""

from .client import TesseraError, TokenizerClient
from .png import png_bytes

__all__ = ["TesseraError", "TokenizerClient", "png_bytes"]
