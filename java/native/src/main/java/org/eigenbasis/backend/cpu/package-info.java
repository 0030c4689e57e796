/**
 * Implementation, not API: the cpu backend (C++17 kernels over OpenBLAS/LAPACK from the JavaCPP presets,
 * parallel across the batch). Select it by name ({@code Backends.select("cpu")}).
 */
package org.eigenbasis.backend.cpu;
