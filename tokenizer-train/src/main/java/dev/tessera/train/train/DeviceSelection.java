package dev.tessera.train.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;

import dev.tessera.train.gpu.GpuSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Resolves {@code --device auto|cpu|gpu} against what DJL's PyTorch engine can see. */
public final class DeviceSelection {

    private DeviceSelection() {}

    /**
     * The first device of {@link #selectAll}: where a single model lives (evaluation, the matrix
     * multiply measurement).
     */
    public static Device select(String choice, Consumer<String> log) {
        return selectAll(choice, log).get(0);
    }

    /**
     * The devices for {@code choice}: every GPU DJL sees for {@code auto} (when there is one) and
     * {@code gpu}, which the trainer uses data-parallel; the CPU otherwise. {@code log} receives
     * one line saying what was chosen and why.
     */
    public static List<Device> selectAll(String choice, Consumer<String> log) {
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        switch (choice.toLowerCase(Locale.ROOT)) {
            case "cpu":
                log.accept("device: cpu (asked for with --device cpu); " + libtorch());
                return List.of(Device.cpu());
            case "gpu":
                if (gpus == 0) {
                    throw new IllegalArgumentException(
                            "--device gpu: DJL sees no GPU with "
                                    + libtorch()
                                    + "; run tessera gpu-setup to use this machine's PyTorch"
                                    + " with CUDA (see README, \"Training on a GPU\"), or use"
                                    + " --device cpu");
                }
                log.accept(
                        "device: "
                                + describe(gpus)
                                + " (asked for with --device gpu); "
                                + libtorch());
                return gpus(gpus);
            case "auto":
                if (gpus > 0) {
                    log.accept(
                            "device: " + describe(gpus) + ", found by --device auto; " + libtorch());
                    return gpus(gpus);
                }
                log.accept(
                        "device: cpu, found by --device auto (DJL sees no GPU); " + libtorch());
                return List.of(Device.cpu());
            default:
                throw new IllegalArgumentException(
                        "--device must be auto, cpu or gpu, got '" + choice + "'");
        }
    }

    /**
     * Which libtorch DJL loaded, its flavour when one was set, from where, and the CUDA runtime DJL
     * found, e.g. {@code libtorch 2.11.0 (cu130) from /…/torch/lib}.
     */
    public static String libtorch() {
        Engine engine = Engine.getEngine("PyTorch");
        String flavor = Utils.getEnvOrSystemProperty(GpuSettings.FLAVOR);
        StringBuilder line =
                new StringBuilder("libtorch ")
                        .append(engine.getVersion())
                        .append(flavor == null ? "" : " (" + flavor + ")")
                        .append(" from ")
                        .append(LibUtils.getLibtorchPath());
        // DJL finds the CUDA runtime library on the library path only; a pip-installed PyTorch
        // brings its own, which DJL then does not see, though PyTorch uses it.
        if (CudaUtils.hasCuda()) {
            int cuda = CudaUtils.getCudaVersion();
            line.append(", CUDA runtime ").append(cuda / 1000).append('.').append(cuda % 1000 / 10);
        }
        return line.toString();
    }

    private static String describe(int gpus) {
        return gpus == 1 ? "gpu(0)" : gpus + " GPUs, data-parallel (batch split across them)";
    }

    private static List<Device> gpus(int count) {
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            devices.add(Device.gpu(i));
        }
        return List.copyOf(devices);
    }
}
