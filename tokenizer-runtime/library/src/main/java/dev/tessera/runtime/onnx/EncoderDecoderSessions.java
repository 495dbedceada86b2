package dev.tessera.runtime.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.artifact.TokenizerLoadException;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ONNX Runtime sessions of one tokenizer, {@link TokenizerOptions#instances()} for each graph,
 * and the execution provider they run on. Owns the sessions: {@link #close()} releases them all.
 */
record EncoderDecoderSessions(List<OrtSession> encoders, List<OrtSession> decoders, String provider)
        implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Tokenizer.class.getName());

    /** Opens both graphs once per instance, on CUDA if asked and possible, else on CPU. */
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
        List<OrtSession> encoders = new ArrayList<>();
        List<OrtSession> decoders = new ArrayList<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (cuda) {
                so.addCUDA(0);
            }
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (!options.spinWait()) {
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            String encoder = dir.resolve(TokenizerDirectory.ENCODER).toString();
            String decoder = dir.resolve(TokenizerDirectory.DECODER).toString();
            for (int i = 0; i < options.instances(); i++) {
                encoders.add(env.createSession(encoder, so));
                decoders.add(env.createSession(decoder, so));
            }
            return new EncoderDecoderSessions(
                    List.copyOf(encoders), List.copyOf(decoders), cuda ? "CUDA" : "CPU");
        } catch (OrtException | RuntimeException | LinkageError e) {
            encoders.forEach(EncoderDecoderSessions::closeLogged);
            decoders.forEach(EncoderDecoderSessions::closeLogged);
            throw e;
        }
    }

    @Override
    public void close() {
        encoders.forEach(EncoderDecoderSessions::closeLogged);
        decoders.forEach(EncoderDecoderSessions::closeLogged);
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
