/**
 * Implementation, not API: the java reference backend, written for clarity and checked against closed forms,
 * always available. Select it by name ({@code Backends.select("java")}); do not use its classes directly.
 */
package org.eigenbasis.backend.java;
