/**
 * The linear-algebra facades: batched symmetric eigendecomposition ({@link org.eigenbasis.linalg.SymmetricEigen}),
 * spectral functions f(A) and f(A)·X ({@link org.eigenbasis.linalg.SpectralFunctions}) and the warm-started
 * eigenbasis refresh ({@link org.eigenbasis.linalg.EigenbasisRefresh}). Public API; each call validates its input
 * in Java and runs on the backend it was created for.
 */
package org.eigenbasis.linalg;
