#!/usr/bin/env python3
"""Decodes token grids (.npy) into PNG images through a Tessera server.

    python3 decode_tokens.py samples.npy --out-dir decoded/ [--server HOST:PORT] [--model NAME]

The .npy holds integer token ids [N, h, w] (any integer dtype, e.g. what tokenize_folder.py wrote
or what a generative model sampled) or one grid [h, w]. Writes decoded/000000.png, 000001.png, ...:
8-bit grayscale or RGB, as the model's channels; files of those names are replaced.
"""

from pathlib import Path

import numpy as np

from tessera_client import cli, png_bytes


def main():
    p = cli.parser(__doc__)
    p.add_argument("tokens", type=Path, help="token ids, .npy, [N, h, w] or [h, w]")
    p.add_argument("--out-dir", type=Path, required=True, help="where the PNG files go")
    args = p.parse_args()
    tokens = np.load(args.tokens, mmap_mode="r")
    if tokens.ndim == 2:
        tokens = tokens[np.newaxis]
    if tokens.ndim != 3 or len(tokens) == 0 or not np.issubdtype(tokens.dtype, np.integer):
        raise ValueError(f"{args.tokens}: expected integer token ids [N, h, w], got "
                         f"{tokens.dtype} {list(tokens.shape)}")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with cli.connect(args) as client:
        for start, stop in cli.batches(len(tokens), args.batch_size):
            images = client.decode(tokens[start:stop], args.model, args.version)
            for i, image in enumerate(images, start):
                (args.out_dir / f"{i:06d}.png").write_bytes(png_bytes(image))
    print(f"{args.out_dir}: {len(tokens)} images, {'x'.join(map(str, images.shape[1:]))} "
          "(channels x height x width)")


if __name__ == "__main__":
    cli.run(main)
