#!/usr/bin/env python3
"""Tessera's GM-VQ tokenizer training step in plain PyTorch eager: the speed reference.

A benchmark, not product code. It mirrors, layer for layer and operation for operation, what
tokenizer-train trains: the encoder and decoder of dev.tessera.train.model.Architecture (the
convolutions, ReLUs, residual blocks and nearest upsampling by repetition), the GM-VQ step of
dev.tessera.train.quantize.GmVqQuantizer (squared distances, log q, straight-through Gumbel-softmax
sample, adaptive-variance noise, expected distance and KL(q_bar || uniform) terms), the
reconstruction loss, and Adam. It is written the way a PyTorch user would write it: batches from
pinned host memory copied asynchronously, torch.optim.Adam, no host read inside a timed window.

Driven by dev.tessera.train.bench.TrainSpeedBenchmark over stdin/stdout, one JSON object per line:
  stdin  {"batch": 64, "warmup": 10, "steps": 40}
  stdout {"batch": 64, "steps": 40, "seconds": 0.21, "loss": 0.031}
At start it prints {"ready": true, ...} with its parameter counts, which the benchmark compares
with Tessera's to check that both build the same network.
"""

import argparse
import json
import math
import sys
import time

import torch
import torch.nn.functional as F

LOG_EPS = 1e-12


def conv_params(out_ch, in_ch, k, scale, gen, device):
    fan_in = in_ch * k * k
    bound = scale * math.sqrt(3.0 / fan_in)
    w = (torch.rand(out_ch, in_ch, k, k, generator=gen) * 2 - 1) * bound
    return [w.to(device).requires_grad_(), torch.zeros(out_ch, device=device, requires_grad=True)]


class Network:
    """Encoder and decoder as Architecture.encoderLayers() / decoderLayers() build them."""

    def __init__(self, a, gen, device):
        stages = int(math.log2(a.downsample))
        self.params = []

        def conv(in_ch, out_ch, k, stride, scale=1.0):
            w, b = conv_params(out_ch, in_ch, k, scale, gen, device)
            self.params += [w, b]
            return ("conv", w, b, stride, k // 2)

        def residual_blocks():
            return [("res", conv(a.width, a.width, 3, 1), conv(a.width, a.width, 3, 1, 0.1))
                    for _ in range(a.residual_blocks)]

        enc = [conv(a.channels, a.width, 3, 1)]
        for _ in range(stages):
            enc += [("relu",), conv(a.width, a.width, 3, 2)]
            for _ in range(a.depth - 1):
                enc += [("relu",), conv(a.width, a.width, 3, 1)]
        enc += residual_blocks()
        enc += [("relu",), conv(a.width, a.code_dim, 1, 1)]
        self.encoder_count = sum(p.numel() for p in self.params)

        dec = [conv(a.code_dim, a.width, 3, 1)]
        dec += residual_blocks()
        for _ in range(stages):
            dec += [("relu",), ("up",), conv(a.width, a.width, 3, 1)]
            for _ in range(a.depth - 1):
                dec += [("relu",), conv(a.width, a.width, 3, 1)]
        dec += [("relu",), conv(a.width, a.channels, 3, 1)]
        self.decoder_count = sum(p.numel() for p in self.params) - self.encoder_count
        self.encoder, self.decoder = enc, dec

    @staticmethod
    def run(layers, x):
        for layer in layers:
            kind = layer[0]
            if kind == "conv":
                _, w, b, stride, pad = layer
                x = F.conv2d(x, w, b, stride=stride, padding=pad)
            elif kind == "relu":
                x = F.relu(x)
            elif kind == "up":
                x = x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)
            else:
                _, (_, w1, b1, _, p1), (_, w2, b2, _, p2) = layer
                inner = F.conv2d(F.relu(x), w1, b1, padding=p1)
                x = x + F.conv2d(F.relu(inner), w2, b2, padding=p2)
        return x


def squared_distances(rows, mu):
    row_norms = rows.square().sum(1, keepdim=True)
    code_norms = mu.square().sum(1).unsqueeze(0)
    cross = (rows @ mu.t()) * 2
    return (row_norms - cross + code_norms).clamp_min(0)


def gmvq_step(a, z_hat, mu, posterior_variance, tau):
    n, l, h, w = z_hat.shape
    rows = z_hat.permute(0, 2, 3, 1).reshape(-1, l)
    d = squared_distances(rows, mu)
    log_q = (d * (-1.0 / (2.0 * posterior_variance))).log_softmax(1)
    q = log_q.exp()
    u = torch.rand_like(log_q) * (1 - 2e-6) + 1e-6
    gumbel = -(-u.log()).log()
    soft = ((log_q + gumbel) / tau).softmax(1)
    hard = F.one_hot(soft.argmax(1), a.codebook_size).to(soft.dtype)
    sample = hard + (soft - soft.detach())
    mean = sample @ mu
    variance = (sample * d).sum(1, keepdim=True) * (1.0 / (2.0 * a.noise_variance * l))
    z = mean + (variance + LOG_EPS).sqrt() * torch.randn_like(mean)
    distance = (q * d).sum(1).mean() / l
    q_bar = q.mean(0)
    kl = (q_bar * (q_bar + LOG_EPS).log()).sum() + math.log(a.codebook_size)
    loss = distance * a.gamma + kl * a.beta
    tokens = d.argmin(1)
    return z.reshape(n, h, w, l).permute(0, 3, 1, 2), loss, tokens


class Trainer:
    def __init__(self, a, images, device):
        self.a, self.device = a, device
        gen = torch.Generator().manual_seed(a.seed)
        self.net = Network(a, gen, device)
        self.images = images
        self.gen = gen
        # Codebook: K encoder outputs of a first batch; sigma_q^2: their mean squared distance to
        # the nearest code over L (Tessera runs k-means first; the speed of a step is the same).
        with torch.no_grad():
            x = self.batch(max(a.codebook_size, 64))
            rows = Network.run(self.net.encoder, x.float() * (2 / 255) - 1)
            rows = rows.permute(0, 2, 3, 1).reshape(-1, a.code_dim)
            pick = torch.randperm(rows.shape[0], generator=gen)[: a.codebook_size].to(device)
            mu = rows[pick].clone()
            nearest = squared_distances(rows, mu).min(1).values.mean().item()
        self.posterior_variance = max(nearest / a.code_dim, 1e-8)
        self.mu = mu.requires_grad_()
        self.params = self.net.params + [self.mu]
        self.opt = torch.optim.Adam(self.params, lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
        self.counts = torch.zeros(a.codebook_size, dtype=torch.long, device=device)
        self.step_count = 0

    def batch(self, size):
        idx = torch.randint(0, self.images.shape[0], (size,), generator=self.gen)
        x = self.images[idx]
        if self.device.type == "cuda":
            # What a DataLoader with pin_memory=True hands over: a pinned batch, copied async.
            x = x.pin_memory()
        return x.to(self.device, non_blocking=True)

    def step(self, size, total):
        a = self.a
        x = self.batch(size)
        target = x.float() / 255
        z_hat = Network.run(self.net.encoder, x.float() * (2 / 255) - 1)
        tau = a.tau0 * (a.tau_min / a.tau0) ** min(1.0, self.step_count / max(1, total - 1))
        codes, q_loss, tokens = gmvq_step(a, z_hat, self.mu, self.posterior_variance, tau)
        mse = (Network.run(self.net.decoder, codes) - target).square().mean()
        loss = mse + q_loss
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.counts += torch.bincount(tokens, minlength=a.codebook_size)
        self.step_count += 1
        return loss.detach()

    def sync(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize()

    def window(self, size, warmup, steps):
        for _ in range(warmup):
            self.step(size, warmup + steps)
        self.sync()
        start = time.perf_counter()
        for _ in range(steps):
            loss = self.step(size, warmup + steps)
        self.sync()
        seconds = time.perf_counter() - start
        return {"batch": size, "steps": steps, "seconds": seconds, "loss": loss.item()}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--images", required=True, help="raw uint8 NCHW file")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--channels", type=int, required=True)
    p.add_argument("--height", type=int, required=True)
    p.add_argument("--width-px", type=int, required=True)
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--downsample", type=int, default=4)
    p.add_argument("--residual-blocks", type=int, default=1)
    p.add_argument("--depth", type=int, default=1)
    p.add_argument("--codebook-size", type=int, default=512)
    p.add_argument("--code-dim", type=int, default=8)
    p.add_argument("--beta", type=float, default=0.01)
    p.add_argument("--gamma", type=float, default=1.0)
    p.add_argument("--tau0", type=float, default=1.0)
    p.add_argument("--tau-min", type=float, default=0.1)
    p.add_argument("--noise-variance", type=float, default=0.5)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--cudnn-benchmark", action="store_true")
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.backends.cudnn.benchmark = a.cudnn_benchmark
    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    with open(a.images, "rb") as f:
        raw = bytearray(f.read())
    images = torch.frombuffer(raw, dtype=torch.uint8).reshape(
        a.count, a.channels, a.height, a.width_px)
    trainer = Trainer(a, images, device)
    print(json.dumps({
        "ready": True,
        "torch": torch.__version__,
        "cuda": torch.version.cuda or "",
        "device": str(device) + (" " + torch.cuda.get_device_name(device)
                                 if device.type == "cuda" else ""),
        "threads": torch.get_num_threads(),
        "cudnn_benchmark": torch.backends.cudnn.benchmark,
        "encoder_params": trainer.net.encoder_count,
        "decoder_params": trainer.net.decoder_count,
    }), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        print(json.dumps(trainer.window(request["batch"], request["warmup"], request["steps"])),
              flush=True)


if __name__ == "__main__":
    main()
