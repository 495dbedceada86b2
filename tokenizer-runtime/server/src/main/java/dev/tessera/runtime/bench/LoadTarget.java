package dev.tessera.runtime.bench;

import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ListModelsRequest;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.ModelSummary;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.cli.CommandFailedException;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.WireTensors;
import dev.tessera.runtime.measure.MeasurementPlan;

import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One server that {@code bench-serve} loads: its connections, the model it calls (the named one or
 * its only one), seeded random requests of that model's shape, and its metrics endpoint if known.
 */
final class LoadTarget implements AutoCloseable {

    /** Distinct requests each caller cycles through. */
    private static final int REQUESTS = 256;

    private final String address;
    private final URI metrics;
    private final String direction;
    private final int imagesPerCall;
    private final GrpcLoad load;
    private final ModelSummary model;
    private final List<EncodeRequest> encodes;
    private final List<DecodeRequest> decodes;

    /**
     * Connects and looks the model up.
     *
     * @param metrics the server's Prometheus endpoint, or null
     * @param name model name; empty for the server's only model
     * @param version model version; empty for any
     * @throws CommandFailedException if the server cannot be reached or lacks the model
     */
    LoadTarget(
            String address,
            URI metrics,
            int connections,
            String name,
            String version,
            String direction,
            int imagesPerCall,
            long seed) {
        this.address = address;
        this.metrics = metrics;
        this.direction = direction;
        this.imagesPerCall = imagesPerCall;
        this.load = new GrpcLoad(address, connections);
        try {
            this.model = resolve(name, version);
        } catch (RuntimeException e) {
            load.close();
            throw e;
        }
        this.encodes = direction.equals("encode") ? encodeRequests(seed) : List.of();
        this.decodes = direction.equals("decode") ? decodeRequests(seed) : List.of();
    }

    String address() {
        return address;
    }

    ModelSummary model() {
        return model;
    }

    private ModelSummary resolve(String name, String version) {
        List<ModelSummary> models;
        try {
            models =
                    TokenizerServiceGrpc.newBlockingStub(load.channel())
                            .listModels(ListModelsRequest.getDefaultInstance())
                            .getModelsList();
        } catch (StatusRuntimeException e) {
            throw new CommandFailedException(
                    "cannot list the models of " + address + " (" + e.getStatus() + ")", e);
        }
        List<ModelSummary> matching =
                models.stream()
                        .filter(m -> name.isEmpty() || m.getName().equals(name))
                        .filter(m -> version.isEmpty() || m.getVersion().equals(version))
                        .toList();
        if (matching.isEmpty() || (name.isEmpty() && matching.size() > 1)) {
            throw new CommandFailedException(
                    "--model: the server at "
                            + address
                            + " has "
                            + models.stream().map(m -> m.getName() + ":" + m.getVersion()).toList()
                            + "; name one with --model NAME [--version V]");
        }
        // Versions compare numerically part by part on the server; the last listed is enough here.
        return matching.get(matching.size() - 1);
    }

    /** One load of {@code callers} callers, with the server's metrics around its windows. */
    ServeReport.Row measure(int callers, MeasurementPlan timing) throws Exception {
        MetricsScrape[] scrapes = new MetricsScrape[2];
        LoadWindows.Marks marks =
                metrics == null
                        ? LoadWindows.Marks.NONE
                        : new LoadWindows.Marks() {
                            @Override
                            public void started() {
                                scrapes[0] = MetricsScrape.fetch(metrics);
                            }

                            @Override
                            public void ended() {
                                scrapes[1] = MetricsScrape.fetch(metrics);
                            }
                        };
        LoadWindows.Result r =
                direction.equals("encode")
                        ? load.run(encodeMethod(), encodes, callers, imagesPerCall, timing, marks)
                        : load.run(decodeMethod(), decodes, callers, imagesPerCall, timing, marks);
        return ServeReport.Row.of(r, scrapes[0], scrapes[1], model.getName(), direction);
    }

    private List<EncodeRequest> encodeRequests(long seed) {
        Random random = new Random(seed);
        List<EncodeRequest> requests = new ArrayList<>();
        int size =
                imagesPerCall
                        * model.getChannels()
                        * model.getImageHeight()
                        * model.getImageWidth();
        for (int i = 0; i < REQUESTS; i++) {
            byte[] pixels = new byte[size];
            random.nextBytes(pixels);
            ImageBatch images =
                    new ImageBatch(
                            imagesPerCall,
                            model.getChannels(),
                            model.getImageHeight(),
                            model.getImageWidth(),
                            pixels);
            requests.add(
                    EncodeRequest.newBuilder()
                            .setModel(ref())
                            .setPixels(WireTensors.rawPixels(images))
                            .build());
        }
        return requests;
    }

    private List<DecodeRequest> decodeRequests(long seed) {
        Random random = new Random(seed);
        List<DecodeRequest> requests = new ArrayList<>();
        int size = imagesPerCall * model.getGridHeight() * model.getGridWidth();
        for (int i = 0; i < REQUESTS; i++) {
            int[] ids = random.ints(size, 0, model.getCodebookSize()).toArray();
            TokenBatch tokens =
                    new TokenBatch(imagesPerCall, model.getGridHeight(), model.getGridWidth(), ids);
            requests.add(
                    DecodeRequest.newBuilder()
                            .setModel(ref())
                            .setTokens(WireTensors.tokenGrid(tokens))
                            .build());
        }
        return requests;
    }

    private static MethodDescriptor<EncodeRequest, EncodeResponse> encodeMethod() {
        return TokenizerServiceGrpc.getEncodeMethod();
    }

    private static MethodDescriptor<DecodeRequest, DecodeResponse> decodeMethod() {
        return TokenizerServiceGrpc.getDecodeMethod();
    }

    private ModelRef ref() {
        return ModelRef.newBuilder()
                .setName(model.getName())
                .setVersion(model.getVersion())
                .build();
    }

    @Override
    public void close() {
        load.close();
    }
}
