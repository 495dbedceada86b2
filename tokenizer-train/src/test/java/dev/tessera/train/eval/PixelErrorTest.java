package dev.tessera.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PixelErrorTest {

    @Test
    void mseAndPsnrOfAFloatReconstructionMatchHandValues() {
        // One pixel off by 255 levels (error 1.0 after scaling), two exact: mse = 1/3.
        PixelError error = PixelError.of(new byte[] {0, (byte) 255, 100}, new float[] {0, 0, 100});
        assertEquals(1.0 / 3, error.mse(), 1e-12);
        assertEquals(3, error.values());
        // 10 · log10(3)
        assertEquals(4.771212547196624, error.psnr(), 1e-9);
    }

    @Test
    void fractionalLevelsAreScaledBy255() {
        // 2.55 levels off is 0.01 → squared 1e-4, averaged with an exact pixel: 5e-5; psnr
        // 10·log10(20000).
        PixelError error = PixelError.of(new byte[] {10, 20}, new float[] {12.55f, 20});
        assertEquals(5e-5, error.mse(), 1e-10);
        assertEquals(43.01029995663981, error.psnr(), 1e-4);
    }

    @Test
    void byteReconstructionsAreReadAsUnsignedLevels() {
        // 200 vs 100: (100/255)² = 0.15378700...; bytes above 127 must not be negative.
        PixelError error = PixelError.of(new byte[] {(byte) 200}, new byte[] {100});
        assertEquals(Math.pow(100 / 255.0, 2), error.mse(), 1e-12);
        assertEquals(0.15378700499807768, error.mse(), 1e-12);
    }

    @Test
    void perfectReconstructionHasZeroMseAndInfinitePsnr() {
        PixelError error = PixelError.of(new byte[] {1, (byte) 250}, new byte[] {1, (byte) 250});
        assertEquals(0.0, error.mse());
        assertTrue(Double.isInfinite(error.psnr()) && error.psnr() > 0);
    }

    @Test
    void mergeWeightsEachSetByItsNumberOfValues() {
        PixelError a = new PixelError(0.1, 2);
        PixelError b = new PixelError(0.4, 1);
        PixelError merged = a.merge(b);
        assertEquals(0.2, merged.mse(), 1e-12);
        assertEquals(3, merged.values());
    }

    @Test
    void mergeEqualsTheErrorOverBothSetsTogether() {
        PixelError first = PixelError.of(new byte[] {0, 10, 20}, new float[] {5, 10, 30});
        PixelError second = PixelError.of(new byte[] {(byte) 255}, new float[] {0});
        PixelError together =
                PixelError.of(new byte[] {0, 10, 20, (byte) 255}, new float[] {5, 10, 30, 0});
        assertEquals(together.mse(), first.merge(second).mse(), 1e-12);
        assertEquals(together.values(), first.merge(second).values());
    }

    @Test
    void lengthMismatchIsRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PixelError.of(new byte[] {1, 2}, new float[] {1}));
    }
}
