package dev.dawg.projects;

import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.projects.patch.JsonPatch;
import dev.dawg.projects.patch.PatchOperation;

/**
 * Where a patch is parsed and applied: inline when it and its document are small (tens of microseconds), else on a
 * bounded pool of workers sized for the machine, so that a large document or patch never holds an event loop.
 */
final class PatchWork {

    /** The cost (bytes that may be read, walked or copied) up to which the work stays on the calling thread. */
    static final long INLINE_MAX_COST = 128 * 1024;

    private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** One worker per core; patches beyond what is queued are refused (503) rather than piled up. */
    private static final Scheduler WORKERS = Schedulers.newBoundedElastic(THREADS, 32 * THREADS, "json-patch", 60, true);

    private PatchWork() {
    }

    /**
     * What applying {@code patch} to a document may cost at most, given the bytes of the document and the patch: each
     * operation may walk the whole document, and a copy may double it (up to its limit), so a patch with a copy is
     * never cheap.
     */
    static long cost(JsonPatch patch, long inputBytes) {
        boolean copies = patch.operations().stream().anyMatch(PatchOperation.Copy.class::isInstance);
        return copies ? Long.MAX_VALUE : inputBytes * Math.max(1, patch.operations().size());
    }

    /** Runs {@code work} inline if its {@code cost} is small (a few hundred microseconds at most), else on a worker. */
    static <T> Mono<T> run(long cost, Callable<T> work) {
        Mono<T> call = Mono.fromCallable(work);
        if (cost <= INLINE_MAX_COST) {
            return call;
        }
        return call.subscribeOn(WORKERS)
                .onErrorMap(RejectedExecutionException.class,
                        busy -> ApiProblem.serviceUnavailable("This server is applying as many large patches as it can; retry shortly"));
    }
}
