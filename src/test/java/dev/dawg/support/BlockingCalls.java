package dev.dawg.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The blocking calls BlockHound saw on non-blocking threads, kept until a test collects them.
 *
 * <p>They are recorded rather than thrown: an error thrown from inside a library's lock acquisition (Lettuce,
 * Netty) can leave that library's state half-updated and wedge an event loop for the rest of the run, and a
 * reactive library may swallow the error anyway. {@link NoBlockingCallsExtension} fails the test instead.
 */
public final class BlockingCalls {

    private static final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

    private BlockingCalls() {
    }

    static void record(String method) {
        Throwable where = new Throwable("Blocking call " + method + " on thread " + Thread.currentThread().getName());
        StringBuilder text = new StringBuilder(where.getMessage());
        for (StackTraceElement frame : where.getStackTrace()) {
            text.append("\n\tat ").append(frame);
        }
        System.err.println("BlockingOperationError: " + text);
        seen.add(text.toString());
    }

    /** What was seen since the last call, which forgets it. */
    static List<String> drain() {
        List<String> calls = new ArrayList<>();
        for (String call; (call = seen.poll()) != null;) {
            calls.add(call);
        }
        return calls;
    }
}
