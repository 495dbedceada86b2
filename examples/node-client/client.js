#!/usr/bin/env node
// Encodes a PNG into a Tessera token grid and decodes it back, over gRPC, from Node.js.
// It loads the repository's own .proto files at run time: nothing here is generated from or
// shared with the Java code, which is the point of this example.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { parseArgs } = require('node:util');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const DEFAULT_PROTO_DIR = path.resolve(__dirname, '..', '..', 'proto', 'src', 'main', 'proto');
const SHOWN_IDS = 16;

const USAGE = `usage: node client.js --in IMAGE.png [--out DECODED.png] [options]

Calls ListModels, GetModel, Encode (with the PNG file's bytes) and Decode on a Tessera server
(tessera serve) and writes the decoded image as a PNG.

options:
  --server HOST:PORT        server address (default: $TESSERA_SERVER or localhost:50051)
  --model NAME              model name (default: the server's only model)
  --version V               model version (default: the highest)
  --in FILE                 PNG or JPEG image of the model's size (required)
  --out FILE                where to write the decoded image as PNG
  --tokens-out FILE         where to write the tokens as JSON (the format tessera decode reads)
  --deadline-ms N           deadline of each call in milliseconds (default 60000)
  --auth-token-file FILE    send "authorization: Bearer <token>" with the token in FILE
  --tls                     use TLS with the system's trusted roots (default: plain text)
  --tls-ca FILE             use TLS, trusting the CA certificates (PEM) in FILE
  --proto-dir DIR           root of the .proto files (default: $TESSERA_PROTO_DIR or
                            ${path.relative(process.cwd(), DEFAULT_PROTO_DIR) || '.'})
  -h, --help                print this help`;

/** A failure the user can act on: printed as one line, exit status 1 (2 for usage). */
class Failure extends Error {
  constructor(message, status = 1) {
    super(message);
    this.status = status;
  }
}

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        server: { type: 'string' },
        model: { type: 'string' },
        version: { type: 'string' },
        in: { type: 'string' },
        out: { type: 'string' },
        'tokens-out': { type: 'string' },
        'deadline-ms': { type: 'string' },
        'auth-token-file': { type: 'string' },
        tls: { type: 'boolean' },
        'tls-ca': { type: 'string' },
        'proto-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new Failure(e.message, 2);
  }
  if (values.help) {
    return null;
  }
  if (!values.in) {
    throw new Failure('--in: expected the image file to encode', 2);
  }
  const deadlineText = values['deadline-ms'] ?? '60000';
  const deadlineMs = Number(deadlineText);
  if (!/^[0-9]+$/.test(deadlineText) || deadlineMs < 1) {
    throw new Failure(`--deadline-ms: expected a positive whole number, got "${deadlineText}"`, 2);
  }
  return {
    server: values.server ?? process.env.TESSERA_SERVER ?? 'localhost:50051',
    model: { name: values.model ?? '', version: values.version ?? '' },
    input: values.in,
    output: values.out,
    tokensOut: values['tokens-out'],
    deadlineMs,
    authTokenFile: values['auth-token-file'],
    tls: values.tls || values['tls-ca'] !== undefined,
    tlsCa: values['tls-ca'],
    protoDir: values['proto-dir'] ?? process.env.TESSERA_PROTO_DIR ?? DEFAULT_PROTO_DIR,
  };
}

function readFile(file, what) {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new Failure(`${what} ${file}: cannot be read (${e.code ?? e.message})`);
  }
}

function writeFile(file, data, what) {
  try {
    fs.writeFileSync(file, data);
  } catch (e) {
    throw new Failure(`${what} ${file}: cannot be written (${e.code ?? e.message})`);
  }
}

function loadService(protoDir) {
  const file = path.join(protoDir, 'tessera', 'v1', 'tokenizer.proto');
  if (!fs.existsSync(file)) {
    throw new Failure(
      `--proto-dir ${protoDir}: no tessera/v1/tokenizer.proto there; point it at the repository's proto/src/main/proto`,
      2,
    );
  }
  // keepCase: fields keep their .proto names (request_id, codebook_size); longs as Number is safe
  // because shapes are far below 2^53.
  const definition = protoLoader.loadSync('tessera/v1/tokenizer.proto', {
    includeDirs: [protoDir],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).tessera.v1.TokenizerService;
}

function channelCredentials(options) {
  if (!options.tls) {
    return grpc.credentials.createInsecure();
  }
  const ca = options.tlsCa ? readFile(options.tlsCa, '--tls-ca') : null;
  return grpc.credentials.createSsl(ca);
}

function callMetadata(options) {
  const metadata = new grpc.Metadata();
  if (options.authTokenFile) {
    const token = readFile(options.authTokenFile, '--auth-token-file').toString('utf8').trim();
    if (token === '' || token.includes('\n')) {
      throw new Failure(`--auth-token-file ${options.authTokenFile}: expected one line holding the token`);
    }
    metadata.add('authorization', `Bearer ${token}`);
  }
  return metadata;
}

/** One unary call as a promise; a gRPC error becomes a Failure naming the method and status. */
function unary(client, method, request, metadata, deadlineMs) {
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + deadlineMs);
    client[method](request, metadata, { deadline }, (error, response) => {
      if (error) {
        const status = Object.keys(grpc.status).find((k) => grpc.status[k] === error.code);
        // grpc-js ends connection failures with an empty "Resolution note: ".
        const details = String(error.details).replace(/\s*Resolution note:\s*$/, '');
        reject(new Failure(`${method} failed: ${status ?? error.code}: ${details}`));
      } else {
        resolve(response);
      }
    });
  });
}

function describe(summary) {
  const psnr = summary.metrics?.psnr;
  return (
    `${summary.name} ${summary.version}  ${summary.quantizer}  K=${summary.codebook_size}` +
    `  grid ${summary.grid_height}x${summary.grid_width}` +
    `  image ${summary.channels}x${summary.image_height}x${summary.image_width}` +
    (psnr === undefined ? '' : `  psnr ${psnr.toFixed(2)} dB`)
  );
}

/** Tokens in the JSON layout that `tessera decode` reads: each grid's ids on one line. */
function tokensJson(tokens, model, codebookSize, imageName) {
  const [count, height, width] = tokens.shape;
  const grid = height * width;
  const rows = [];
  for (let n = 0; n < count; n++) {
    rows.push('    ' + tokens.ids.slice(n * grid, (n + 1) * grid).join(', '));
  }
  return (
    '{\n' +
    `  "model": ${JSON.stringify(model.name)},\n` +
    `  "version": ${JSON.stringify(model.version)},\n` +
    `  "codebook_size": ${codebookSize},\n` +
    `  "shape": [${count}, ${height}, ${width}],\n` +
    `  "images": [${JSON.stringify(imageName)}],\n` +
    `  "ids": [\n${rows.join(',\n')}\n  ]\n}\n`
  );
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) {
    c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** An 8-bit grayscale (C = 1) or RGB (C = 3) PNG of one uint8 CHW image. */
function encodePng(pixels, channels, height, width) {
  if (channels !== 1 && channels !== 3) {
    throw new Failure(`cannot write ${channels}-channel images as PNG; expected 1 or 3 channels`);
  }
  const plane = height * width;
  const rowBytes = 1 + width * channels;
  const raw = Buffer.alloc(height * rowBytes); // filter byte 0 (None) starts every row
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        raw[y * rowBytes + 1 + x * channels + c] = pixels[c * plane + y * width + x];
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // colour type: grayscale or truecolour
  // bytes 10..12: deflate compression, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function checkPixels(tensor) {
  const shape = tensor.shape;
  if (tensor.dtype !== 'DTYPE_UINT8' || shape.length !== 4 || shape[0] !== 1) {
    throw new Failure(
      `Decode returned ${tensor.dtype} pixels of shape [${shape.join(', ')}]; expected DTYPE_UINT8 [1, C, H, W]`,
    );
  }
  const [, channels, height, width] = shape;
  if (tensor.data.length !== channels * height * width) {
    throw new Failure(`Decode returned ${tensor.data.length} bytes for shape [${shape.join(', ')}]`);
  }
  return { channels, height, width };
}

async function run(options) {
  const image = readFile(options.input, '--in');
  const TokenizerService = loadService(options.protoDir);
  const metadata = callMetadata(options);
  const client = new TokenizerService(options.server, channelCredentials(options));
  const call = (method, request) => unary(client, method, request, metadata, options.deadlineMs);
  try {
    const list = await call('ListModels', {});
    console.log(`server ${options.server}: ${list.models.length} model(s)`);
    for (const summary of list.models) {
      console.log(`  ${describe(summary)}`);
    }

    const { summary } = await call('GetModel', { model: options.model });
    console.log(`model: ${summary.name} ${summary.version}`);

    const encoded = await call('Encode', {
      model: options.model,
      encoded: { images: [{ data: image }] },
      request_id: path.basename(options.input),
    });
    const tokens = encoded.tokens;
    const shown = tokens.ids.slice(0, SHOWN_IDS).join(' ');
    const more = tokens.ids.length > SHOWN_IDS ? ' ...' : '';
    console.log(
      `encode: ${options.input} (${image.length} bytes) -> tokens [${tokens.shape.join(', ')}]: ${shown}${more}`,
    );
    if (options.tokensOut) {
      const json = tokensJson(tokens, encoded.model, summary.codebook_size, path.basename(options.input));
      writeFile(options.tokensOut, json, '--tokens-out');
      console.log(`tokens: ${options.tokensOut}`);
    }

    // Decode names the exact model and version that encoded, so a newer version loaded in between
    // cannot decode these tokens with another codebook.
    const decoded = await call('Decode', { model: encoded.model, tokens });
    const { channels, height, width } = checkPixels(decoded.pixels);
    console.log(`decode: tokens -> pixels [1, ${channels}, ${height}, ${width}]`);
    if (options.output) {
      writeFile(options.output, encodePng(decoded.pixels.data, channels, height, width), '--out');
      console.log(`decoded image: ${options.output}`);
    }
  } finally {
    client.close();
  }
}

async function main() {
  try {
    const options = parseOptions(process.argv.slice(2));
    if (options === null) {
      console.log(USAGE);
      return 0;
    }
    await run(options);
    return 0;
  } catch (e) {
    if (!(e instanceof Failure)) {
      throw e;
    }
    console.error(`error: ${e.message}`);
    if (e.status === 2) {
      console.error("run 'node client.js --help' for usage");
    }
    return e.status;
  }
}

main().then((status) => {
  process.exitCode = status;
});
