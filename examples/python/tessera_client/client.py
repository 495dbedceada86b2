"""A client of tessera.v1.TokenizerService: NumPy arrays in, NumPy arrays out."""

import uuid

import grpc
import numpy as np

from . import _stubs

# The server's default limit too (64 MiB): 256 RGB images of 256x256 fit in one message.
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024


class TesseraError(Exception):
    """A failed call: the gRPC status code (a grpc.StatusCode) and the server's description."""

    def __init__(self, method, code, details):
        super().__init__(f"{method} failed: {code.name}: {details}")
        self.method = method
        self.code = code
        self.details = details


class TokenizerClient:
    """Encodes images into token grids and decodes token grids into images on a Tessera server.

    One client holds one channel; it is thread-safe and meant to be shared. Every call runs under
    `deadline` seconds. A model is named by `model` (None: the server's only model) and `version`
    (None: the highest). Failed calls raise TesseraError.

        with TokenizerClient("localhost:50051") as client:
            tokens = client.encode(images)   # uint8 [N, C, H, W] -> int32 [N, h, w]
            pixels = client.decode(tokens)   # -> uint8 [N, C, H, W]
    """

    def __init__(self, target, *, deadline=60.0, token=None, tls=False, ca_file=None,
                 cert_file=None, key_file=None, max_message_bytes=DEFAULT_MAX_MESSAGE_BYTES):
        """Connects lazily: an unreachable server shows up as UNAVAILABLE on the first call.

        target: "host:port". token: sent as "authorization: Bearer <token>". tls: use TLS with the
        system's roots; ca_file (PEM) trusts those CAs instead and implies TLS; cert_file and
        key_file (PEM) present a client certificate for mutual TLS.
        """
        self._pb, rpc = _stubs.load()
        if deadline <= 0:
            raise ValueError(f"deadline: expected seconds > 0, got {deadline}")
        if (cert_file is None) != (key_file is None):
            raise ValueError("cert_file and key_file: mutual TLS needs both, got only one")
        options = [("grpc.max_receive_message_length", max_message_bytes),
                   ("grpc.max_send_message_length", max_message_bytes),
                   ("grpc.primary_user_agent", "tessera-python-client")]
        if tls or ca_file or cert_file:
            credentials = grpc.ssl_channel_credentials(
                root_certificates=_read(ca_file), private_key=_read(key_file),
                certificate_chain=_read(cert_file))
            self._channel = grpc.secure_channel(target, credentials, options)
        else:
            self._channel = grpc.insecure_channel(target, options)
        self._stub = rpc.TokenizerServiceStub(self._channel)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self.target = target
        self.deadline = deadline

    def list_models(self):
        """Every model the server holds: tessera.v1.ModelSummary messages."""
        return list(self._call("ListModels", self._pb.ListModelsRequest()).models)

    def get_model(self, model=None, version=None):
        """One model's tessera.v1.ModelSummary (codebook size, grid, image shape)."""
        request = self._pb.GetModelRequest(model=self._model_ref(model, version))
        return self._call("GetModel", request).summary

    def encode(self, images, model=None, version=None):
        """uint8 images [N, C, H, W] (the model's size) -> int32 token ids [N, h, w]."""
        images = np.asarray(images)
        if images.dtype != np.uint8 or images.ndim != 4:
            raise ValueError(
                f"images: expected uint8 [N, C, H, W], got {images.dtype} {list(images.shape)}")
        pixels = self._pb.RawTensor(dtype=self._pb.DTYPE_UINT8, shape=images.shape,
                                    data=np.ascontiguousarray(images).tobytes())
        request = self._pb.EncodeRequest(model=self._model_ref(model, version), pixels=pixels)
        return self._encode(request, len(images))

    def encode_files(self, files, model=None, version=None):
        """PNG or JPEG file contents (bytes), which the server decodes -> int32 [N, h, w].

        Each image must have the model's width and height (nothing is resized); colour images
        become gray for a one-channel model.
        """
        files = list(files)
        if not files:
            raise ValueError("files: expected at least one image file, got none")
        encoded = self._pb.EncodedImages(images=[self._pb.EncodedImage(data=f) for f in files])
        request = self._pb.EncodeRequest(model=self._model_ref(model, version), encoded=encoded)
        return self._encode(request, len(files))

    def decode(self, tokens, model=None, version=None):
        """Integer token ids [N, h, w], each in [0, K) -> uint8 images [N, C, H, W]."""
        tokens = np.asarray(tokens)
        if tokens.ndim != 3 or not np.issubdtype(tokens.dtype, np.integer):
            raise ValueError(
                f"tokens: expected integer ids [N, h, w], got {tokens.dtype} {list(tokens.shape)}")
        if tokens.size and (tokens.min() < 0 or tokens.max() > np.iinfo(np.int32).max):
            raise ValueError(f"tokens: ids must be in [0, 2^31), got [{tokens.min()}, "
                             f"{tokens.max()}]")
        grid = self._pb.TokenGrid(shape=tokens.shape,
                                  ids=tokens.astype(np.int32).ravel().tolist())
        request = self._pb.DecodeRequest(model=self._model_ref(model, version), tokens=grid,
                                         request_id=_request_id())
        pixels = self._call("Decode", request).pixels
        shape = tuple(pixels.shape)
        if (pixels.dtype != self._pb.DTYPE_UINT8 or len(shape) != 4 or shape[0] != len(tokens)
                or len(pixels.data) != int(np.prod(shape))):
            raise _malformed("Decode", f"pixels of dtype {pixels.dtype} shape {list(shape)} "
                             f"with {len(pixels.data)} bytes for {len(tokens)} grids")
        return np.frombuffer(pixels.data, dtype=np.uint8).reshape(shape)

    def _encode(self, request, count):
        request.request_id = _request_id()
        grid = self._call("Encode", request).tokens
        shape = tuple(grid.shape)
        if len(shape) != 3 or shape[0] != count or len(grid.ids) != int(np.prod(shape)):
            raise _malformed("Encode", f"tokens of shape {list(shape)} with {len(grid.ids)} ids "
                             f"for {count} images")
        return np.array(grid.ids, dtype=np.int32).reshape(shape)

    def _model_ref(self, name, version):
        return self._pb.ModelRef(name=name or "", version=version or "")

    def _call(self, method, request):
        try:
            return getattr(self._stub, method)(request, timeout=self.deadline,
                                               metadata=self._metadata)
        except grpc.RpcError as e:
            raise TesseraError(method, e.code(), e.details()) from None

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"TokenizerClient({self.target!r})"


def _request_id():
    """One id per call, so the server's log lines can be matched to it."""
    return str(uuid.uuid4())


def _read(path):
    if path is None:
        return None
    with open(path, "rb") as f:
        return f.read()


def _malformed(method, what):
    return TesseraError(method, grpc.StatusCode.INTERNAL,
                        f"the server's response is not valid: {what}")
