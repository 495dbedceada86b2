package dev.tessera.runtime.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.GetModelResponse;
import dev.tessera.api.v1.ModelSummary;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.runtime.testing.ImageFiles;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.Status;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** The client against the real server and toy models: every answer equals the library's. */
class TokenizerClientTest {

    @TempDir Path temp;
    private ModelRegistry registry;
    private Tokenizer gray1;
    private Tokenizer gray2;
    private Tokenizer rgb;
    private TokenizerServer server;

    @BeforeEach
    void serveToyModels() throws Exception {
        registry = new ModelRegistry();
        gray1 = Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp));
        gray2 = Tokenizer.open(new ToyTokenizer("toy", "2", 1, 8, 8, 4, 4, 32).writeTo(temp));
        rgb = Tokenizer.open(ToyTokenizer.rgb("toy-rgb", "1").writeTo(temp));
        registry.register(gray1);
        registry.register(gray2);
        registry.register(rgb);
        server =
                TokenizerServer.startInProcess(
                        registry, "client-test-" + UUID.randomUUID(), ServerConfig.defaults());
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }

    private TokenizerClient client() {
        return TokenizerClient.connect(server.address());
    }

    private static ImageBatch grayImages() {
        return ToyImages.grayBatch(
                ToyImages.quadrants(), ToyImages.uniform(1, 37), ToyImages.uniform(1, 250));
    }

    @Test
    void encodeAndDecodeEqualTheLibrary() {
        ImageBatch images = grayImages();
        try (TokenizerClient client = client()) {
            TokenBatch tokens = client.encode("toy", "1", images);
            assertEquals(gray1.encode(images), tokens);
            assertArrayEquals(new int[] {0, 15, 6, 4, 2, 2, 2, 2, 15, 15, 15, 15}, tokens.ids());
            assertEquals(gray1.decode(tokens), client.decode("toy", "1", tokens));
        }
    }

    @Test
    void anEmptyVersionSelectsTheHighestAndRgbWorksToo() {
        ImageBatch images = grayImages();
        ImageBatch colour = new ImageBatch(1, 3, 8, 8, ToyImages.uniform(3, 200));
        try (TokenizerClient client = client()) {
            TokenBatch tokens = client.encode("toy", null, images);
            assertEquals(gray2.encode(images), tokens);
            assertEquals(4, tokens.height());
            assertEquals(gray2.decode(tokens), client.decode("toy", "", tokens));
            TokenBatch rgbTokens = client.encode("toy-rgb", null, colour);
            assertEquals(rgb.encode(colour), rgbTokens);
            assertEquals(rgb.decode(rgbTokens), client.decode("toy-rgb", null, rgbTokens));
        }
    }

    @Test
    void encodePngEqualsEncodingThePixels() {
        ImageBatch images = grayImages();
        List<byte[]> files =
                List.of(png(images.image(0)), png(images.image(1)), png(images.image(2)));
        try (TokenizerClient client = client()) {
            assertEquals(gray1.encode(images), client.encodePng("toy", "1", files));
        }
    }

    private static byte[] png(ImageBatch one) {
        return ImageFiles.gray("png", one.width(), one.height(), one.pixels()).toByteArray();
    }

    @Test
    void listsAndDescribesModels() {
        try (TokenizerClient client = client()) {
            List<ModelSummary> models = client.listModels();
            assertEquals(
                    List.of("toy:1", "toy:2", "toy-rgb:1"),
                    models.stream().map(m -> m.getName() + ":" + m.getVersion()).toList());
            GetModelResponse model = client.getModel("toy", null);
            assertEquals("2", model.getSummary().getVersion());
            assertEquals(32, model.getSummary().getCodebookSize());
            assertEquals(gray2.manifest(), model.getManifest());
        }
    }

    @Test
    void refusalsCarryTheStatusAndTheServersMessage() {
        try (TokenizerClient client = client()) {
            TokenizerClientException missing =
                    assertThrows(TokenizerClientException.class, () -> client.getModel("toy", "9"));
            assertEquals(Status.Code.NOT_FOUND, missing.code());
            assertEquals(1, missing.attempts());
            assertTrue(missing.description().contains("no version \"9\""), missing.description());

            TokenBatch bad = new TokenBatch(1, 2, 2, new int[] {0, 1, 16, 3});
            TokenizerClientException invalid =
                    assertThrows(
                            TokenizerClientException.class, () -> client.decode("toy", "1", bad));
            assertEquals(Status.Code.INVALID_ARGUMENT, invalid.code());
            assertEquals(
                    "tokens.ids[2]: expected a token id in [0,16), got 16", invalid.description());
            assertEquals(
                    "Decode failed with INVALID_ARGUMENT: tokens.ids[2]: expected a token id in"
                            + " [0,16), got 16",
                    invalid.getMessage());

            ImageBatch wrongSize = new ImageBatch(1, 1, 4, 4, new byte[16]);
            TokenizerClientException shape =
                    assertThrows(
                            TokenizerClientException.class,
                            () -> client.encode("toy", "1", wrongSize));
            assertEquals(Status.Code.INVALID_ARGUMENT, shape.code());
            assertTrue(shape.description().startsWith("pixels.shape"), shape.description());
            // The server keeps answering after refusals.
            assertEquals(gray1.encode(grayImages()), client.encode("toy", "1", grayImages()));
        }
    }

    @Test
    void worksOverTcp() throws Exception {
        try (TokenizerServer tcp =
                        TokenizerServer.start(registry, ServerConfig.defaults().withPort(0));
                TokenizerClient client = TokenizerClient.connect("127.0.0.1:" + tcp.port())) {
            ImageBatch images = grayImages();
            TokenBatch tokens = client.encode("toy", "1", images);
            assertEquals(gray1.encode(images), tokens);
            assertEquals(gray1.decode(tokens), client.decode("toy", "1", tokens));
        }
    }
}
