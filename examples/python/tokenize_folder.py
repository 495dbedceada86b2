#!/usr/bin/env python3
"""Tokenizes a folder of PNG (or JPEG) images through a Tessera server into a .npy of token ids.

    python3 tokenize_folder.py IMAGES/ --out tokens.npy [--server HOST:PORT] [--model NAME]

IMAGES/ holds the images themselves, or one sub-folder per class (IMAGES/cat/1.png, IMAGES/dog/...,
as torchvision's ImageFolder). Writes
  tokens.npy          int64 [N, h, w], the token ids of each image, in file name order
  tokens.files.txt    the image behind each row, relative to IMAGES/
and, with class folders,
  tokens.labels.npy   int64 [N], the class index of each image
  tokens.classes.txt  the class names, line i naming class i (sorted folder names)
The server decodes the files: each must have the model's width and height (nothing is resized).
"""

import re
from pathlib import Path

import numpy as np

from tessera_client import TesseraError, cli

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}


def find_images(root):
    """(files, labels, classes): labels and classes are None when root has no class folders."""
    if not root.is_dir():
        raise ValueError(f"{root}: not a folder")
    direct = sorted(p for p in root.iterdir() if _is_image(p))
    classes = sorted(p.name for p in root.iterdir()
                     if p.is_dir() and any(_is_image(f) for f in p.rglob("*")))
    if classes and direct:
        raise ValueError(f"{root}: has both images ({direct[0].name}, ...) and class folders "
                         f"({classes[0]}, ...); move the images into a class folder")
    if not classes:
        if not direct:
            raise ValueError(f"{root}: no .png, .jpg or .jpeg files")
        return direct, None, None
    files, labels = [], []
    for index, name in enumerate(classes):
        members = sorted(p for p in (root / name).rglob("*") if _is_image(p))
        files += members
        labels += [index] * len(members)
    return files, np.array(labels, dtype=np.int64), classes


def _is_image(path):
    return path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES


def tokenize(client, files, args):
    """int64 [N, h, w] token ids of files, sent args.batch_size at a time."""
    grids = []
    for start, stop in cli.batches(len(files), args.batch_size):
        contents = [f.read_bytes() for f in files[start:stop]]
        try:
            grids.append(client.encode_files(contents, args.model, args.version))
        except TesseraError as e:
            raise _naming_file(e, files[start:stop]) from None
    return np.concatenate(grids).astype(np.int64)


def _naming_file(error, batch):
    """The server names a refused image encoded.images[i]; say which file that was."""
    m = re.match(r"encoded\.images\[(\d+)\]:?\s*(.*)", error.details, re.S)
    if m and int(m.group(1)) < len(batch):
        return ValueError(f"{batch[int(m.group(1))]}: {m.group(2)}")
    return error


def main():
    p = cli.parser(__doc__)
    p.add_argument("images", type=Path, help="folder of images, or of one folder per class")
    p.add_argument("--out", type=Path, required=True, help="token file to write (.npy)")
    args = p.parse_args()
    if args.out.suffix != ".npy":
        p.error(f"--out: expected a .npy file name, got {args.out}")
    files, labels, classes = find_images(args.images)
    with cli.connect(args) as client:
        tokens = tokenize(client, files, args)
    stem = args.out.with_suffix("")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(args.out, tokens)
    _write_lines(Path(f"{stem}.files.txt"), [f.relative_to(args.images).as_posix() for f in files])
    print(f"{args.out}: {len(tokens)} token grids of {tokens.shape[1]}x{tokens.shape[2]} (int64)")
    if classes is not None:
        np.save(f"{stem}.labels.npy", labels)
        _write_lines(Path(f"{stem}.classes.txt"), classes)
        print(f"{stem}.labels.npy: {len(classes)} classes ({', '.join(classes[:5])}"
              f"{', ...' if len(classes) > 5 else ''})")


def _write_lines(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


if __name__ == "__main__":
    cli.run(main)
