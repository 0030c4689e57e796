package org.eigenbasis.precond;

/**
 * Counters of one factor (parameter {@code parameter}, view dim {@code dim}) since construction (saved and
 * restored with the state).
 *
 * @param refreshes            times its basis was recomputed (the initial eigendecomposition included)
 * @param skipped              adaptive checks that found ‖B − diag B‖_F/‖B‖_F ≤ τ and kept the basis
 * @param qrIterations         warm-started QR iterations done in refreshes
 * @param failures             failed eigendecompositions/refreshes (the previous basis kept each time)
 * @param consecutiveFailures  failures since the last success
 * @param lastOffDiagonal      the last measured ‖B − diag B‖_F/‖B‖_F (NaN before any measurement)
 */
public record RefreshReport(String parameter, int dim, int size, long refreshes, long skipped, long qrIterations,
                            long failures, long consecutiveFailures, double lastOffDiagonal) {
}
