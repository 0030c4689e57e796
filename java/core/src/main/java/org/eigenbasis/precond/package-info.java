/**
 * Optimizers for JVM training loops over named parameter blocks: AdamW, Shampoo, SOAP, eigenvalue-corrected
 * Shampoo, K-FAC and EK-FAC, all one eigenbasis preconditioner ({@link org.eigenbasis.precond.EigenbasisOptimizer})
 * with a {@link org.eigenbasis.precond.PreconditionerSpec}. Start from {@link org.eigenbasis.precond.Optimizers}:
 * <pre>{@code
 * List<Parameter> params = List.of(Parameter.of("w", w, 256, 128), Parameter.of("b", b, 256));
 * try (EigenbasisOptimizer soap = Optimizers.soap(SoapConfig.defaults(), params, Backends.select("auto"))) {
 *     for (...) {
 *         soap.step(new Gradients().put("w", gw).put("b", gb));
 *     }
 *     soap.save(Path.of("soap.state"));
 * }
 * }</pre>
 * Decisions and measurements: docs/design-notes.md, "Kronecker-factored preconditioners".
 */
package org.eigenbasis.precond;
