/**
 * NumPy {@code .npy} reading and writing of batched matrices (atomic writes). Public API.
 */
package org.eigenbasis.io;
