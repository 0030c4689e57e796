package org.eigenbasis.spi;

import java.util.Map;
import org.eigenbasis.value.Placement;

/**
 * One implementation of every kernel family. Registered through {@link java.util.ServiceLoader}; chosen by
 * {@link Backends}. Implementations must be cheap to construct and must not load native code before
 * {@link #availability()} is first called; availability must never throw.
 */
public interface Backend {
    /** The name users select it by: {@code java}, {@code cpu} or {@code cuda}. */
    String name();

    /** Whether it can run here, probed once and cached; never throws. */
    Availability availability();

    /** Preference for {@code auto}: the available backend with the highest priority wins. */
    int priority();

    /**
     * Facts for {@code eigenbasis backends}: implementation, CPU, library versions, OpenBLAS core type and threads,
     * GPU name, as ordered key/value pairs. Only called when available.
     */
    Map<String, String> describe();

    /** Batched symmetric eigendecomposition. */
    EighKernel eigh();

    /** Spectral functions from an eigendecomposition. */
    SpectralKernel spectral();

    /** Warm-started eigenbasis refresh. */
    RefreshKernel refresh();

    /** Trajectory simulation of gradient flow / OU with renewal resets. */
    ResetSimulationKernel resetSimulation();

    /** Factor accumulation, two-sided rotations and fused diagonal updates of the Kronecker preconditioners. */
    PreconditionerKernel preconditioner();

    /** EK-FAC eigenvalues, Kronecker-eigenbasis rotations and weighted products for influence functions. */
    InfluenceKernel influence();

    /** SGD training and exact Hessian-vector products of multilayer perceptrons. */
    MlpKernel mlp();

    /** Closed-form generated variances of linear denoisers for modes × training times (issue 14). */
    DiffusionKernel diffusion();

    /**
     * Where long-lived working state that this backend's kernels read and write every call (an optimizer's
     * factors, bases and moments) should be allocated: {@link Placement#OFF_HEAP} for native backends, whose
     * kernels then work in place instead of copying to and from the heap on every call; the heap otherwise.
     * The owner of such state must close it.
     */
    default Placement statePlacement() {
        return Placement.HEAP;
    }
}
