/**
 * Spectral filters: functions of an eigenvalue that {@link org.eigenbasis.linalg.SpectralFunctions} applies
 * (inverse p-th roots, damped inverses, ridge, gradient flow, or any Java function). Public API.
 */
package org.eigenbasis.filter;
