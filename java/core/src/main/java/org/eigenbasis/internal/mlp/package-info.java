/**
 * Internal: not API. The arithmetic of multilayer perceptrons on row-major f64 arrays (forward pass, per-example
 * losses and gradients, backpropagation of output-space vectors, Hessian-, GGN- and Jacobian-vector products, the
 * SGD loop) and the error function that the exact gelu needs. Public only so {@code org.eigenbasis.influence} and
 * the java backend can reach it; it may change or vanish in any release, and it depends on no other eigenbasis
 * package (shapes come as {@code int[]} widths and integer activation and loss codes).
 */
package org.eigenbasis.internal.mlp;
