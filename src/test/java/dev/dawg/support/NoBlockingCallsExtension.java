package dev.dawg.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Registered for every test by JUnit's extension auto-detection. Fails a test when BlockHound saw a blocking
 * call on an event loop while it ran (or since the previous test, for work a test left running). And when a
 * test fails because something did not answer in time, prints every thread's stack with the locks it holds and
 * waits for: a hang on a CI machine then explains itself in the log.
 */
public class NoBlockingCallsExtension implements AfterEachCallback, TestExecutionExceptionHandler {

    private static final int MAX_THREAD_DUMPS = 3;
    private static final AtomicInteger threadDumps = new AtomicInteger();

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> calls = BlockingCalls.drain();
        if (!calls.isEmpty()) {
            throw new AssertionError(calls.size() + " blocking call(s) on non-blocking threads; the first:\n" + calls.get(0));
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (causedByATimeout(failure) && threadDumps.incrementAndGet() <= MAX_THREAD_DUMPS) {
            StringBuilder dump = new StringBuilder("Thread dump after a timeout in " + context.getDisplayName() + ":\n");
            for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                dump.append(describe(thread));
            }
            System.err.println(dump);
        }
        throw failure;
    }

    private static boolean causedByATimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String text = String.valueOf(cause.getMessage());
            if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException
                    || text.contains("Timeout on blocking read") || text.contains("timed out") || text.contains("no answer")) {
                return true;
            }
        }
        return false;
    }

    /** ThreadInfo.toString() cuts stacks at 8 frames; a hang needs the whole stack. */
    private static String describe(ThreadInfo thread) {
        StringBuilder text = new StringBuilder("\"").append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
        if (thread.getLockName() != null) {
            text.append(" on ").append(thread.getLockName());
        }
        if (thread.getLockOwnerName() != null) {
            text.append(" owned by \"").append(thread.getLockOwnerName()).append('"');
        }
        text.append('\n');
        for (StackTraceElement frame : thread.getStackTrace()) {
            text.append("\tat ").append(frame).append('\n');
        }
        for (var synchronizer : thread.getLockedSynchronizers()) {
            text.append("\t- holds ").append(synchronizer).append('\n');
        }
        return text.append('\n').toString();
    }
}
