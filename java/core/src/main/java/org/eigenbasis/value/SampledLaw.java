package org.eigenbasis.value;

/**
 * What a simulation kernel reads of an inter-reset law: its family and its parameters in kernel order. Every
 * {@code org.eigenbasis.resetting.RenewalLaw} is one; {@link ResetSimulationConfig} checks any other
 * implementation with {@link LawKind#requireValid} before a kernel sees it.
 */
public interface SampledLaw {
    /** The family. */
    LawKind kind();

    /** The parameters in kernel order (for {@link LawKind#EMPIRICAL}: the observations, ascending); a copy. */
    double[] parameters();
}
