package dev.chorus.serving;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.types.Shape;
import dev.chorus.errors.UnavailableException;

/** The member pool's behaviour at its edges (its inference is covered by the serving tests). */
class MemberPoolTest {

    @Test
    void aClosedPoolAnswersWorkWithATypedRetryableFailure() {
        MemberPool pool = new MemberPool(2, member -> {
            throw new AssertionError("a closed pool opens nothing");
        });
        pool.close();

        var features = pool.extract(null, new float[1], new Shape(1, 1, 1, 1));

        ExecutionException failed = assertThrows(ExecutionException.class, () -> features.get(5, TimeUnit.SECONDS));
        assertInstanceOf(UnavailableException.class, failed.getCause(),
                "a request caught by shutdown is UNAVAILABLE (retry elsewhere), not an internal error");
    }
}
