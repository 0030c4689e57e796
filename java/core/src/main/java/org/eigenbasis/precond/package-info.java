/**
 * Optimizers for JVM training loops over named parameter blocks: AdamW, Shampoo, SOAP, eigenvalue-corrected
 * Shampoo, K-FAC and EK-FAC, all one eigenbasis preconditioner ({@link org.eigenbasis.precond.EigenbasisOptimizer})
 * with a {@link org.eigenbasis.precond.PreconditionerSpec}. Start from {@link org.eigenbasis.precond.Optimizers}:
 * <pre>{@code
 * Parameter w = Parameter.of("w", wData, 256, 128);        // float[] or double[], updated in place
 * Parameter b = Parameter.of("b", bData, 256);
 * SoapConfig config = SoapConfig.defaults().withLr(3e-3).withPreconditionFrequency(10);
 * try (EigenbasisOptimizer soap = Optimizers.soap(config, List.of(w, b), Backends.select("auto"))) {
 *     for (...) {
 *         soap.step(new Gradients().put(w, gw).put(b, gb));   // dtype and length checked against w, b
 *     }
 *     soap.save(Path.of("soap.state"));
 * }
 * }</pre>
 * Decisions and measurements: docs/design-notes.md, "Kronecker-factored preconditioners".
 */
package org.eigenbasis.precond;
