#!/usr/bin/env python3
"""The README's five-line call as a program: python3 quickstart.py IMAGES.npy [MODEL]

Encodes uint8 images [N, C, H, W] on the server at $TESSERA_SERVER (default localhost:50051),
decodes the tokens again and saves both as quickstart-tokens.npy and quickstart-decoded.npy.
"""
import os
import sys

import numpy as np
from tessera_client import TokenizerClient

images = np.load(sys.argv[1])                          # uint8 [N, C, H, W]
model = sys.argv[2] if len(sys.argv) > 2 else None     # None: the server's only model

with TokenizerClient(os.environ.get("TESSERA_SERVER", "localhost:50051")) as client:
    tokens = client.encode(images, model=model)        # int32 [N, h, w]
    decoded = client.decode(tokens, model=model)       # uint8 [N, C, H, W]

np.save("quickstart-tokens.npy", tokens)
np.save("quickstart-decoded.npy", decoded)
print(f"{len(images)} images -> tokens {list(tokens.shape)} -> pixels {list(decoded.shape)}")
