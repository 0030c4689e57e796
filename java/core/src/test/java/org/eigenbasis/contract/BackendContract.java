package org.eigenbasis.contract;

import org.eigenbasis.spi.Backend;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * What every contract shares: the backend under test, and what happens where it cannot run. By default each test
 * is then reported skipped with the reason (a JUnit assumption); a subclass whose module builds the backend
 * returns true from {@link #requiredHere()}, and unavailability becomes a failure instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContract {
    /** The backend under test. */
    protected abstract Backend backend();

    /** True when this build must be able to run the backend (so a missing one fails rather than skips). */
    protected boolean requiredHere() {
        return false;
    }

    @BeforeEach
    protected final void requireBackend() {
        boolean available = backend().availability().available();
        String why = backend().name() + " backend unavailable: " + backend().availability().reason();
        if (requiredHere()) {
            Assertions.assertTrue(available, why);
        } else {
            Assumptions.assumeTrue(available, why);
        }
    }
}
