package dev.tessera.train.api;

import ai.djl.Device;

import dev.tessera.train.gpu.GpuSettings;
import dev.tessera.train.train.DeviceSelection;

import java.util.function.Consumer;

/**
 * The device for a model, chosen as the trainer's {@code --device} chooses it.
 *
 * <p>Stable.
 */
public final class Devices {

    private Devices() {}

    /**
     * The device for {@code choice}: {@code cpu}; {@code gpu}, the first GPU DJL sees (an {@link
     * IllegalArgumentException} saying how to get one when it sees none); {@code auto}, the first
     * GPU when there is one, else the CPU. {@code log} receives one line saying what was chosen.
     */
    public static Device select(String choice, Consumer<String> log) {
        return DeviceSelection.select(choice, log);
    }

    /**
     * Applies the GPU settings that {@code tessera gpu-setup} recorded (which libtorch and JNI DJL
     * loads), unless {@code PYTORCH_LIBRARY_PATH} is set in the environment. Call it first in a
     * program's {@code main}, before anything touches DJL; {@code warn} receives one line when the
     * recorded settings cannot be used.
     */
    public static void applyRecordedGpuSettings(Consumer<String> warn) {
        GpuSettings.applyRecorded(warn);
    }
}
