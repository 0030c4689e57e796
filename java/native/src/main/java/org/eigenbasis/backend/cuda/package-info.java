/**
 * Implementation, not API: the cuda backend (our CUDA kernels and cuSOLVER/cuBLAS through the JavaCPP CUDA
 * presets). Select it by name ({@code Backends.select("cuda")}); without a usable GPU it reports why.
 */
package org.eigenbasis.backend.cuda;
