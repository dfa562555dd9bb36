package dev.whittle.bench;

/** Keeps computed results observable so the JIT cannot drop the work that produced them. */
final class Blackhole {
    private static volatile long sink;

    private Blackhole() {}

    static void consume(float[] values) {
        if (values != null && values.length > 0) sink += Float.floatToRawIntBits(values[values.length - 1]);
    }

    static void consume(long value) {
        sink += value;
    }
}
