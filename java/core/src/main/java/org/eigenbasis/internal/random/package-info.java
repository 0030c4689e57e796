/**
 * Internal: not API. The counter-based random numbers (Philox4x32-10), the law sampler and the deterministic
 * elementary functions that the java and cpu resetting simulators share bit for bit
 * (docs/resetting-simulator.md). Public only for other eigenbasis packages; may change in any release.
 */
package org.eigenbasis.internal.random;
