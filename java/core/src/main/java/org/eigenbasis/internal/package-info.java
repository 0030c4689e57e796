/**
 * Internal: not API. Deterministic release of off-heap memory. Classes here are public only so other eigenbasis
 * packages can reach them; they may change or vanish in any release. Nothing in an API package exposes them in a
 * public signature (an ArchUnit rule, LayeringTest, holds this), and they depend on no other eigenbasis package.
 */
package org.eigenbasis.internal;
