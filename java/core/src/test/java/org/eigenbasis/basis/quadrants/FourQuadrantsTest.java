package org.eigenbasis.basis.quadrants;

import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;

/** {@link FourQuadrantsContract} on the java backend. */
class FourQuadrantsTest extends FourQuadrantsContract {
    private static final Backend JAVA = Backends.select("java");

    @Override
    protected Backend backend() {
        return JAVA;
    }
}
