package dev.tessera.train.quantize;

import java.util.Map;

/** Settings of one quantizer kind; {@link #create} makes the quantizer they describe. */
public sealed interface QuantizerConfig permits GmVqConfig, VqConfig, VqEmaConfig, FsqConfig {

    /** Name recorded in manifests and accepted by {@code --quantizer}. */
    String kind();

    int codebookSize();

    int codeDim();

    /** A fresh, uninitialised quantizer with these settings. */
    Quantizer create();

    /** The settings as strings, for the manifest's training configuration and reports. */
    Map<String, String> describe();
}
