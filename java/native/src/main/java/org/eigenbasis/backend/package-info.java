/**
 * Implementation, not API: what the native backends share (staging of heap data into native memory, scratch
 * buffers, argument checks of the preconditioner kernels).
 */
package org.eigenbasis.backend;
