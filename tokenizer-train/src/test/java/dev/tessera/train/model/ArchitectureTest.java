package dev.tessera.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

/** The resnet family's shape: levels, channels, shortcuts, attention and its parameter count. */
class ArchitectureTest {

    @Test
    void resnetLevelsSetTheDownsamplingAndTheChannels() {
        ResNetBackbone backbone = new ResNetBackbone(16, List.of(1, 2, 4), 1, false);
        assertEquals(4, backbone.downsample());
        Architecture arch = new Architecture(3, 32, 32, 8, backbone);
        assertEquals(8, arch.gridHeight());
        List<Layer.Conv> convs = Architecture.convolutions(arch.encoderLayers());
        assertEquals("encoder.stem", convs.get(0).name());
        assertEquals(3, convs.get(0).inChannels());
        // Shortcuts exactly where a level changes the channels: 16→32 and 32→64.
        List<String> shortcuts =
                convs.stream().map(Layer.Conv::name).filter(n -> n.endsWith("shortcut")).toList();
        assertEquals(
                List.of("encoder.level1.block0.shortcut", "encoder.level2.block0.shortcut"),
                shortcuts);
        Layer.Conv head = convs.get(convs.size() - 1);
        assertEquals("encoder.head", head.name());
        assertEquals(64, head.inChannels());
        assertEquals(8, head.outChannels());
        // Two stride-2 convolutions, no upsampling in the encoder.
        assertEquals(2, convs.stream().filter(c -> c.stride() == 2).count());
        List<Layer> decoder = arch.decoderLayers();
        assertEquals(2, decoder.stream().filter(l -> l instanceof Layer.Upsample).count());
        assertEquals(3, Layer.channelsAfter(decoder, 8));
    }

    @Test
    void attentionAddsOneBlockInEachMiddle() {
        Architecture without =
                new Architecture(1, 16, 16, 4, new ResNetBackbone(8, List.of(1, 2), 1, false));
        Architecture with =
                new Architecture(1, 16, 16, 4, new ResNetBackbone(8, List.of(1, 2), 1, true));
        // Norm (2 × 16) + q, k, v, proj (4 × (16·16 + 16)) per middle.
        long perMiddle = 2 * 16 + 4 * (16 * 16 + 16);
        assertEquals(
                Architecture.parameterCount(without.encoderLayers()) + perMiddle,
                Architecture.parameterCount(with.encoderLayers()));
        assertEquals(
                Architecture.parameterCount(without.decoderLayers()) + perMiddle,
                Architecture.parameterCount(with.decoderLayers()));
    }

    @Test
    void theProposedResnetHasAboutAMillionParameters() {
        Architecture arch =
                new Architecture(1, 28, 28, 8, new ResNetBackbone(32, List.of(1, 2, 2), 2, true));
        long total =
                Architecture.parameterCount(arch.encoderLayers())
                        + Architecture.parameterCount(arch.decoderLayers());
        assertEquals(1_122_473, total);
    }

    @Test
    void badShapesAreRefusedWithTheFlagToChange() {
        IllegalArgumentException levels =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new ResNetBackbone(8, List.of(1), 1, false));
        assertTrue(levels.getMessage().contains("--channel-mult"), levels.getMessage());
        IllegalArgumentException size =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new Architecture(
                                        1,
                                        28,
                                        28,
                                        4,
                                        new ResNetBackbone(8, List.of(1, 1, 1, 1), 1, false)));
        assertTrue(size.getMessage().contains("downsampling factor 8"), size.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new Layer.Residual(List.of(new Layer.Conv("a", 4, 8, 3, 1)), null));
    }
}
