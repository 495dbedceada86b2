package dev.tessera.train.train;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.Locale;

/** Resolves {@code --device auto|cpu|gpu} against what DJL's PyTorch engine can see. */
public final class DeviceSelection {

    private DeviceSelection() {}

    /**
     * The device for {@code choice}; {@code auto} picks the first GPU when DJL sees one. {@code
     * log} receives one line saying what was chosen and why.
     */
    public static Device select(String choice, java.util.function.Consumer<String> log) {
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        switch (choice.toLowerCase(Locale.ROOT)) {
            case "cpu":
                log.accept("device: cpu (asked for with --device cpu)");
                return Device.cpu();
            case "gpu":
                if (gpus == 0) {
                    throw new IllegalArgumentException(
                            "--device gpu: DJL sees no GPU; build with -Pcuda and point"
                                + " PYTORCH_LIBRARY_PATH at a CUDA libtorch (see README, \"Training"
                                + " on a GPU\"), or use --device cpu");
                }
                log.accept("device: gpu(0) of " + gpus + " visible GPU(s)");
                return Device.gpu();
            case "auto":
                if (gpus > 0) {
                    log.accept(
                            "device: gpu(0), found by --device auto ("
                                    + gpus
                                    + " GPU(s) visible to DJL)");
                    return Device.gpu();
                }
                log.accept("device: cpu, found by --device auto (DJL sees no GPU)");
                return Device.cpu();
            default:
                throw new IllegalArgumentException(
                        "--device must be auto, cpu or gpu, got '" + choice + "'");
        }
    }
}
