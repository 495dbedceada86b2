package dev.tessera.train.export;

/**
 * The exported ONNX graphs do not reproduce the trained model; nothing was written to the target.
 */
public final class ExportCheckException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ExportCheck check;

    public ExportCheckException(ExportCheck check) {
        super("export self-check failed: " + check.summary());
        this.check = check;
    }

    public ExportCheck check() {
        return check;
    }
}
