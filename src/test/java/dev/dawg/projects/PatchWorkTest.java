package dev.dawg.projects;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import dev.dawg.projects.patch.JsonPatch;

import static org.assertj.core.api.Assertions.assertThat;

/** A patch that may take more than a few hundred microseconds is applied on the patch workers, never where it arrived. */
class PatchWorkTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void shouldKeepCheapWorkInlineAndTakeCostlyWorkToTheWorkers() {
        Mono<String> cheap = PatchWork.run(1024, () -> Thread.currentThread().getName());
        Mono<String> costly = PatchWork.run(PatchWork.INLINE_MAX_COST + 1, () -> Thread.currentThread().getName());

        // Subscribed on a parallel thread: what BlockHound and Reactor treat as a non-blocking thread, like an event loop.
        StepVerifier.create(cheap.subscribeOn(Schedulers.parallel())).assertNext(thread -> assertThat(thread).startsWith("parallel"))
                .verifyComplete();
        StepVerifier.create(costly.subscribeOn(Schedulers.parallel())).assertNext(thread -> assertThat(thread).startsWith("json-patch"))
                .verifyComplete();
    }

    @Test
    void shouldCountAPatchWithACopyAsCostlyWhateverItsSize() {
        JsonPatch copy = JsonPatch.parse(JSON.readTree("[{\"op\":\"copy\",\"from\":\"\",\"path\":\"/a\"}]"));
        JsonPatch edits = JsonPatch.parse(JSON.readTree("[{\"op\":\"add\",\"path\":\"/a\",\"value\":1},{\"op\":\"remove\",\"path\":\"/a\"}]"));

        assertThat(PatchWork.cost(copy, 100)).isGreaterThan(PatchWork.INLINE_MAX_COST);
        assertThat(PatchWork.cost(edits, 100)).isEqualTo(200);
        assertThat(PatchWork.cost(edits, PatchWork.INLINE_MAX_COST)).isGreaterThan(PatchWork.INLINE_MAX_COST);
        assertThat(PatchWork.cost(edits, 0)).isZero();
    }
}
