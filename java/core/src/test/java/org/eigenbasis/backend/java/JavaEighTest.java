package org.eigenbasis.backend.java;

import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.contract.EighContract;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.EighAlgorithm;

/** The eigh contract on the java backend. */
class JavaEighTest extends EighContract {
    private static final Backend BACKEND = new JavaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    /** java's TWO_STAGE ends in the same implicit QL, so its iteration limit is ours too. */
    @Override
    protected List<EighAlgorithm> iterativeAlgorithms() {
        List<EighAlgorithm> out = new ArrayList<>(super.iterativeAlgorithms());
        out.add(EighAlgorithm.TWO_STAGE);
        return out;
    }
}
