package org.guestcrm.testsupport;

import java.util.function.Supplier;

final class Timing {

    private Timing() {
    }

    /** Runs {@code start} and prints how long it took (first call of a shared() starts the server). */
    static <T> T timed(String what, Supplier<T> start) {
        long begin = System.nanoTime();
        T result = start.get();
        System.out.printf("[startup] %s: %d ms%n", what, (System.nanoTime() - begin) / 1_000_000);
        return result;
    }
}
