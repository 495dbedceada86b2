package dev.tessera.runtime.onnx;

import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.artifact.TokenizerLoadException;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * The two ONNX Runtime sessions of one tokenizer and the execution provider they run on. Owns the
 * sessions: {@link #close()} releases both.
 */
record EncoderDecoderSessions(OrtSession encoder, OrtSession decoder, String provider)
        implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Tokenizer.class.getName());

    /** Opens both graphs, on CUDA if asked and possible, else on CPU. */
    static EncoderDecoderSessions open(
            OrtEnvironment env, Path dir, TokenizerOptions options, String label) {
        if (options.useCuda()) {
            try {
                return create(env, dir, options, true);
            } catch (OrtException | RuntimeException | LinkageError e) {
                LOG.log(
                        Level.WARNING,
                        "tokenizer "
                                + label
                                + ": CUDA execution provider unavailable ("
                                + firstLine(e)
                                + "); running on CPU");
            }
        }
        try {
            return create(env, dir, options, false);
        } catch (OrtException e) {
            throw new TokenizerLoadException(
                    "encoder.onnx/decoder.onnx: ONNX Runtime cannot load the "
                            + "graphs ("
                            + firstLine(e)
                            + "); re-export the tokenizer",
                    e);
        }
    }

    private static EncoderDecoderSessions create(
            OrtEnvironment env, Path dir, TokenizerOptions options, boolean cuda)
            throws OrtException {
        OrtSession encoder = null;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (cuda) {
                so.addCUDA(0);
            }
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            encoder = env.createSession(dir.resolve(TokenizerDirectory.ENCODER).toString(), so);
            OrtSession decoder =
                    env.createSession(dir.resolve(TokenizerDirectory.DECODER).toString(), so);
            return new EncoderDecoderSessions(encoder, decoder, cuda ? "CUDA" : "CPU");
        } catch (OrtException | RuntimeException | LinkageError e) {
            if (encoder != null) {
                encoder.close();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        closeLogged(encoder);
        closeLogged(decoder);
    }

    private static void closeLogged(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.log(Level.WARNING, "closing an ONNX Runtime session failed: " + e.getMessage());
        }
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
