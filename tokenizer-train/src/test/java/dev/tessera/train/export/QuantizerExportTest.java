package dev.tessera.train.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.tessera.api.v1.TrainingSummary;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.LatentBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.Codebook;
import dev.tessera.train.quantize.FsqConfig;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.QuantizerConfig;
import dev.tessera.train.quantize.VqConfig;
import dev.tessera.train.quantize.VqEmaConfig;
import dev.tessera.train.train.TokenizerTrainer;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainedTokenizer;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Every quantizer exports: the ONNX encoder picks the trained model's tokens (the self-check) and
 * its {@code latents} output equals the vectors the DJL model quantizes (tanh-bounded for FSQ).
 */
class QuantizerExportTest {

    @TempDir Path temp;

    static List<QuantizerConfig> quantizers() {
        return List.of(
                GmVqConfig.defaults(16, 3),
                VqConfig.defaults(16, 3),
                VqEmaConfig.defaults(16, 3),
                new FsqConfig(new int[] {4, 2, 2}));
    }

    @ParameterizedTest
    @MethodSource("quantizers")
    void exportedEncoderReproducesTokensAndLatents(QuantizerConfig config) throws Exception {
        Architecture arch = new Architecture(1, 32, 32, 8, 4, 3, 1);
        ImageBatch validation = new SyntheticShapes().generate(8, 6);
        try (TrainedTokenizer model =
                new TokenizerTrainer(
                                new TokenizerNetwork(arch),
                                config.create(),
                                new TrainConfig(3, 16, 2e-3, 5, 2, 1),
                                Device.cpu(),
                                p -> {})
                        .train(new SyntheticShapes().generate(64, 5))) {
            Path dir = temp.resolve(config.kind());
            ExportCheck check =
                    new TokenizerExporter("test")
                            .export(
                                    model,
                                    new TokenizerExporter.Description(
                                            "unit",
                                            "1",
                                            TrainingSummary.getDefaultInstance(),
                                            Map.of()),
                                    validation,
                                    dir,
                                    false);
            assertTrue(check.passed(), check.summary());
            try (Tokenizer exported = Tokenizer.open(dir);
                    NDManager scratch = model.params().manager().newSubManager()) {
                assertEquals(config.kind(), exported.manifest().getQuantizer());
                LatentBatch latents = exported.latents(validation);
                NDArray rows =
                        Codebook.flattenPositions(model.encodeContinuous(scratch, validation));
                if (model.quantizer().tanhBounded()) {
                    rows = rows.tanh();
                }
                float[] expected = rows.toFloatArray();
                assertEquals(expected.length, latents.values().length);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], latents.values()[i], 1e-4, "latent " + i);
                }
            }
        }
    }
}
